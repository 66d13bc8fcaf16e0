from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        res = super().action_confirm()
        self.env["crm.customer.value"]._schedule_refresh(
            (o.company_id.id, o.partner_id.commercial_partner_id.id) for o in self
        )
        self.env["crm.customer.lifecycle"]._schedule_evaluation(
            (o.company_id.id, o.partner_id.commercial_partner_id.id, o) for o in self
        )
        return res
