from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmCustomerOffer(models.Model):
    """An offer marketing defines: a product at a discount or a pricelist, for the
    customers of some segments, tiers or needs, over a validity. An eligible offer comes
    before the mined suggestions of a customer."""

    _name = "crm.customer.offer"
    _description = "Customer Offer"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    product_id = fields.Many2one("product.product", required=True, check_company=True)
    discount = fields.Float("Discount (%)", digits="Discount")
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
        help="The price of the suggested line comes from this pricelist (the quotation's own "
        "pricelist is not changed).",
    )
    description = fields.Text(translate=True)
    # Eligibility (empty: everyone)
    segment_ids = fields.Many2many("crm.customer.segment", string="Segments", check_company=True)
    tier_ids = fields.Many2many("crm.customer.tier", string="Tiers")
    need_category_ids = fields.Many2many("crm.customer.need.category", string="Needs")
    date_start = fields.Date("Valid From")
    date_end = fields.Date("Valid Until")
    # Results
    suggestion_count = fields.Integer(compute="_compute_suggestion_count")

    @api.constrains("discount", "date_start", "date_end")
    def _check_offer(self):
        for offer in self:
            if not 0 <= offer.discount <= 100:
                raise ValidationError(
                    self.env._("Offer '%s': the discount is between 0 and 100 %%.", offer.name)
                )
            if offer.date_start and offer.date_end and offer.date_end < offer.date_start:
                raise ValidationError(self.env._("Offer '%s' ends before it starts.", offer.name))

    def _compute_suggestion_count(self):
        counts = dict(
            self.env["crm.customer.offer.suggestion"]._read_group(
                [("offer_id", "in", self.ids)], ["offer_id"], ["__count"]
            )
        )
        for offer in self:
            offer.suggestion_count = counts.get(offer, 0)

    def action_view_suggestions(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_offer_suggestion_action"
        )
        action["domain"] = [("offer_id", "=", self.id)]
        action["context"] = {"active_test": False}
        return action

    def _valid_on(self, day):
        return self.filtered(
            lambda o: (
                (not o.date_start or o.date_start <= day) and (not o.date_end or o.date_end >= day)
            )
        )
