from odoo import api, fields, models

from .crm_customer_text import METHODS


class CrmCustomerSentimentModel(models.Model):
    """One training of a company's sentiment model: the trained model when the company has
    enough labelled texts (its cross-validated accuracy), else the lexicon."""

    _name = "crm.customer.sentiment.model"
    _description = "Customer Sentiment Model"
    _order = "date desc, id desc"
    _rec_name = "date"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    date = fields.Datetime("Trained On", required=True, readonly=True)
    method = fields.Selection(METHODS, required=True, readonly=True)
    labelled_count = fields.Integer("Labelled Texts", readonly=True)
    positive_count = fields.Integer("Positive", readonly=True)
    accuracy = fields.Float(
        "Cross-validated Accuracy",
        readonly=True,
        digits=(16, 3),
        help="Share of the labelled texts the model classifies right when it did not learn "
        "from them (5-fold cross-validation).",
    )
    lexicon_accuracy = fields.Float(
        readonly=True,
        digits=(16, 3),
        help="Share of the labelled texts the lexicon alone classifies right.",
    )
    text_count = fields.Integer("Texts Scored", readonly=True)
    seconds = fields.Float("Time (s)", readonly=True, digits=(16, 2))
    note = fields.Text(readonly=True)

    @api.model
    def action_train(self):
        """Collect, score and theme the current company's texts now (managers)."""
        service = self.env["crm.customer.sentiment"]
        service._check_manager()
        run = service.sudo()._mine(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": run.note,
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
