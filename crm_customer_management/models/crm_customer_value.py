from odoo import api, fields, models
from odoo.exceptions import UserError

from ..analytics import rfm, value
from ..const import CCM_MANAGER
from ..tools.cron import run_per_company

RFM_SEGMENTS = rfm.SEGMENTS
VALUE_TIERS = value.TIERS

# Raw figures gathered by SQL, and the derived ones from the analytics core: the columns
# written back to crm_customer_value by the bulk refresh.
RAW_COLUMNS = [
    "order_count",
    "order_count_12m",
    "order_amount",
    "first_order_date",
    "last_order_date",
    "margin",
    "margin_12m",
    "revenue",
    "revenue_12m",
    "overdue_amount",
    "paid_count",
    "delivered_qty",
    "returned_qty",
    "delivery_count",
    "return_count",
    "complaint_count",
    # interaction and satisfaction (crm_customer_value_interaction.py)
    "contact_count",
    "contact_count_12m",
    "inbound_count_12m",
    "last_contact_date",
    "contact_recency_days",
    "response_hours",
    "last_nps_score",
    "last_nps_date",
    "last_csat_score",
]
DERIVED_COLUMNS = [
    "avg_order_value",
    "avg_payment_delay",
    "late_payment_share",
    "return_rate",
    "cost_to_serve",
    "net_value",
    "recency_days",
    "r_score",
    "f_score",
    "m_score",
    "rfm_score",
    "rfm_segment",
    "probability_alive",
    "churn_probability",
    "expected_purchases",
    "clv_predicted",
    "value_tier",
    "nps_category",
]
INTEGER_COLUMNS = {
    "order_count",
    "order_count_12m",
    "paid_count",
    "delivery_count",
    "return_count",
    "complaint_count",
    "recency_days",
    "r_score",
    "f_score",
    "m_score",
    "contact_count",
    "contact_count_12m",
    "inbound_count_12m",
    "contact_recency_days",
    "last_nps_score",
    "last_csat_score",
}
# stored related fields copied from res_partner by the bulk upsert
PARTNER_COLUMNS = ["user_id", "country_id", "industry_id", "dominant_need_category_id"]
DATE_COLUMNS = {"first_order_date", "last_order_date", "last_contact_date", "last_nps_date"}
TEXT_COLUMNS = {"rfm_score", "rfm_segment", "value_tier", "nps_category"}


class CrmCustomerValue(models.Model):
    """The value profile of one customer (commercial entity) in one company.

    One row per (customer, company), written in bulk by ``_refresh``: the figures come from
    sales, accounting and inventory through set-based SQL, the scores from the pure
    analytics core. Never edited by hand.
    """

    _name = "crm.customer.value"
    _inherit = ["mail.thread"]
    _description = "Customer Value Profile"
    _order = "net_value desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # stored copies of the partner's fields, to group by them (also set by the bulk upsert)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson", store=True)
    country_id = fields.Many2one(related="partner_id.country_id", store=True)
    industry_id = fields.Many2one(related="partner_id.industry_id", store=True)
    dominant_need_category_id = fields.Many2one(
        related="partner_id.dominant_need_category_id", string="Dominant Need", store=True
    )
    refreshed_at = fields.Datetime(readonly=True)

    # Sales
    order_count = fields.Integer("Orders", readonly=True, aggregator="sum")
    order_count_12m = fields.Integer("Orders (12 months)", readonly=True, aggregator="sum")
    order_amount = fields.Monetary("Ordered (untaxed)", readonly=True)
    first_order_date = fields.Date(readonly=True, aggregator="min")
    last_order_date = fields.Date(readonly=True, aggregator="max")
    avg_order_value = fields.Monetary("Average Order Value", readonly=True, aggregator="avg")
    margin = fields.Monetary(readonly=True)
    margin_12m = fields.Monetary("Margin (12 months)", readonly=True)
    revenue = fields.Monetary(
        readonly=True,
        help="Posted customer invoices minus posted credit notes, untaxed.",
    )
    revenue_12m = fields.Monetary("Revenue (12 months)", readonly=True)
    # Accounting
    avg_payment_delay = fields.Float(
        "Average Payment Delay (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Payment date minus due date, weighted by amount, over paid invoices.",
    )
    overdue_amount = fields.Monetary("Overdue Today", readonly=True)
    paid_count = fields.Integer("Paid Invoices", readonly=True)
    late_payment_share = fields.Float(
        "Paid Late (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    # Inventory
    delivered_qty = fields.Float("Delivered Quantity", readonly=True)
    returned_qty = fields.Float("Returned Quantity", readonly=True)
    delivery_count = fields.Integer("Deliveries", readonly=True)
    return_count = fields.Integer("Returns", readonly=True)
    return_rate = fields.Float("Return Rate (%)", readonly=True, aggregator="avg", digits=(16, 1))
    complaint_count = fields.Integer("Complaints", readonly=True)
    # Cost to serve
    cost_to_serve = fields.Monetary(readonly=True)
    net_value = fields.Monetary(readonly=True, help="Margin minus cost to serve.")
    # RFM
    recency_days = fields.Integer("Recency (days)", readonly=True, aggregator="avg")
    r_score = fields.Integer("R", readonly=True, aggregator="avg")
    f_score = fields.Integer("F", readonly=True, aggregator="avg")
    m_score = fields.Integer("M", readonly=True, aggregator="avg")
    rfm_score = fields.Char("RFM", readonly=True)
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment", readonly=True)
    # Future value
    probability_alive = fields.Float(readonly=True, aggregator="avg", digits=(16, 3))
    churn_probability = fields.Float(readonly=True, aggregator="avg", digits=(16, 3))
    expected_purchases = fields.Float(readonly=True, digits=(16, 2))
    clv_predicted = fields.Monetary("Predicted CLV", readonly=True)
    prediction_note = fields.Text(related="company_id.ccm_value_fit_note")
    # Tier
    value_tier = fields.Selection(VALUE_TIERS, readonly=True)

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A customer has one value profile per company.",
        ),
    ]

    def init(self):
        # Every row is rewritten by each full refresh: half of each page is kept free, so
        # that the new row versions fit beside the old ones (heap-only updates, no index
        # entry per row). Applies to the pages written from now on.
        self.env.cr.execute("ALTER TABLE crm_customer_value SET (fillfactor = 50)")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.model
    def action_refresh_all(self):
        if not self.env.user.has_group(CCM_MANAGER):
            raise UserError(
                self.env._("Only Customer Management managers can refresh all customers.")
            )
        for company in self.env.companies:
            self.sudo()._refresh(company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("Customer value profiles refreshed."),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_refresh_all(self):
        # One transaction per company, as Odoo's own batch crons do: a failing company is
        # rolled back, logged and shown in its settings while the others are refreshed, and
        # each refresh starts with no write of its own, so it gathers its figures on
        # parallel connections.
        return run_per_company(
            self,
            self._refresh,
            self.env["res.company"].search([("active", "=", True)]),
            ("ccm_value_cron_at", "ccm_value_cron_error"),
        )

    @api.model
    def _schedule_refresh(self, company_partner_pairs):
        """Refresh these (company id, partner id) pairs after the transaction commits,
        through the customer event queue (``crm.customer.event``): the documents that
        changed them are never held up or failed by the refresh. Partners are rolled up to
        their commercial entity when the event is processed."""
        self.env["crm.customer.event"]._record(
            ((company_id, partner_id, None) for company_id, partner_id in company_partner_pairs),
            refresh_value=True,
        )
