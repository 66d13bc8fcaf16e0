from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ccm_cost_per_order = fields.Monetary(related="company_id.ccm_cost_per_order", readonly=False)
    ccm_cost_per_delivery = fields.Monetary(
        related="company_id.ccm_cost_per_delivery", readonly=False
    )
    ccm_cost_per_return = fields.Monetary(related="company_id.ccm_cost_per_return", readonly=False)
    ccm_cost_per_complaint = fields.Monetary(
        related="company_id.ccm_cost_per_complaint", readonly=False
    )
    ccm_capital_cost_rate = fields.Float(related="company_id.ccm_capital_cost_rate", readonly=False)
    ccm_clv_horizon_months = fields.Integer(
        related="company_id.ccm_clv_horizon_months", readonly=False
    )
    ccm_monthly_discount_rate = fields.Float(
        related="company_id.ccm_monthly_discount_rate", readonly=False
    )
    ccm_mvc_share = fields.Float(related="company_id.ccm_mvc_share", readonly=False)
    ccm_mgc_growth_ratio = fields.Float(related="company_id.ccm_mgc_growth_ratio", readonly=False)
    ccm_value_refreshed_at = fields.Datetime(related="company_id.ccm_value_refreshed_at")

    def action_ccm_refresh_values(self):
        return self.env["crm.customer.value"].action_refresh_all()
