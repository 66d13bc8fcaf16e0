from odoo import fields, models

from ..analytics.text import SENTIMENTS

SENTIMENT_SELECTION = list(zip(SENTIMENTS, ["Negative", "Neutral", "Positive"], strict=True))
TEXT_SOURCES = [
    ("complaint", "Complaint"),
    ("complaint_message", "Message on a complaint"),
    ("survey", "Survey comment"),
]
LABELS = [("positive", "Positive"), ("negative", "Negative")]
METHODS = [("lexicon", "Lexicon"), ("model", "Trained model")]


class CrmCustomerText(models.Model):
    """One text a customer wrote (a complaint, their message on it, a satisfaction survey
    comment) with its sentiment and theme. Collected set-based from the documents by the
    text-mining service (``crm.customer.sentiment``), scored in bulk; never edited."""

    _name = "crm.customer.text"
    _description = "Customer Text"
    _order = "date desc, id desc"
    _rec_name = "body"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one(
        related="partner_id.user_id", string="Salesperson", store=True, readonly=True
    )
    source = fields.Selection(TEXT_SOURCES, required=True, readonly=True)
    res_id = fields.Integer("Source ID", required=True, readonly=True)
    complaint_id = fields.Many2one(
        "crm.complaint", readonly=True, index="btree_not_null", ondelete="cascade"
    )
    category_id = fields.Many2one("crm.complaint.category", readonly=True)
    root_cause_id = fields.Many2one("crm.complaint.root.cause", readonly=True)
    date = fields.Datetime(required=True, readonly=True)
    period = fields.Date(readonly=True, help="First day of the text's month.")
    body = fields.Text("Text", readonly=True)
    label = fields.Selection(
        LABELS,
        readonly=True,
        help="What the customer's own score says (NPS promoter or detractor, CSAT satisfied "
        "or not): the texts the company's sentiment model learns from.",
    )
    sentiment = fields.Selection(SENTIMENT_SELECTION, readonly=True, index=True)
    sentiment_score = fields.Float(
        readonly=True, aggregator="avg", digits=(16, 2), help="From -1 (negative) to 1."
    )
    sentiment_method = fields.Selection(METHODS, readonly=True)
    theme_id = fields.Many2one("crm.customer.theme", readonly=True, ondelete="set null")
    acted = fields.Boolean(readonly=True, help="A negative text the customer was put at risk by.")

    _sql_constraints = [
        (
            "source_uniq",
            "unique(company_id, source, res_id)",
            "A text is collected once per company.",
        ),
    ]
