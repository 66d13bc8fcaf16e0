from odoo import api, fields, models

from ..const import LIFECYCLE_STAGES


class CrmCustomerLifecycleMove(models.TransientModel):
    """Move a customer to another lifecycle stage by hand, with a reason."""

    _name = "crm.customer.lifecycle.move"
    _description = "Move Customer Lifecycle Stage"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    current_stage = fields.Selection(LIFECYCLE_STAGES, compute="_compute_current_stage")
    stage = fields.Selection(LIFECYCLE_STAGES, string="New Stage", required=True)
    reason = fields.Text(required=True)

    @api.depends("partner_id")
    def _compute_current_stage(self):
        for wizard in self:
            wizard.current_stage = wizard.partner_id.commercial_partner_id.lifecycle_stage

    def action_confirm(self):
        self.ensure_one()
        self.env["crm.customer.lifecycle"]._move_manually(self.partner_id, self.stage, self.reason)
        return {"type": "ir.actions.act_window_close"}
