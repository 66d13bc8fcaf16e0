from odoo import fields, models


class CrmCustomerDepartment(models.Model):
    """A department that owns part of the customer picture (sales, marketing, after-sales
    service, warehouse, accounting, management): needs, feedback and decisions are routed
    to it."""

    _name = "crm.customer.department"
    _description = "Customer Management Department"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    manager_id = fields.Many2one("res.users")
    member_ids = fields.Many2many("res.users", string="Members")
    note = fields.Html()

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A department with this name already exists in this company.",
        ),
    ]
