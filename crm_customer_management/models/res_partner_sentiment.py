from odoo import fields, models

from ..const import CCM_USER


class ResPartner(models.Model):
    _inherit = "res.partner"

    sentiment_score = fields.Float(related="customer_value_id.sentiment_score", groups=CCM_USER)
    last_sentiment = fields.Selection(related="customer_value_id.last_sentiment", groups=CCM_USER)
    negative_text = fields.Text(related="customer_value_id.negative_text", groups=CCM_USER)
