from odoo import api, fields, models


class ResUsersHandover(models.TransientModel):
    """The committee and department roles of the leaving user: his seats on the CRM
    committees, the chair and the secretary's role, the department manager roles. They go
    to the wizard's successor (the one who takes over everything not given to another);
    with no such successor, or one who does not work in the role's company, the wizard says
    which ones must be reassigned by hand, and the handover's log keeps both lists."""

    _inherit = "res.users.handover"

    role_summary = fields.Text("Committee and Department Roles", compute="_compute_roles")
    roles_by_hand = fields.Boolean(compute="_compute_roles")

    @api.depends("user_id", "successor_id")
    def _compute_roles(self):
        for wizard in self:
            moved, left = wizard._plan_roles()
            wizard.role_summary = "\n".join(moved + left) or False
            wizard.roles_by_hand = bool(left)

    def _held_roles(self):
        """[(field, record, label)] of the roles the leaving user holds (active committees
        and departments of every company)."""
        user = self.user_id
        if not user:
            return []
        Committee = self.env["crm.customer.committee"].sudo()
        roles = []
        for committee in Committee.search([("chair_id", "=", user.id)]):
            roles.append(("chair_id", committee, self.env._("Chair of %s", committee.display_name)))
        for committee in Committee.search([("secretary_id", "=", user.id)]):
            roles.append(
                ("secretary_id", committee, self.env._("Secretary of %s", committee.display_name))
            )
        seats = (
            self.env["crm.customer.committee.member"]
            .sudo()
            .search([("user_id", "=", user.id), ("committee_id.active", "=", True)])
        )
        for seat in seats:
            roles.append(
                (
                    "user_id",
                    seat,
                    self.env._(
                        "Seat on %(committee)s for %(department)s",
                        committee=seat.committee_id.display_name,
                        department=seat.department_id.display_name,
                    ),
                )
            )
        departments = (
            self.env["crm.customer.department"].sudo().search([("manager_id", "=", user.id)])
        )
        for department in departments:
            roles.append(
                (
                    "manager_id",
                    department,
                    self.env._("Manager of the %s department", department.display_name),
                )
            )
        return roles

    def _role_goes_to_successor(self, record):
        successor = self.successor_id
        return bool(successor) and (
            not record.company_id or record.company_id in successor.company_ids
        )

    def _successor_sits(self, record):
        """Whether ``record`` is a seat on a committee the successor already sits on."""
        return record._name == "crm.customer.committee.member" and (
            self.successor_id in record.committee_id.member_ids.user_id
        )

    def _plan_roles(self):
        """(labels of the roles the successor takes, labels of those left to reassign by
        hand, each with why)."""
        moved, left = [], []
        for _field, record, label in self._held_roles():
            if self._role_goes_to_successor(record) and self._successor_sits(record):
                moved.append(
                    self.env._(
                        "%(role)s: given up (%(user)s already sits on the committee)",
                        role=label,
                        user=self.successor_id.name,
                    )
                )
            elif self._role_goes_to_successor(record):
                moved.append(
                    self.env._("%(role)s: to %(user)s", role=label, user=self.successor_id.name)
                )
            elif self.successor_id:
                left.append(
                    self.env._(
                        "%(role)s: to reassign by hand (%(user)s does not work in %(company)s)",
                        role=label,
                        user=self.successor_id.name,
                        company=record.company_id.name,
                    )
                )
            else:
                left.append(
                    self.env._(
                        "%(role)s: to reassign by hand (no successor for everything else)",
                        role=label,
                    )
                )
        return moved, left

    def _move_roles(self):
        """Give the leaving user's roles to the successor (a seat on a committee he already
        sits on is given up instead); returns the two lists of ``_plan_roles``."""
        plan = self._plan_roles()
        successor = self.successor_id
        roles = [
            (field, record)
            for field, record, _label in self._held_roles()
            if self._role_goes_to_successor(record)
        ]
        for field, record in roles:
            if self._successor_sits(record):
                record.unlink()
            else:
                record.write({field: successor.id})
        return plan
