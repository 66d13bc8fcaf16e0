from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Settings of the interaction figures (the unit cost of a contact in the cost to
    serve) and of the relationship NPS programme."""

    _inherit = "res.company"

    ccm_cost_per_contact = fields.Monetary(
        "Cost per Contact",
        default=0.0,
        help="Counted in the cost to serve for every contact with the customer (logged "
        "call, visit, chat..., e-mail in or out, meeting, complaint message).",
    )
    # Relationship NPS: every N months per active customer contact, a sample
    ccm_nps_enabled = fields.Boolean("Relationship NPS Programme")
    ccm_nps_survey_id = fields.Many2one(
        "survey.survey",
        string="NPS Survey",
        domain=[("ccm_satisfaction_kind", "=", "nps")],
        default=lambda self: self.env.ref(
            "crm_customer_management.survey_nps", raise_if_not_found=False
        ),
    )
    ccm_nps_interval_months = fields.Integer(
        "Ask Every (months)",
        default=6,
        help="A contact of an active customer is asked again this many months after the "
        "last invitation.",
    )
    ccm_nps_sample_percent = fields.Float(
        "Sample (%)", default=100.0, help="Share of the contacts due that each wave invites."
    )
    ccm_nps_min_days = fields.Integer(
        "Minimum Days Between Surveys",
        default=30,
        help="Never invite a contact sooner than this after any satisfaction survey of ours "
        "(relationship NPS, delivery or complaint CSAT).",
    )
    # Transactional CSAT after a delivery
    ccm_csat_delivery_enabled = fields.Boolean("CSAT After Delivery")
    ccm_csat_delivery_survey_id = fields.Many2one(
        "survey.survey",
        string="Delivery CSAT Survey",
        domain=[("ccm_satisfaction_kind", "=", "csat")],
        default=lambda self: self.env.ref(
            "crm_customer_management.survey_csat_delivery", raise_if_not_found=False
        ),
    )
    ccm_csat_delivery_delay_hours = fields.Integer(
        "Ask After (hours)", default=24, help="Hours after the delivery is done."
    )

    @api.constrains(
        "ccm_cost_per_contact", "ccm_nps_interval_months", "ccm_nps_sample_percent",
        "ccm_nps_min_days", "ccm_csat_delivery_delay_hours",
    )  # fmt: skip
    def _check_ccm_interaction_settings(self):
        for company in self:
            if company.ccm_cost_per_contact < 0:
                raise ValidationError(self.env._("Unit costs and rates cannot be negative."))
            if not 1 <= company.ccm_nps_interval_months <= 60:
                raise ValidationError(
                    self.env._("The NPS interval must be between 1 and 60 months.")
                )
            if not 0 < company.ccm_nps_sample_percent <= 100:
                raise ValidationError(
                    self.env._("The NPS sample is a share above 0 and up to 100 %.")
                )
            if company.ccm_nps_min_days < 0 or company.ccm_csat_delivery_delay_hours < 0:
                raise ValidationError(self.env._("Survey intervals and delays cannot be negative."))

    def _ccm_value_config(self):
        config = super()._ccm_value_config()
        config["unit_costs"]["contact"] = self.ccm_cost_per_contact
        return config
