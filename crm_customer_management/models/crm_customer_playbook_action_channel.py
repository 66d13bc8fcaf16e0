from odoo import api, fields, models


class CrmCustomerPlaybookAction(models.Model):
    """The channel of a playbook action: an e-mail goes through the e-mail channel, an
    activity through its own channel (the call through the phone) or, when the action says
    so, through the customer's preferred permitted channel (its activity type). An action
    never runs through a channel the customer opted out of."""

    _inherit = "crm.customer.playbook.action"

    channel_id = fields.Many2one(
        "crm.customer.channel",
        compute="_compute_channel_id",
        store=True,
        readonly=False,
        help="The channel this action contacts the customer through; skipped for the "
        "customers who opted out of it (noted in the stage history).",
    )
    use_preferred_channel = fields.Boolean(
        "Through the Preferred Channel",
        help="Schedule the activity as the customer's preferred permitted channel's (a call "
        "for the phone, an e-mail activity for e-mail...), never one the customer opted out "
        "of; without any permitted channel the action is skipped and noted.",
    )

    @api.depends("action_type", "activity_type_id")
    def _compute_channel_id(self):
        Channel = self.env["crm.customer.channel"]
        for action in self:
            if action.action_type == "mail":
                action.channel_id = Channel._by_code("email")
            elif action.activity_type_id:
                action.channel_id = Channel.search(
                    [("activity_type_id", "=", action.activity_type_id.id)], limit=1
                )
            else:
                action.channel_id = False
