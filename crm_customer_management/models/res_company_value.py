from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # Cost to serve: unit costs
    ccm_cost_per_order = fields.Monetary("Cost per Order", default=0.0)
    ccm_cost_per_delivery = fields.Monetary("Cost per Delivery", default=0.0)
    ccm_cost_per_return = fields.Monetary("Cost per Return", default=0.0)
    ccm_cost_per_complaint = fields.Monetary("Cost per Complaint", default=0.0)
    ccm_capital_cost_rate = fields.Float(
        "Cost of Capital (% a year)",
        default=8.0,
        help="Charged per day on amounts paid late or overdue, as part of the cost to serve.",
    )
    # Future value
    ccm_clv_horizon_months = fields.Integer("CLV Horizon (months)", default=12)
    ccm_monthly_discount_rate = fields.Float("Monthly Discount Rate (%)", default=1.0)
    # Tiers
    ccm_mvc_share = fields.Float(
        "Most Valuable Share (%)",
        default=20.0,
        help="Share of the customers with a positive net value that are most valuable.",
    )
    ccm_mgc_growth_ratio = fields.Float(
        "Most Growable Ratio",
        default=1.5,
        help="A customer is most growable when the predicted value over the horizon is at "
        "least this many times the revenue of the last 12 months.",
    )
    # Population state of the last full refresh (RFM breakpoints, fitted model parameters)
    ccm_value_state = fields.Json(readonly=True, copy=False)
    ccm_value_refreshed_at = fields.Datetime("Customer Values Refreshed", readonly=True, copy=False)
    ccm_value_fit_note = fields.Text(
        "Prediction Status",
        readonly=True,
        copy=False,
        help="Why churn probability and predicted CLV are empty, when they are.",
    )
    # Last nightly runs, and what failed in them (shown in the settings)
    ccm_value_cron_at = fields.Datetime("Last Nightly Value Refresh", readonly=True, copy=False)
    ccm_value_cron_error = fields.Text("Value Refresh Error", readonly=True, copy=False)
    ccm_lifecycle_cron_at = fields.Datetime(
        "Last Nightly Lifecycle Evaluation", readonly=True, copy=False
    )
    ccm_lifecycle_cron_error = fields.Text("Lifecycle Evaluation Error", readonly=True, copy=False)

    @api.constrains(
        "ccm_cost_per_order",
        "ccm_cost_per_delivery",
        "ccm_cost_per_return",
        "ccm_cost_per_complaint",
        "ccm_capital_cost_rate",
        "ccm_clv_horizon_months",
        "ccm_monthly_discount_rate",
        "ccm_mvc_share",
        "ccm_mgc_growth_ratio",
    )
    def _check_ccm_settings(self):
        for company in self:
            costs = (
                company.ccm_cost_per_order,
                company.ccm_cost_per_delivery,
                company.ccm_cost_per_return,
                company.ccm_cost_per_complaint,
                company.ccm_capital_cost_rate,
                company.ccm_monthly_discount_rate,
            )
            if any(c < 0 for c in costs):
                raise ValidationError(self.env._("Unit costs and rates cannot be negative."))
            if not 1 <= company.ccm_clv_horizon_months <= 120:
                raise ValidationError(
                    self.env._("The CLV horizon must be between 1 and 120 months.")
                )
            if not 0 <= company.ccm_mvc_share <= 100:
                raise ValidationError(
                    self.env._("The most valuable share must be between 0 and 100 %.")
                )
            if company.ccm_mgc_growth_ratio <= 0:
                raise ValidationError(self.env._("The most growable ratio must be positive."))

    def _ccm_value_config(self):
        """Settings of this company in the form the analytics core takes."""
        self.ensure_one()
        return {
            "horizon_months": self.ccm_clv_horizon_months,
            "monthly_discount_rate": self.ccm_monthly_discount_rate / 100.0,
            "mvc_share": self.ccm_mvc_share / 100.0,
            "mgc_growth_ratio": self.ccm_mgc_growth_ratio,
            "unit_costs": {
                "order": self.ccm_cost_per_order,
                "delivery": self.ccm_cost_per_delivery,
                "return": self.ccm_cost_per_return,
                "complaint": self.ccm_cost_per_complaint,
                "capital_rate": self.ccm_capital_cost_rate / 100.0,
            },
        }
