from odoo import models


class CrmCustomerLifecycle(models.AbstractModel):
    """Playbooks contact customers through a channel they permit: the permitted channels of
    the customers of one run are read once, set-based (see ``res.partner``)."""

    _inherit = "crm.customer.lifecycle"

    def _run_playbooks(self, company, rows):
        partners = rows.partner_id
        # consent (an activity needs no address yet); the channel to use needs one
        permitted = partners._ccm_permitted_channels(need_address=False) if partners else {}
        chosen = partners._ccm_contact_channels() if partners else {}
        return super(
            CrmCustomerLifecycle,
            self.with_context(
                ccm_permitted_channels={pid: chans.ids for pid, chans in permitted.items()},
                ccm_contact_channels={pid: chan.id for pid, chan in chosen.items()},
            ),
        )._run_playbooks(company, rows)

    def _ccm_channels_of(self, partner):
        """(permitted channel ids, contact channel id) of ``partner``, from the run's
        context when it read them."""
        permitted = self.env.context.get("ccm_permitted_channels")
        if permitted is None or partner.id not in permitted:
            allowed = partner._ccm_permitted_channels(need_address=False)[partner.id]
            contact = partner._ccm_contact_channels().get(partner.id)
            return allowed.ids, contact.id if contact else None
        return permitted[partner.id], self.env.context["ccm_contact_channels"].get(partner.id)

    def _playbook_recipient_issue(self, partner, action, reachable):
        issue = super()._playbook_recipient_issue(partner, action, reachable)
        if issue:
            return issue
        permitted, contact = self._ccm_channels_of(partner)
        if action.action_type == "activity" and action.use_preferred_channel:
            if not contact:
                return self.env._("%(action)s: not scheduled, no channel the customer permits.")
            return None
        channel = self._playbook_channel(action)
        if channel and channel.id not in permitted:
            return self.env._(
                "%%(action)s: not run, the customer does not permit channel %s.",
                channel.name.replace("%", "%%"),
            )
        return None

    def _playbook_channel(self, action):
        """The channel ``action`` contacts through: its own, else e-mail for an e-mail and
        the channel of its activity type for an activity."""
        if action.channel_id:
            return action.channel_id
        Channel = self.env["crm.customer.channel"]
        if action.action_type == "mail":
            return Channel._by_code("email")
        return Channel.search([("activity_type_id", "=", action.activity_type_id.id)], limit=1)

    def _playbook_activity_values(self, partner, action):
        values = super()._playbook_activity_values(partner, action)
        if not action.use_preferred_channel:
            return values
        _permitted, contact = self._ccm_channels_of(partner)
        channel = self.env["crm.customer.channel"].browse(contact)
        if channel.activity_type_id:
            values["activity_type_id"] = channel.activity_type_id.id
        values["summary"] = self.env._(
            "%(summary)s (%(channel)s)", summary=values["summary"], channel=channel.name
        )
        return values
