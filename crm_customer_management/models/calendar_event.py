from odoo import fields, models

from ..const import CCM_USER
from ..tools.copying import copy_data_keeping


class CalendarEvent(models.Model):
    """A meeting of the CRM committee: its agenda built for the meeting's date, its minutes
    and the decisions taken in it."""

    _inherit = "calendar.event"

    ccm_committee_id = fields.Many2one(
        "crm.customer.committee", string="CRM Committee", index="btree_not_null", groups=CCM_USER
    )
    # a meeting's own: a copy or a recurrence's next meeting starts without them (its agenda
    # is built from its form for its own date)
    ccm_agenda = fields.Html("Agenda", readonly=True, copy=False, groups=CCM_USER)
    ccm_agenda_date = fields.Datetime("Agenda Built On", readonly=True, copy=False, groups=CCM_USER)
    ccm_minutes = fields.Html("Minutes", copy=False, groups=CCM_USER)
    ccm_decision_ids = fields.One2many(
        "crm.customer.decision", "meeting_id", "Decisions", groups=CCM_USER
    )

    def copy_data(self, default=None):
        # an employee outside the addon makes a committee meeting recurring (Odoo copies the
        # first meeting as him): every meeting stays the committee's
        return copy_data_keeping(self, default, ["ccm_committee_id"], super().copy_data)

    def action_ccm_build_agenda(self):
        """Rebuild the agenda of the committee meeting for its date."""
        self.ensure_one()
        self.ccm_committee_id._check_runs()
        self._ccm_build_agenda()
        return True

    def _ccm_build_agenda(self):
        for meeting in self.filtered("ccm_committee_id"):
            committee = meeting.ccm_committee_id
            data = committee._agenda(fields.Date.to_date(meeting.start))
            meeting.sudo().write(
                {
                    "ccm_agenda": self.env["ir.qweb"]._render(
                        "crm_customer_management.committee_agenda", {"agenda": data}
                    ),
                    "ccm_agenda_date": fields.Datetime.now(),
                }
            )

    def action_ccm_new_decision(self):
        """A decision of this meeting, owned by the department the user chooses."""
        self.ensure_one()
        self.ccm_committee_id._check_runs()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.customer.decision",
            "view_mode": "form",
            "context": {
                "default_meeting_id": self.id,
                "default_committee_id": self.ccm_committee_id.id,
                "default_company_id": self.ccm_committee_id.company_id.id,
                "default_date": fields.Date.to_date(self.start),
            },
        }
