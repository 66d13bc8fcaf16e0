from datetime import timedelta

from odoo import api, fields, models


class CrmComplaint(models.Model):
    """SLA deadlines of a complaint (from the matching policy) and their escalation: at risk
    to the team leader, breached to the company's escalation manager."""

    _inherit = "crm.complaint"

    # ------------------------------------------------------------------
    # SLA
    # ------------------------------------------------------------------

    def _sla_policy(self):
        self.ensure_one()
        policies = self.env["crm.complaint.sla"].search(
            [
                ("severity", "=", self.severity),
                ("category_id", "in", [self.category_id.id, False]),
                ("company_id", "in", [self.company_id.id, False]),
            ],
            order="category_id",
        )
        return policies.filtered("category_id")[:1] or policies[:1]

    def _set_sla_deadlines(self):
        """Plan the deadlines of the SLA policy from the opening (the working time already
        elapsed counts), in the company's working hours. A first response already given
        keeps the deadline it was measured against."""
        for complaint in self.sudo():
            policy = complaint._sla_policy()
            if not policy:
                continue
            calendar = complaint.company_id.resource_calendar_id
            start = complaint.date_open
            if calendar:
                first = calendar.plan_hours(policy.first_response_hours, start)
                resolve = calendar.plan_hours(policy.resolution_hours, start)
            else:
                first = start + timedelta(hours=policy.first_response_hours)
                resolve = start + timedelta(hours=policy.resolution_hours)
            vals = {"resolution_deadline": resolve and resolve.replace(tzinfo=None)}
            if not complaint.date_first_response:
                vals["first_response_deadline"] = first and first.replace(tzinfo=None)
            complaint.write(vals)

    @api.model
    def _cron_escalate(self):
        """Escalate breached open complaints, once per level: level 1 (any deadline passed)
        raises the priority and gives the team leader an activity; level 2 (resolution
        deadline passed by as long again as the SLA allowed) goes to the escalation manager
        of the complaint's company (its setting, else one of its sales managers), who then
        follows it. Never to the superuser nor to another company's user.
        Set-based: one search per level, one write, one batch of activities."""
        now = fields.Datetime.now()
        base = [("is_closed", "=", False)]
        level1 = self.search(
            base
            + [
                ("escalation_level", "=", 0),
                "|",
                "&",
                ("date_first_response", "=", False),
                ("first_response_deadline", "<", now),
                "&",
                ("date_resolved", "=", False),
                ("resolution_deadline", "<", now),
            ]
        )
        level2 = self.search(
            base
            + [
                ("escalation_level", "=", 1),
                ("date_resolved", "=", False),
                ("resolution_deadline", "<", now),
            ]
        ).filtered(lambda c: now - c.resolution_deadline >= c.resolution_deadline - c.date_open)
        managers = {}  # per company: its escalation manager
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals = []
        for level, complaints in ((1, level1), (2, level2)):
            if not complaints:
                continue
            complaints.sudo().write(
                {"escalation_level": level, "priority": "3" if level == 2 else "2"}
            )
            for complaint in complaints:
                company = complaint.company_id
                if company.id not in managers:
                    managers[company.id] = company._ccm_complaint_escalation_manager()
                manager = managers[company.id]
                leader = complaint._escalation_leader()
                user = (leader or manager) if level == 1 else (manager or leader)
                if not user:
                    continue  # no one of this company to escalate to: never root
                vals.append(
                    {
                        "res_model_id": model_id,
                        "res_id": complaint.id,
                        "activity_type_id": activity_type.id,
                        "summary": self.env._("SLA breached: %s", complaint.name),
                        "user_id": user.id,
                        "date_deadline": fields.Date.context_today(self),
                    }
                )
        if vals:
            # one batch; the assignees see them in their activities, without one e-mail each
            self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals)
        return len(level1) + len(level2)

    def _escalation_leader(self):
        """The team leader, else the assignee: an active internal user of the complaint's
        company, never the superuser."""
        self.ensure_one()
        root = self.env.ref("base.user_root")
        for user in (self.team_id.user_id, self.user_id):
            if (
                user
                and user != root
                and user.active
                and not user.share
                and self.company_id in user.company_ids
            ):
                return user
        return self.env["res.users"]
