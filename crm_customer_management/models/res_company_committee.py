from odoo import fields, models

# tier -> (field, default days without contact before the customer is reported)
CONTACT_DAYS = {
    "mvc": ("ccm_contact_days_mvc", 30),
    "mgc": ("ccm_contact_days_mgc", 60),
    "maintain": ("ccm_contact_days_maintain", 90),
    "bz": ("ccm_contact_days_bz", 180),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    # The CRM committee
    ccm_management_group_id = fields.Many2one(
        "res.groups",
        string="Senior Management",
        help="Its users follow every suggestion and feedback item of the company.",
    )
    ccm_decision_escalation_days = fields.Integer(
        "Escalate to the Chair After (days)",
        default=7,
        help="An overdue decision goes to its department's manager at once, then to the "
        "committee's chair after this many days.",
    )
    # Knowledge that stays: how long a customer of each tier may go without contact
    ccm_contact_days_mvc = fields.Integer("Most valuable: days without contact", default=30)
    ccm_contact_days_mgc = fields.Integer("Most growable: days without contact", default=60)
    ccm_contact_days_maintain = fields.Integer("Maintain: days without contact", default=90)
    ccm_contact_days_bz = fields.Integer("Below zero: days without contact", default=180)

    _sql_constraints = [
        (
            "ccm_contact_days_positive",
            "CHECK(ccm_contact_days_mvc > 0 AND ccm_contact_days_mgc > 0 "
            "AND ccm_contact_days_maintain > 0 AND ccm_contact_days_bz > 0)",
            "The days without contact of each tier must be positive.",
        ),
        (
            "ccm_decision_escalation_days_positive",
            "CHECK(ccm_decision_escalation_days >= 0)",
            "The escalation delay of decisions cannot be negative.",
        ),
    ]
