from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """A done call, e-mail or meeting activity on a partner, a lead or a complaint is a
        touchpoint of its channel, its feedback the note (logged before the activity goes)."""
        self.env["crm.customer.touchpoint"]._log_from_activities(
            # a meeting activity's calendar event is on the timeline already
            self.filtered(
                lambda a: (
                    a.res_model in ("res.partner", "crm.lead", "crm.complaint")
                    and not a.calendar_event_id
                )
            ),
            feedback,
        )
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
