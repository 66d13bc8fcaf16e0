from odoo import fields, models


class CrmCustomerCommitteeMember(models.Model):
    """A seat on the CRM committee: a user and the department he represents."""

    _name = "crm.customer.committee.member"
    _description = "CRM Committee Member"
    _order = "committee_id, department_id, id"

    committee_id = fields.Many2one(
        "crm.customer.committee", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="committee_id.company_id", store=True)
    user_id = fields.Many2one(
        "res.users", required=True, ondelete="cascade", domain=[("share", "=", False)]
    )
    department_id = fields.Many2one(
        "crm.customer.department", string="Represents", required=True, ondelete="restrict"
    )

    _sql_constraints = [
        (
            "user_committee_uniq",
            "unique(committee_id, user_id)",
            "This user already sits on the committee.",
        ),
    ]
