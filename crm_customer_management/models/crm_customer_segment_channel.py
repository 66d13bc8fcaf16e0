from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError


class CrmCustomerSegment(models.Model):
    """A segment campaign through each member's preferred permitted channel: e-mail for
    those whose channel is e-mail (Odoo's mass e-mail composer), an activity of the
    channel's type for their salesperson for the others (a call, a visit...); nobody is
    contacted through a channel they opted out of, and the members who permit no channel
    are left out."""

    _inherit = "crm.customer.segment"

    def _members_by_channel(self):
        """{channel: member partners} of the members the user may see."""
        members = (
            self.env["crm.customer.segment.member"]
            .search([("segment_id", "=", self.id)])
            .partner_id
        )
        chosen = members._ccm_contact_channels()
        groups = {}
        for partner in members:
            channel = chosen.get(partner.id)
            if channel:
                groups.setdefault(channel, self.env["res.partner"])
                groups[channel] |= partner
        return groups

    def action_contact_members(self):
        """Contact the members through their preferred permitted channel: activities for
        the salespeople (one per member whose channel is not e-mail), then the e-mail
        composer on the others."""
        self.ensure_one()
        self._check_user()
        groups = self._members_by_channel()
        email = self.env["crm.customer.channel"]._by_code("email")
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": partner.id,
                "activity_type_id": (
                    channel.activity_type_id or self.env.ref("mail.mail_activity_data_todo")
                ).id,
                "summary": self.env._(
                    "%(segment)s: contact by %(channel)s", segment=self.name, channel=channel.name
                ),
                "user_id": (partner.user_id or self.env.user).id,
                "date_deadline": today + timedelta(days=3),
            }
            for channel, partners in groups.items()
            if channel != email
            for partner in partners
        ]
        if vals_list:
            self.env["mail.activity"].sudo().create(vals_list)
        mailed = groups.get(email)
        if not mailed:
            if not vals_list:
                raise UserError(
                    self.env._("Segment '%s' has no member you may contact.", self.name)
                )
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "message": self.env._(
                        "%s activities scheduled through the members' channels.", len(vals_list)
                    ),
                    "type": "success",
                },
            }
        action = self.action_send_mail()
        action["context"] = dict(action["context"], default_res_ids=mailed.ids)
        return action
