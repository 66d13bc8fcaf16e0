from odoo import fields, models

from ..models.crm_customer_offer_suggestion import SOURCES


class CrmCustomerOfferReport(models.Model):
    """Next best offers and what came of them: one row per suggestion ever made (shown),
    with whether it was accepted (added to an order confirmed within the company's
    acceptance window) and the margin and amount won. The average of
    ``acceptance_rate`` is the acceptance rate of any group (by offer, salesperson,
    product, month)."""

    _name = "crm.customer.offer.report"
    _description = "Next Best Offer Analysis"
    _auto = False
    _order = "date desc"
    _depends = {
        "crm.customer.offer.suggestion": [
            "company_id",
            "partner_id",
            "user_id",
            "product_id",
            "offer_id",
            "source",
            "date_first",
            "active",
        ],
        "sale.order.line": [
            "ccm_suggestion_id",
            "ccm_suggested_at",
            "ccm_offer_id",
            "margin",
            "price_subtotal",
        ],
        "sale.order": ["state", "date_order", "user_id", "company_id"],
    }

    suggestion_id = fields.Many2one("crm.customer.offer.suggestion", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    offer_id = fields.Many2one("crm.customer.offer", readonly=True)
    source = fields.Selection(SOURCES, readonly=True)
    date = fields.Date("First Suggested", readonly=True)
    current = fields.Boolean("Still Suggested", readonly=True)
    shown = fields.Integer("# Suggested", readonly=True)
    accepted = fields.Integer("# Accepted", readonly=True)
    acceptance_rate = fields.Float("Acceptance Rate (%)", readonly=True, aggregator="avg")
    margin_won = fields.Float(readonly=True)
    amount_won = fields.Float(readonly=True)

    @property
    def _table_query(self):
        return f"{self._select()} {self._from()}"

    def _select(self):
        return """
            SELECT s.id AS id, s.id AS suggestion_id, s.company_id, s.partner_id, s.user_id,
                   s.product_id, s.offer_id, s.source, s.date_first AS date,
                   s.active AS current, 1 AS shown,
                   (a.suggestion_id IS NOT NULL)::int AS accepted,
                   CASE WHEN a.suggestion_id IS NOT NULL THEN 100.0 ELSE 0.0 END
                       AS acceptance_rate,
                   COALESCE(a.margin, 0) AS margin_won, COALESCE(a.amount, 0) AS amount_won
        """

    def _from(self):
        accepted = self.env["crm.customer.kpi"]._accepted_lines_sql()
        return f"""
              FROM crm_customer_offer_suggestion s
              LEFT JOIN (SELECT suggestion_id, SUM(margin) AS margin, SUM(amount) AS amount
                           FROM ({accepted}) x GROUP BY suggestion_id) a
                     ON a.suggestion_id = s.id
        """  # noqa: S608 - constant SQL fragments
