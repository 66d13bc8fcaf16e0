from odoo import api, fields, models
from odoo.exceptions import ValidationError

DIRECTIONS = [("in", "Inbound"), ("out", "Outbound")]
OUTCOMES = [
    ("reached", "Reached"),
    ("no_answer", "No answer"),
    ("message_left", "Message left"),
    ("follow_up", "Follow-up needed"),
    ("resolved", "Resolved"),
    ("declined", "Not interested"),
]


class CrmCustomerTouchpoint(models.Model):
    """A contact with a customer that is no Odoo document of its own: a call, a visit, a
    chat, an SMS, a social-media exchange, a letter. Logged by hand from the partner, the
    lead or the complaint, or from an activity marked done (its feedback is the note). It
    shows on the customer's timeline and counts in the interaction figures of the value
    profile (contacts, days since the last one, response time, cost to serve)."""

    _name = "crm.customer.touchpoint"
    _inherit = ["mail.thread"]
    _description = "Customer Touchpoint"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char("Subject", required=True)
    channel_id = fields.Many2one(
        "crm.customer.channel", required=True, ondelete="restrict", tracking=True
    )
    direction = fields.Selection(
        DIRECTIONS,
        required=True,
        default="out",
        help="Inbound: the customer contacted us; outbound: we contacted the customer.",
    )
    outcome = fields.Selection(OUTCOMES, tracking=True)
    note = fields.Html()
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        "res.users", string="By", required=True, default=lambda self: self.env.user
    )
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, index=True, ondelete="cascade"
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Customer", store=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    lead_id = fields.Many2one("crm.lead", check_company=True, index="btree_not_null")
    complaint_id = fields.Many2one("crm.complaint", check_company=True, index="btree_not_null")
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="From Activity",
        readonly=True,
        help="Logged from a done activity of this type.",
    )

    @api.constrains("date")
    def _check_date(self):
        now = fields.Datetime.now()
        for touchpoint in self:
            if touchpoint.date > now:
                raise ValidationError(
                    self.env._(
                        "A touchpoint is logged once it happened: its date cannot be in the future."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        touchpoints = super().create(vals_list)
        # the interaction figures of the value profile, after the commit
        self.env["crm.customer.value"]._schedule_refresh(
            (t.company_id.id, t.commercial_partner_id.id) for t in touchpoints.sudo()
        )
        return touchpoints

    @api.model
    def _log_from_activities(self, activities, feedback):
        """Touchpoints for these activities being marked done, on a partner, a lead or a
        complaint whose activity type is a channel's (or a phone call): the feedback is the
        note. Returns the touchpoints."""
        # any internal user may mark an activity done, also one outside the addon's groups
        # (an accountant, a warehouse clerk): the channels are read as superuser, so that
        # logging the touchpoint never refuses the activity
        Channel = self.env["crm.customer.channel"].sudo()
        channels = Channel.search([("activity_type_id", "!=", False)])
        by_type = {c.activity_type_id.id: c for c in channels}
        phone = Channel._by_code("phone")
        vals_list = []
        for activity in activities:
            channel = by_type.get(activity.activity_type_id.id)
            if not channel and activity.activity_type_id.category == "phonecall":
                channel = phone
            if not channel:
                continue
            vals = self._origin_values(activity.res_model, activity.res_id)
            if not vals:
                continue
            vals_list.append(
                {
                    **vals,
                    "name": activity.summary or activity.activity_type_id.name,
                    "channel_id": channel.id,
                    "direction": "out",
                    "outcome": "reached",
                    "note": feedback or activity.note,
                    "user_id": self.env.user.id,
                    "activity_type_id": activity.activity_type_id.id,
                }
            )
        return self.sudo().create(vals_list) if vals_list else self.browse()

    @api.model
    def _origin_values(self, res_model, res_id):
        """The contact, company, lead and complaint of a touchpoint logged on this record
        (a partner, a lead or a complaint), or None for another model."""
        if res_model == "res.partner":
            partner = self.env["res.partner"].sudo().browse(res_id)
            return {"partner_id": partner.id, "company_id": self.env.company.id}
        if res_model == "crm.lead":
            lead = self.env["crm.lead"].sudo().browse(res_id)
            if not lead.partner_id:
                return None
            return {
                "partner_id": lead.partner_id.id,
                "company_id": lead.company_id.id or self.env.company.id,
                "lead_id": lead.id,
            }
        if res_model == "crm.complaint":
            complaint = self.env["crm.complaint"].sudo().browse(res_id)
            if not complaint.partner_id:
                return None
            return {
                "partner_id": complaint.partner_id.id,
                "company_id": complaint.company_id.id,
                "complaint_id": complaint.id,
            }
        return None

    @api.model
    def _log_action(self, defaults):
        """The quick-log form in a dialog, with these defaults (``default_*`` keys)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Touchpoint"),
            "res_model": "crm.customer.touchpoint",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "crm_customer_management.crm_customer_touchpoint_view_form_quick"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
            "context": {f"default_{key}": value for key, value in defaults.items()},
        }
