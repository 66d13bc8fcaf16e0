from odoo import fields, models
from odoo.exceptions import UserError

SOURCES = [("offer", "Offer"), ("rule", "Bought together")]


class CrmCustomerOfferSuggestion(models.Model):
    """A next best offer of a customer in a company: a catalogue offer it is eligible for,
    or a product it does not buy whose antecedents it does (an association rule), ranked by
    lift x expected margin x fit with its needs and tier. Rewritten nightly set-based; a
    suggestion no longer made is archived, kept for the acceptance figures."""

    _name = "crm.customer.offer.suggestion"
    _description = "Next Best Offer"
    _order = "rank, id"
    _rec_name = "product_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, ondelete="cascade"
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, index="btree_not_null"
    )
    product_id = fields.Many2one(
        "product.product", required=True, readonly=True, ondelete="cascade"
    )
    source = fields.Selection(SOURCES, required=True, readonly=True)
    offer_id = fields.Many2one("crm.customer.offer", readonly=True, ondelete="set null")
    rule_id = fields.Many2one("crm.customer.product.rule", readonly=True, ondelete="set null")
    active = fields.Boolean(default=True, readonly=True)
    rank = fields.Integer(readonly=True)
    score = fields.Float(readonly=True, digits=(16, 2))
    lift = fields.Float(readonly=True, digits=(16, 2))
    confidence = fields.Float(readonly=True, digits=(16, 3))
    expected_margin = fields.Float(readonly=True, digits=(16, 2))
    fit = fields.Float(readonly=True, digits=(16, 2))
    reason = fields.Char(compute="_compute_reason")
    date_first = fields.Date("First Suggested", readonly=True)
    date_last = fields.Date(
        "Suggested Until", readonly=True, help="The day it stopped being suggested."
    )

    _sql_constraints = [
        (
            "company_partner_product_uniq",
            "unique(company_id, partner_id, product_id)",
            "A product is suggested once to a customer in a company.",
        ),
    ]

    def _compute_reason(self):
        for suggestion in self:
            if suggestion.source == "offer":
                suggestion.reason = suggestion.offer_id.name or self.env._("Offer")
            elif suggestion.rule_id:
                rule = suggestion.rule_id
                bought = rule.antecedent_product_id.display_name
                if rule.antecedent_product2_id:
                    bought = f"{bought} + {rule.antecedent_product2_id.display_name}"
                suggestion.reason = self.env._(
                    "Buys %(products)s (lift %(lift).1f)", products=bought, lift=rule.lift
                )
            else:
                suggestion.reason = False

    def action_add_to_order(self):
        """Add the suggested product to the quotation of the context (``ccm_order_id``), as
        the user: a line that remembers the suggestion (and the offer's discount)."""
        self.ensure_one()
        self.check_access("read")
        order = self.env["sale.order"].browse(self.env.context.get("ccm_order_id")).exists()
        if not order:
            raise UserError(self.env._("Save the quotation first, then add the product."))
        order.check_access("write")
        if order.state not in ("draft", "sent"):
            raise UserError(self.env._("Products are added to quotations, not to %s.", order.name))
        if (
            order.partner_id.commercial_partner_id != self.partner_id
            or order.company_id != self.company_id
        ):
            raise UserError(
                self.env._(
                    "This suggestion is for another customer or company than %s.", order.name
                )
            )
        vals = {
            "order_id": order.id,
            "product_id": self.product_id.id,
            "product_uom_qty": 1.0,
            "ccm_suggestion_id": self.id,
            "ccm_suggested_at": fields.Datetime.now(),
        }
        offer = self.offer_id
        if offer:
            vals["ccm_offer_id"] = offer.id
            if offer.discount:
                vals["discount"] = offer.discount
        line = self.env["sale.order.line"].create(vals)
        if offer.pricelist_id:
            price = offer.pricelist_id._get_product_price(
                self.product_id, line.product_uom_qty, currency=order.currency_id
            )
            line.price_unit = price
        return True
