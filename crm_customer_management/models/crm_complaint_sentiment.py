from odoo import api, fields, models

from .crm_customer_text import SENTIMENT_SELECTION


class CrmComplaint(models.Model):
    """Sentiment of the complaint: its customer's last text on it (the description or
    their last message), scored after the commit by ``crm.customer.sentiment``."""

    _inherit = "crm.complaint"

    # internal: the customer (portal) never reads how his words were scored
    sentiment = fields.Selection(
        SENTIMENT_SELECTION, readonly=True, copy=False, groups="base.group_user"
    )
    sentiment_score = fields.Float(
        readonly=True, copy=False, digits=(16, 2), groups="base.group_user"
    )
    customer_text_ids = fields.One2many(
        "crm.customer.text",
        "complaint_id",
        string="Customer Texts",
        readonly=True,
        groups="base.group_user",
    )

    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        if complaints._qualified():
            self.env["crm.customer.sentiment"]._trigger_processing()
        return complaints

    def action_qualify(self):
        res = super().action_qualify()
        self.env["crm.customer.sentiment"]._trigger_processing()
        return res

    def _message_post_after_hook(self, message, msg_vals):
        # a message of the customer (not of the staff) is a text to read
        author = message.author_id
        if author and (not author.user_ids or author.user_ids[0].share):
            self.env["crm.customer.sentiment"]._trigger_processing()
        return super()._message_post_after_hook(message, msg_vals)
