from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ccm_cost_per_contact = fields.Monetary(
        related="company_id.ccm_cost_per_contact", readonly=False
    )
    ccm_nps_enabled = fields.Boolean(related="company_id.ccm_nps_enabled", readonly=False)
    ccm_nps_survey_id = fields.Many2one(related="company_id.ccm_nps_survey_id", readonly=False)
    ccm_nps_interval_months = fields.Integer(
        related="company_id.ccm_nps_interval_months", readonly=False
    )
    ccm_nps_sample_percent = fields.Float(
        related="company_id.ccm_nps_sample_percent", readonly=False
    )
    ccm_nps_min_days = fields.Integer(related="company_id.ccm_nps_min_days", readonly=False)
    ccm_csat_delivery_enabled = fields.Boolean(
        related="company_id.ccm_csat_delivery_enabled", readonly=False
    )
    ccm_csat_delivery_survey_id = fields.Many2one(
        related="company_id.ccm_csat_delivery_survey_id", readonly=False
    )
    ccm_csat_delivery_delay_hours = fields.Integer(
        related="company_id.ccm_csat_delivery_delay_hours", readonly=False
    )
