from odoo import api, fields, models

# how a channel reaches a person, for its consent: the address it needs and the
# blacklist of Odoo that applies (mail.blacklist, phone.blacklist)
REACH = [
    ("email", "E-mail address"),
    ("phone", "Phone number"),
    ("address", "Postal address"),
    ("none", "Nothing (in person, portal)"),
]


class CrmCustomerChannel(models.Model):
    """A channel through which the company and its customers are in touch (phone, e-mail,
    meeting, visit, chat, SMS, social, portal, letter): data a manager extends. Each
    contact's opt-ins and opt-outs are per channel; a channel that needs an opt-in is used
    only for the contacts who gave it."""

    _name = "crm.customer.channel"
    _description = "Contact Channel"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical key, used by the timeline and the playbooks.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    icon = fields.Char(default="fa-comments", help="Font Awesome icon, e.g. fa-phone.")
    reach = fields.Selection(
        REACH,
        required=True,
        default="none",
        help="What a contact needs to be reached through this channel; e-mail channels "
        "respect Odoo's e-mail blacklist, phone channels its phone blacklist.",
    )
    opt_in_required = fields.Boolean(
        "Opt-in Required",
        help="Used only for the contacts who opted in (e.g. SMS, social media); the other "
        "channels are used unless the contact opted out.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        help="The activity a playbook schedules to contact a customer through this channel; "
        "marking such an activity done logs a touchpoint of this channel.",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A channel's technical key is unique."),
    ]

    @api.model
    def _by_code(self, code):
        return self.with_context(active_test=False).search([("code", "=", code)], limit=1)
