from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Thresholds of the QCI lifecycle rules, per company."""

    _inherit = "res.company"

    ccm_onboarding_days = fields.Integer("Onboarding Period (days)", default=30)
    ccm_known_completeness = fields.Float(
        "Known Profile Completeness (%)",
        default=70.0,
        help="A customer becomes 'known' once needs are captured and the data completeness "
        "reaches this share.",
    )
    ccm_period_days = fields.Integer("Retention Period (days)", default=90)
    ccm_retained_periods = fields.Integer(
        "Retained After (consecutive periods)",
        default=3,
        help="Purchases in this many consecutive periods make a customer 'retained'.",
    )
    ccm_risk_interval_factor = fields.Float(
        "At Risk After (x usual interval)",
        default=2.0,
        help="A customer is at risk when the time since the last purchase exceeds this many "
        "times the customer's own usual interval between purchases.",
    )
    ccm_risk_min_days = fields.Integer("At Risk After at Least (days)", default=60)
    ccm_churn_threshold = fields.Float(
        "At Risk Churn Probability (%)",
        default=70.0,
        help="A predicted churn probability over this share also puts a customer at risk.",
    )
    ccm_lost_days = fields.Integer("Lost After (days without purchase)", default=365)
    ccm_manual_hold_days = fields.Integer(
        "Manual Moves Hold (days)",
        default=30,
        help="A stage set by hand is kept this long against the scheduled rules; events "
        "(complaints, purchases after loss, long inactivity) still move the customer.",
    )
    ccm_playbook_max_runs = fields.Integer(
        "Max Automatic Playbook Runs",
        default=200,
        help="When one automatic evaluation moves more customers into stages with a playbook, "
        "the moves are recorded but the playbooks are held until a manager runs or discards "
        "them from the stage history.",
    )

    @api.constrains(
        "ccm_onboarding_days",
        "ccm_known_completeness",
        "ccm_period_days",
        "ccm_retained_periods",
        "ccm_risk_interval_factor",
        "ccm_risk_min_days",
        "ccm_churn_threshold",
        "ccm_lost_days",
        "ccm_manual_hold_days",
        "ccm_playbook_max_runs",
    )
    def _check_ccm_lifecycle_settings(self):
        for company in self:
            if (
                min(
                    company.ccm_onboarding_days,
                    company.ccm_risk_min_days,
                    company.ccm_manual_hold_days,
                )
                < 0
            ):
                raise ValidationError(self.env._("Lifecycle periods cannot be negative."))
            if company.ccm_playbook_max_runs < 0:
                raise ValidationError(
                    self.env._("The maximum number of automatic playbook runs cannot be negative.")
                )
            if company.ccm_period_days < 1 or company.ccm_retained_periods < 1:
                raise ValidationError(
                    self.env._("The retention period and the number of periods must be positive.")
                )
            if company.ccm_risk_interval_factor <= 0:
                raise ValidationError(self.env._("The at-risk interval factor must be positive."))
            if not (0 <= company.ccm_known_completeness <= 100) or not (
                0 <= company.ccm_churn_threshold <= 100
            ):
                raise ValidationError(self.env._("Percentages must be between 0 and 100."))
            if company.ccm_lost_days <= company.ccm_risk_min_days:
                raise ValidationError(
                    self.env._(
                        "A customer must be at risk before being lost: the lost delay must be "
                        "longer than the minimum at-risk delay."
                    )
                )

    def _ccm_lifecycle_config(self):
        """Settings of this company in the form the analytics core takes."""
        self.ensure_one()
        return {
            "onboarding_days": self.ccm_onboarding_days,
            "period_days": self.ccm_period_days,
            "retained_periods": self.ccm_retained_periods,
            "risk_interval_factor": self.ccm_risk_interval_factor,
            "risk_min_days": self.ccm_risk_min_days,
            "churn_threshold": self.ccm_churn_threshold / 100.0,
            "lost_days": self.ccm_lost_days,
            "manual_hold_days": self.ccm_manual_hold_days,
        }
