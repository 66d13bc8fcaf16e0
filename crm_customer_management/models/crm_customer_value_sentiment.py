from odoo import fields, models

from .crm_customer_text import SENTIMENT_SELECTION


class CrmCustomerValue(models.Model):
    """Sentiment side of the value profile: what the customer wrote lately, scored by
    ``crm.customer.sentiment``."""

    _inherit = "crm.customer.value"

    sentiment_score = fields.Float(
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Average sentiment of the customer's texts of the last 90 days, from -1 "
        "(negative) to 1 (positive).",
    )
    last_sentiment = fields.Selection(SENTIMENT_SELECTION, readonly=True)
    last_text_date = fields.Date("Last Text", readonly=True)
    negative_text_date = fields.Date(
        readonly=True,
        help="The customer's last negative text: at risk until they buy again.",
    )
    negative_text = fields.Text("Last Negative Text", readonly=True)
