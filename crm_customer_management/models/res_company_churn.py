from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # Churn model
    ccm_churn_horizon_days = fields.Integer(
        "Churn Horizon (days)",
        default=90,
        help="A customer has churned when they do not buy in this many days.",
    )
    ccm_churn_own_interval = fields.Boolean(
        "Horizon from the Customer's Interval",
        help="Twice the customer's usual interval between purchases (at least 30 days, at "
        "most the churn horizon) instead of the same horizon for everyone.",
    )
    ccm_churn_model_id = fields.Many2one(
        "crm.customer.churn.model", "Churn Model", readonly=True, copy=False
    )
    ccm_churn_cron_at = fields.Datetime("Last Churn Model Training", readonly=True, copy=False)
    ccm_churn_cron_error = fields.Text("Churn Model Error", readonly=True, copy=False)

    @api.constrains("ccm_churn_horizon_days")
    def _check_ccm_churn_horizon_days(self):
        for company in self:
            if not 30 <= company.ccm_churn_horizon_days <= 730:
                raise ValidationError(
                    self.env._("The churn horizon must be between 30 and 730 days.")
                )
