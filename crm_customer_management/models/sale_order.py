from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # indexed (few orders have one): the KPIs read the first order of each lead closed in
    # a period, which otherwise scans every order
    opportunity_id = fields.Many2one(index="btree_not_null")

    def action_confirm(self):
        res = super().action_confirm()
        # ids only: the customer event queue rolls them up to the commercial partner after
        # the commit, as superuser (the confirming user may not read the partner's company)
        orders = self.sudo()
        self.env["crm.customer.value"]._schedule_refresh(
            (o.company_id.id, o.partner_id.id) for o in orders
        )
        self.env["crm.customer.lifecycle"]._schedule_evaluation(
            (o.company_id.id, o.partner_id.id, o) for o in orders
        )
        return res

    def _action_cancel(self):
        # a confirmed order cancelled no longer counts in its customer's figures
        confirmed = self.sudo().filtered(lambda o: o.state == "sale")
        res = super()._action_cancel()
        if confirmed:
            self.env["crm.customer.value"]._schedule_refresh(
                (o.company_id.id, o.partner_id.id) for o in confirmed
            )
        return res
