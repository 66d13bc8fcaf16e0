from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..const import CCM_MANAGER

# cadence -> how far back a meeting's agenda looks (and how often the committee meets)
CADENCES = [
    ("weekly", "Weekly"),
    ("biweekly", "Every two weeks"),
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
]
CADENCE_DELTA = {
    "weekly": relativedelta(weeks=1),
    "biweekly": relativedelta(weeks=2),
    "monthly": relativedelta(months=1),
    "quarterly": relativedelta(months=3),
}


class CrmCustomerCommittee(models.Model):
    """The CRM team of a company: members drawn from every department, a chair and a
    secretary, and a meeting cadence. Its meetings are calendar events with an agenda built
    for their date; its decisions are followed up to their result."""

    _name = "crm.customer.committee"
    _description = "CRM Committee"
    _inherit = ["mail.thread"]
    _order = "company_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    chair_id = fields.Many2one(
        "res.users", required=True, tracking=True, domain=[("share", "=", False)]
    )
    secretary_id = fields.Many2one("res.users", tracking=True, domain=[("share", "=", False)])
    member_ids = fields.One2many("crm.customer.committee.member", "committee_id", "Members")
    cadence = fields.Selection(CADENCES, required=True, default="monthly", tracking=True)
    meeting_ids = fields.One2many("calendar.event", "ccm_committee_id", "Meetings")
    meeting_count = fields.Integer(compute="_compute_meeting_count")
    last_meeting_date = fields.Date(compute="_compute_next_meeting_date")
    next_meeting_date = fields.Date(compute="_compute_next_meeting_date")
    decision_ids = fields.One2many("crm.customer.decision", "committee_id", "Decisions")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A committee with this name already exists in this company.",
        ),
    ]

    def _compute_meeting_count(self):
        counts = dict(
            self.env["calendar.event"]._read_group(
                [("ccm_committee_id", "in", self.ids)], ["ccm_committee_id"], ["__count"]
            )
        )
        for committee in self:
            committee.meeting_count = counts.get(committee, 0)

    @api.depends("meeting_ids.start", "cadence")
    def _compute_next_meeting_date(self):
        last = dict(
            self.env["calendar.event"]._read_group(
                [("ccm_committee_id", "in", self.ids)], ["ccm_committee_id"], ["start:max"]
            )
        )
        today = fields.Date.context_today(self)
        for committee in self:
            start = last.get(committee)
            committee.last_meeting_date = start and start.date()
            committee.next_meeting_date = (
                start.date() + CADENCE_DELTA[committee.cadence] if start else today
            )

    # ------------------------------------------------------------------
    # Who may run the committee
    # ------------------------------------------------------------------

    def _users(self):
        """Everyone who sits on the committee."""
        return self.chair_id | self.secretary_id | self.member_ids.user_id

    def _check_runs(self):
        """The chair, the secretary, the members and the addon's managers run meetings."""
        user = self.env.user
        if self.env.su or user.has_group(CCM_MANAGER):
            return
        for committee in self:
            if user not in committee._users():
                raise AccessError(
                    self.env._(
                        "Only the members, the chair and the secretary of %(committee)s "
                        "can run its meetings.",
                        committee=committee.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_schedule_meeting(self):
        """The next meeting as a calendar event of the members, with its agenda."""
        self.ensure_one()
        self._check_runs()
        meeting = self._schedule_meeting(self.next_meeting_date)
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": meeting.id,
            "view_mode": "form",
            "target": "current",
        }

    def _schedule_meeting(self, day, hour=9, hours=2):
        self.ensure_one()
        start = datetime.combine(day, time(hour))
        meeting = (
            self.env["calendar.event"]
            .sudo()
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": self.env._(
                        "%(committee)s: meeting of %(date)s",
                        committee=self.name,
                        date=fields.Date.to_string(day),
                    ),
                    "start": start,
                    "stop": start + timedelta(hours=hours),
                    "user_id": (self.secretary_id or self.chair_id).id,
                    "partner_ids": [(6, 0, self._users().partner_id.ids)],
                    "ccm_committee_id": self.id,
                }
            )
        )
        meeting._ccm_build_agenda()
        return meeting.sudo(False)

    def action_open_meetings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Meetings"),
            "res_model": "calendar.event",
            "view_mode": "list,form,calendar",
            "domain": [("ccm_committee_id", "=", self.id)],
            "context": {"default_ccm_committee_id": self.id},
        }
