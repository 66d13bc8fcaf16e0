from odoo import api, fields, models, tools

RULE_KINDS = [
    ("order", "Bought in the same order"),
    ("customer", "Bought by the same customer"),
]


class CrmCustomerProductRule(models.Model):
    """An association rule between products, mined nightly from the company's confirmed
    order lines: customers who buy the antecedent products (in one order, or over the
    window) also buy the consequent. Written by the mining only."""

    _name = "crm.customer.product.rule"
    _description = "Product Association Rule"
    _order = "company_id, lift desc, confidence desc, id"
    _rec_names_search = ["product_id", "antecedent_product_id", "antecedent_product2_id"]

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    kind = fields.Selection(RULE_KINDS, required=True, readonly=True)
    antecedent_product_id = fields.Many2one(
        "product.product", string="If Bought", required=True, readonly=True, index=True
    )
    antecedent_product2_id = fields.Many2one("product.product", string="And Bought", readonly=True)
    product_id = fields.Many2one(
        "product.product", string="Then Buys", required=True, readonly=True, index=True
    )
    support = fields.Float(readonly=True, digits=(16, 4), aggregator="avg")
    confidence = fields.Float(readonly=True, digits=(16, 4), aggregator="avg")
    lift = fields.Float(readonly=True, digits=(16, 3), aggregator="avg")
    basket_count = fields.Integer(
        "Baskets", readonly=True, aggregator="sum", help="Baskets holding all its products."
    )
    mined_at = fields.Datetime(readonly=True)

    def init(self):
        # one rule per company, kind, antecedent and consequent: the key of the nightly upsert
        tools.create_unique_index(
            self.env.cr,
            "crm_customer_product_rule_key_uniq",
            self._table,
            [
                "company_id",
                "kind",
                "antecedent_product_id",
                "(COALESCE(antecedent_product2_id, 0))",
                "product_id",
            ],
        )

    @api.depends("antecedent_product_id", "antecedent_product2_id", "product_id")
    def _compute_display_name(self):
        for rule in self:
            ante = rule.antecedent_product_id.display_name or ""
            if rule.antecedent_product2_id:
                ante = f"{ante} + {rule.antecedent_product2_id.display_name}"
            rule.display_name = f"{ante} → {rule.product_id.display_name or ''}"
