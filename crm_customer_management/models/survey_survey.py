from odoo import fields, models


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    ccm_satisfaction_kind = fields.Selection(
        [("nps", "Net Promoter Score (0-10)"), ("csat", "Customer satisfaction (1-5)")],
        string="Customer Satisfaction Survey",
        help="Answers to the first scale question of this survey measure the customer's "
        "satisfaction: NPS 0-6 (detractor) or CSAT 1-3 are negative and make the customer "
        "dissatisfied in the lifecycle.",
    )
