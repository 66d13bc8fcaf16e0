from odoo import fields, models
from odoo.exceptions import UserError


class CrmComplaint(models.Model):
    _inherit = "crm.complaint"

    ccm_touchpoint_ids = fields.One2many(
        "crm.customer.touchpoint", "complaint_id", string="Touchpoints", groups="base.group_user"
    )

    def action_ccm_log_touchpoint(self):
        """Log a call, visit, chat... about this complaint with its customer, in a dialog."""
        self.ensure_one()
        self.check_access("read")
        if not self.partner_id:
            raise UserError(self.env._("Set the complaint's customer before logging a touchpoint."))
        return self.env["crm.customer.touchpoint"]._log_action(
            {
                "partner_id": self.partner_id.id,
                "complaint_id": self.id,
                "company_id": self.company_id.id,
                "channel_id": self.partner_id.ccm_contact_channel_id.id,
            }
        )
