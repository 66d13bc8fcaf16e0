from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        res = super()._action_done()
        customer_pickings = self.filtered(
            lambda p: p.partner_id and "customer" in (p.location_id.usage, p.location_dest_id.usage)
        )
        if customer_pickings:
            self.env["crm.customer.value"]._schedule_refresh(
                (p.company_id.id, p.partner_id.id) for p in customer_pickings.sudo()
            )
        return res
