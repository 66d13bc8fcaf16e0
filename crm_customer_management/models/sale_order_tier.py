from odoo import api, models


class SaleOrder(models.Model):
    """Service by value on quotations: the pricelist and payment terms of the customer's
    tier are suggested when the customer has none of his own; set when the partner is
    chosen, the salesperson may change them."""

    _inherit = "sale.order"

    def _ccm_tier_of(self):
        """{order id: tier record} of draft orders with a customer (set-based per company)."""
        result = {}
        for company, orders in (
            self.filtered(lambda o: o.partner_id and o.state == "draft")
            .grouped("company_id")
            .items()
        ):
            service = orders.partner_id._ccm_service(company)
            for order in orders:
                tier = service.get(order.partner_id.commercial_partner_id.id, (None, None))[0]
                if tier:
                    result[order.id] = tier.with_company(company).sudo()
        return result

    @api.depends("partner_id", "company_id")
    def _compute_pricelist_id(self):
        res = super()._compute_pricelist_id()
        tiers = self._ccm_tier_of()
        for order in self:
            tier = tiers.get(order.id)
            partner = order.partner_id.with_company(order.company_id).sudo()
            if tier and tier.pricelist_id and not partner.specific_property_product_pricelist:
                order.pricelist_id = tier.pricelist_id
        return res

    @api.depends("partner_id")
    def _compute_payment_term_id(self):
        res = super()._compute_payment_term_id()
        tiers = self._ccm_tier_of()
        for order in self:
            tier = tiers.get(order.id)
            partner = order.partner_id.with_company(order.company_id).sudo()
            if tier and tier.payment_term_id and not partner.property_payment_term_id:
                order.payment_term_id = tier.payment_term_id
        return res
