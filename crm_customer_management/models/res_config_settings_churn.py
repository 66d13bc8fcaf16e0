from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Churn model
    ccm_churn_horizon_days = fields.Integer(
        related="company_id.ccm_churn_horizon_days", readonly=False
    )
    ccm_churn_own_interval = fields.Boolean(
        related="company_id.ccm_churn_own_interval", readonly=False
    )
    ccm_churn_model_summary = fields.Char(
        related="company_id.ccm_churn_model_id.summary", string="Churn Score"
    )
    # Text mining
    ccm_sentiment_model_note = fields.Text(
        related="company_id.ccm_sentiment_model_id.note", string="Sentiment"
    )
    ccm_theme_count = fields.Integer(related="company_id.ccm_theme_count", readonly=False)
    ccm_text_recovery_activity = fields.Boolean(
        related="company_id.ccm_text_recovery_activity", readonly=False
    )
