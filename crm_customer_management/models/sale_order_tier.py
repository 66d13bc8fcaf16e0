from odoo import api, models


class SaleOrder(models.Model):
    """Service by value on quotations: in the quotation form, choosing the customer sets
    the pricelist and payment terms of the customer's tier when the customer has none of
    his own; the salesperson may change them. An onchange, not a compute: an order created
    by code (a shop, an import, another module) costs no query more."""

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

    @api.onchange("partner_id")
    def _onchange_partner_id_ccm_tier(self):
        tiers = self._ccm_tier_of()
        for order in self:
            tier = tiers.get(order.id)
            if not tier:
                continue
            partner = order.partner_id.with_company(order.company_id).sudo()
            if tier.pricelist_id and not partner.specific_property_product_pricelist:
                order.pricelist_id = tier.pricelist_id
            if tier.payment_term_id and not partner.property_payment_term_id:
                order.payment_term_id = tier.payment_term_id
