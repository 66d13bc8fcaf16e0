from odoo import api, fields, models

from ..const import CCM_USER


class CrmLead(models.Model):
    _inherit = "crm.lead"

    customer_need_ids = fields.One2many(
        "crm.customer.need", "lead_id", string="Needs", groups=CCM_USER
    )
    # Lifecycle: the pre-customer part of the QCI cycle
    lifecycle_stage = fields.Selection(
        [("target", "Target"), ("enquiry", "Enquiry")],
        compute="_compute_lifecycle_stage",
        store=True,
        help="Target: a prospect we address. Enquiry: the prospect engaged (wrote to us, "
        "met us, or received a quotation).",
    )
    ccm_inbound_message = fields.Boolean(
        "Prospect Wrote", readonly=True, copy=False, help="An e-mail came in from the prospect."
    )

    @api.depends("ccm_inbound_message", "calendar_event_ids", "order_ids")
    def _compute_lifecycle_stage(self):
        for lead in self:
            engaged = lead.ccm_inbound_message or lead.calendar_event_ids or lead.order_ids
            lead.lifecycle_stage = "enquiry" if engaged else "target"

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._ccm_schedule_lifecycle()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if {"partner_id", "lifecycle_stage", "ccm_inbound_message", "active"} & set(vals):
            self._ccm_schedule_lifecycle()
        return res

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        custom_values = dict(custom_values or {}, ccm_inbound_message=True)
        return super().message_new(msg_dict, custom_values=custom_values)

    def message_update(self, msg_dict, update_vals=None):
        self.filtered(lambda lead: not lead.ccm_inbound_message).ccm_inbound_message = True
        return super().message_update(msg_dict, update_vals=update_vals)

    def _ccm_schedule_lifecycle(self):
        leads = self.sudo().filtered("partner_id")
        if leads:
            self.env["crm.customer.lifecycle"]._schedule_evaluation(
                (lead.company_id.id or self.env.company.id, lead.partner_id.id, lead)
                for lead in leads
            )
