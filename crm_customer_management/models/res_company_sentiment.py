from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # Text mining
    ccm_sentiment_model_id = fields.Many2one(
        "crm.customer.sentiment.model", "Sentiment Model", readonly=True, copy=False
    )
    ccm_text_recovery_activity = fields.Boolean(
        "Recovery Call on Negative Text",
        default=True,
        help="A customer put at risk by a negative text gets a recovery call activity for "
        "their salesperson.",
    )
    ccm_theme_count = fields.Integer(
        "Themes per Month", default=5, help="Themes extracted from each month's complaints."
    )
    ccm_text_cron_at = fields.Datetime("Last Text Mining", readonly=True, copy=False)
    ccm_text_cron_error = fields.Text("Text Mining Error", readonly=True, copy=False)

    @api.constrains("ccm_theme_count")
    def _check_ccm_theme_count(self):
        for company in self:
            if not 1 <= company.ccm_theme_count <= 20:
                raise ValidationError(self.env._("Themes per month must be between 1 and 20."))
