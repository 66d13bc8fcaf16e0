from odoo import api, fields, models

from ..const import CCM_USER


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ccm_suggestion_ids = fields.Many2many(
        "crm.customer.offer.suggestion",
        string="Suggested Products",
        compute="_compute_ccm_suggestion_ids",
        groups=CCM_USER,
    )

    @api.depends("partner_id", "company_id", "order_line.product_id")
    def _compute_ccm_suggestion_ids(self):
        """The customer's current next best offers that the quotation does not hold yet."""
        Suggestion = self.env["crm.customer.offer.suggestion"]
        partners = self.partner_id.commercial_partner_id
        found = Suggestion.search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "in", self.company_id.ids),
            ]
        )
        by_key = found.grouped(lambda s: (s.partner_id.id, s.company_id.id))
        for order in self:
            suggestions = by_key.get(
                (order.partner_id.commercial_partner_id.id, order.company_id.id), Suggestion
            )
            if order.state in ("draft", "sent"):
                held = order.order_line.product_id
                order.ccm_suggestion_ids = suggestions.filtered(
                    lambda s, held=held: s.product_id not in held
                )
            else:
                order.ccm_suggestion_ids = Suggestion
