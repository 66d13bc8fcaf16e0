from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..const import CCM_USER


class ResPartner(models.Model):
    """Channel and consent of a contact: preferred channel, opt-ins and opt-outs per
    channel, preferred hours (the language is Odoo's ``lang``). Whether a channel is
    permitted also follows Odoo's e-mail blacklist and phone blacklist and the address the
    channel needs; playbooks and campaigns contact a customer through the preferred
    permitted channel and never through one it opted out of."""

    _inherit = "res.partner"

    ccm_preferred_channel_id = fields.Many2one(
        "crm.customer.channel", string="Preferred Channel", ondelete="set null"
    )
    ccm_opt_in_channel_ids = fields.Many2many(
        "crm.customer.channel",
        "ccm_partner_channel_opt_in_rel",
        "partner_id",
        "channel_id",
        string="Opted in",
        help="Channels the contact agreed to be contacted through (needed for the channels "
        "that require an opt-in, such as SMS).",
    )
    ccm_opt_out_channel_ids = fields.Many2many(
        "crm.customer.channel",
        "ccm_partner_channel_opt_out_rel",
        "partner_id",
        "channel_id",
        string="Opted out",
        help="Channels the contact must never be contacted through.",
    )
    ccm_contact_hour_from = fields.Float("Preferred Hours From", default=0.0)
    ccm_contact_hour_to = fields.Float("Preferred Hours To", default=0.0)
    ccm_contact_channel_id = fields.Many2one(
        "crm.customer.channel",
        string="Contact Through",
        compute="_compute_ccm_contact_channel",
        help="The preferred channel when it is permitted, else the first permitted channel.",
    )
    ccm_timeline_html = fields.Html(
        "Latest Touchpoints", compute="_compute_ccm_timeline_html", sanitize=False
    )

    @api.constrains(
        "ccm_opt_in_channel_ids", "ccm_opt_out_channel_ids", "ccm_contact_hour_from",
        "ccm_contact_hour_to", "ccm_preferred_channel_id",
    )  # fmt: skip
    def _check_ccm_consent(self):
        for partner in self:
            both = partner.ccm_opt_in_channel_ids & partner.ccm_opt_out_channel_ids
            if both:
                raise ValidationError(
                    self.env._(
                        "%(contact)s cannot be opted in and out of %(channels)s at once.",
                        contact=partner.display_name,
                        channels=", ".join(both.mapped("name")),
                    )
                )
            if partner.ccm_preferred_channel_id in partner.ccm_opt_out_channel_ids:
                raise ValidationError(
                    self.env._(
                        "%s cannot prefer a channel they opted out of.", partner.display_name
                    )
                )
            hours = (partner.ccm_contact_hour_from, partner.ccm_contact_hour_to)
            if any(h < 0 or h > 24 for h in hours):
                raise ValidationError(self.env._("Preferred hours are between 0:00 and 24:00."))

    @api.depends_context("uid")
    @api.depends(
        "ccm_preferred_channel_id", "ccm_opt_in_channel_ids", "ccm_opt_out_channel_ids",
        "email", "phone", "mobile",
    )  # fmt: skip
    def _compute_ccm_contact_channel(self):
        chosen = self._ccm_contact_channels()
        for partner in self:
            partner.ccm_contact_channel_id = chosen.get(partner.id)

    # ------------------------------------------------------------------
    # Consent: which channels may reach these contacts
    # ------------------------------------------------------------------

    def _ccm_permitted_channels(self, channels=None, need_address=True):
        """{partner id: permitted channels, in the channels' order} for these contacts, in
        a few queries whatever their number: not opted out, opted in where the channel
        needs it, not on Odoo's e-mail or phone blacklist and, with ``need_address``, an
        address the channel needs (without: what the contact consents to, e.g. a call a
        salesperson schedules before finding the number)."""
        channels = channels or self.env["crm.customer.channel"].search([("active", "=", True)])
        partners = self.sudo()
        email_blocked = set(
            partners.filtered(lambda p: p.email_normalized and p.is_blacklisted).ids
        )
        phone_blocked = partners._ccm_phone_blacklisted()
        result = {}
        for partner in partners:
            opted_out = partner.ccm_opt_out_channel_ids
            opted_in = partner.ccm_opt_in_channel_ids
            has = {
                "email": bool(partner.email_normalized),
                "phone": bool(partner.phone or partner.mobile),
                "address": bool(partner.street or partner.city),
                "none": True,
            }
            reach = {
                kind: (has[kind] or not need_address)
                and partner.id not in {"email": email_blocked, "phone": phone_blocked}.get(kind, ())
                for kind in has
            }
            result[partner.id] = channels.filtered(
                lambda c, p=partner, o=opted_out, i=opted_in, r=reach: (
                    c not in o and (not c.opt_in_required or c in i) and r[c.reach]
                )
            )
        return result

    def _ccm_phone_blacklisted(self):
        """Ids of these contacts whose every number is on Odoo's phone blacklist
        (``phone.blacklist``, where installed): one query."""
        Blacklist = self.env.get("phone.blacklist")
        if Blacklist is None:
            return set()
        numbers = {}
        for partner in self:
            found = []
            for fname in ("mobile", "phone"):
                if partner[fname]:
                    number = partner._phone_format(fname=fname, force_format="E164")
                    found.append(number or partner[fname])
            if found:
                numbers[partner.id] = found
        if not numbers:
            return set()
        blocked = set(
            Blacklist.sudo()
            .search([("number", "in", [n for ns in numbers.values() for n in ns])])
            .mapped("number")
        )
        return {pid for pid, ns in numbers.items() if all(n in blocked for n in ns)}

    def _ccm_contact_channels(self, channels=None):
        """{partner id: the channel to contact them through}: the preferred channel when
        permitted, else the first permitted one (absent when none is)."""
        permitted = self._ccm_permitted_channels(channels)
        result = {}
        for partner in self.sudo():
            allowed = permitted[partner.id]
            preferred = partner.ccm_preferred_channel_id
            if preferred and preferred in allowed:
                result[partner.id] = preferred
            elif allowed:
                result[partner.id] = allowed[0]
        return result

    def _ccm_permitted(self, code):
        """These contacts that ``code`` (a channel's key) may reach."""
        channel = self.env["crm.customer.channel"]._by_code(code)
        if not channel:
            return self.browse()
        permitted = self._ccm_permitted_channels(channel)
        return self.filtered(lambda p: permitted[p.id])

    # ------------------------------------------------------------------
    # Timeline and touchpoints
    # ------------------------------------------------------------------

    @api.depends_context("uid", "lang")
    def _compute_ccm_timeline_html(self):
        Timeline = self.env["crm.customer.timeline"]
        if not self.env.user.has_group(CCM_USER):
            self.ccm_timeline_html = False
            return
        kinds = dict(Timeline._fields["kind"]._description_selection(self.env))
        stages = dict(Timeline._fields["stage_to"]._description_selection(self.env))
        directions = dict(Timeline._fields["direction"]._description_selection(self.env))
        for partner in self:
            if not partner.id:
                partner.ccm_timeline_html = False
                continue
            rows = Timeline._latest(partner)
            if not rows:
                partner.ccm_timeline_html = Markup("<p class='text-muted'>%s</p>") % self.env._(
                    "No touchpoint yet."
                )
                continue
            lines = Markup("").join(
                Markup(
                    "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                    "<td><a href='/odoo/%s/%s'>%s</a></td><td>%s</td><td>%s</td></tr>"
                )
                % (
                    fields.Datetime.to_string(fields.Datetime.context_timestamp(self, row.date))[
                        :16
                    ]
                    if row.date
                    else "",
                    kinds.get(row.kind, ""),
                    row.channel_id.name or "",
                    directions.get(row.direction, ""),
                    row.res_model or "",
                    row.res_id or 0,
                    row.name or stages.get(row.stage_to) or kinds.get(row.kind, ""),
                    (row.summary or "")[:80],
                    row.user_id.name or row.contact_id.name or "",
                )
                for row in rows
            )
            head = Markup(
                "<table class='table table-sm o_ccm_timeline'><thead><tr><th>%s</th><th>%s</th>"
                "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>"
            ) % (
                self.env._("When"),
                self.env._("What"),
                self.env._("Channel"),
                self.env._("Direction"),
                self.env._("Document"),
                self.env._("Summary"),
                self.env._("Who"),
            )
            partner.ccm_timeline_html = head + lines + Markup("</tbody></table>")

    def action_ccm_view_timeline(self):
        """The customer's full timeline (filters by channel and kind, newest first)."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_timeline_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["display_name"] = self.env._(
            "Timeline of %s", self.commercial_partner_id.display_name
        )
        return action

    def action_ccm_log_touchpoint(self):
        """Log a call, visit, chat... with this contact, in a dialog."""
        self.ensure_one()
        self.check_access("read")
        return self.env["crm.customer.touchpoint"]._log_action(
            {
                "partner_id": self.id,
                "channel_id": (self.ccm_contact_channel_id or self.ccm_preferred_channel_id).id,
            }
        )
