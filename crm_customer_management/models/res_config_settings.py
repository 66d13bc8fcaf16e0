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
    # Lifecycle
    ccm_onboarding_days = fields.Integer(related="company_id.ccm_onboarding_days", readonly=False)
    ccm_known_completeness = fields.Float(
        related="company_id.ccm_known_completeness", readonly=False
    )
    ccm_period_days = fields.Integer(related="company_id.ccm_period_days", readonly=False)
    ccm_retained_periods = fields.Integer(related="company_id.ccm_retained_periods", readonly=False)
    ccm_risk_interval_factor = fields.Float(
        related="company_id.ccm_risk_interval_factor", readonly=False
    )
    ccm_risk_min_days = fields.Integer(related="company_id.ccm_risk_min_days", readonly=False)
    ccm_churn_threshold = fields.Float(related="company_id.ccm_churn_threshold", readonly=False)
    ccm_lost_days = fields.Integer(related="company_id.ccm_lost_days", readonly=False)
    ccm_manual_hold_days = fields.Integer(related="company_id.ccm_manual_hold_days", readonly=False)
    ccm_playbook_max_runs = fields.Integer(
        related="company_id.ccm_playbook_max_runs", readonly=False
    )

    def action_ccm_refresh_values(self):
        return self.env["crm.customer.value"].action_refresh_all()

    # KPIs
    ccm_period_calendar = fields.Selection(related="company_id.ccm_period_calendar", readonly=False)
    ccm_acquisition_account_ids = fields.Many2many(
        related="company_id.ccm_acquisition_account_ids", readonly=False
    )
    ccm_acquisition_analytic_ids = fields.Many2many(
        related="company_id.ccm_acquisition_analytic_ids", readonly=False
    )

    # Complaints
    ccm_complaint_escalation_user_id = fields.Many2one(
        related="company_id.ccm_complaint_escalation_user_id", readonly=False
    )
