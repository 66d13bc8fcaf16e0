from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmCustomerDepartment(models.Model):
    """A department that owns part of the customer picture (sales, marketing, after-sales
    service, warehouse, accounting, management): needs, feedback and decisions are routed
    to it. Its manager gets the activities of what is routed to it and the escalations of
    its overdue decisions; its members see its decisions and suggestions."""

    _name = "crm.customer.department"
    _description = "Customer Management Department"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    manager_id = fields.Many2one(
        "res.users",
        domain=[("share", "=", False)],
        help="Receives the activities of the suggestions routed to the department and the "
        "escalations of its overdue decisions.",
    )
    member_ids = fields.Many2many(
        "res.users",
        string="Members",
        domain=[("share", "=", False)],
        help="See the department's decisions and suggestions.",
    )
    note = fields.Html()
    decision_count = fields.Integer(compute="_compute_counts")
    suggestion_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A department with this name already exists in this company.",
        ),
    ]

    def _compute_counts(self):
        for field, model in (
            ("decision_count", "crm.customer.decision"),
            ("suggestion_count", "crm.customer.suggestion"),
        ):
            counts = dict(
                self.env[model]._read_group(
                    [("department_id", "in", self.ids)], ["department_id"], ["__count"]
                )
            )
            for department in self:
                department[field] = counts.get(department, 0)

    @api.constrains("manager_id", "member_ids")
    def _check_internal_users(self):
        for department in self:
            if (department.manager_id | department.member_ids).filtered("share"):
                raise ValidationError(
                    self.env._(
                        "The manager and members of department %(department)s must be "
                        "internal users.",
                        department=department.display_name,
                    )
                )

    def action_open_decisions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_decision_action"
        )
        action["domain"] = [("department_id", "=", self.id)]
        return action

    def action_open_suggestions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_suggestion_action"
        )
        action["domain"] = [("department_id", "=", self.id)]
        return action
