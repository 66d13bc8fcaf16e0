import io
import logging
import math
import struct
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import numpy as np
import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..analytics import profile, rfm, value
from ..tools.cron import run_per_company

_logger = logging.getLogger(__name__)

NUMERIC_OID = 1700  # PostgreSQL's numeric type
# figures query -> the same with its numeric columns cast to float8 (one lookup per query)
_FLOAT8_QUERIES = {}
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
}
# stored related fields copied from res_partner by the bulk upsert
PARTNER_COLUMNS = ["user_id", "country_id", "industry_id", "dominant_need_category_id"]
DATE_COLUMNS = {"first_order_date", "last_order_date"}
TEXT_COLUMNS = {"rfm_score", "rfm_segment", "value_tier"}


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
        if not self.env.user.has_group("crm_customer_management.group_manager"):
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

    # ------------------------------------------------------------------
    # Refresh service
    # ------------------------------------------------------------------

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

    @api.model
    def _refresh(self, company, partner_ids=None):
        """Recompute the profiles of ``company``'s customers: all of them (fitting the
        population models and the RFM breakpoints) or only ``partner_ids`` (commercial
        partner ids, scored against the last full refresh). Returns the number of rows."""
        self.env.flush_all()
        today = fields.Date.context_today(self)
        full = partner_ids is None
        if not full:
            partner_ids = sorted(set(partner_ids))
            if not partner_ids:
                return 0
        started = time.perf_counter()
        raw = self._gather(company, today, partner_ids)
        gathered = time.perf_counter()
        duplicates = self._scan_duplicates_aside() if full else None
        state = None
        if not full:
            state = company.ccm_value_state or {
                "rfm": {k: [math.nan] * 4 for k in ("recency", "frequency", "monetary")},
                "bgnbd": None,
                "gg": None,
                "mvc_threshold": None,
            }
        config = company._ccm_value_config()
        if full:  # refit, starting from the last fit
            config["bgnbd_start"] = (company.ccm_value_state or {}).get("bgnbd")
        derived, state = profile.build_profiles(raw, today, config, state)
        frame = pd.concat([raw.reindex(columns=RAW_COLUMNS), derived[DERIVED_COLUMNS]], axis=1)
        scored = time.perf_counter()
        self._write_profiles(company, frame, partner_ids)
        written = time.perf_counter()
        if full:
            company.sudo().write(
                {
                    "ccm_value_state": _jsonable(state),
                    "ccm_value_refreshed_at": fields.Datetime.now(),
                }
            )
            self._refresh_duplicate_suspects(duplicates.result() if duplicates else None)
        _logger.info(
            "Customer value refresh of %s: %d customers (gather %.2f s, score %.2f s,"
            " write %.2f s, duplicates %.2f s)",
            company.name,
            len(frame),
            gathered - started,
            scored - gathered,
            written - scored,
            time.perf_counter() - written,
        )
        return len(frame)

    def _gather_params(self, company, today, partner_ids):
        return {
            "company_id": company.id,
            "today": today,
            "since": today - timedelta(days=365),
            "partner_ids": partner_ids,
            "all_partners": partner_ids is None,
        }

    def _gather(self, company, today, partner_ids):
        """One DataFrame of raw figures, indexed by commercial partner id."""
        params = self._gather_params(company, today, partner_ids)
        queries = [
            query
            for query in (
                self._sql_orders(),
                self._sql_invoices(),
                self._sql_payments(),
                self._sql_stock(full=partner_ids is None),
                self._sql_complaints(),
            )
            if query
        ]
        frames = None
        if partner_ids is None and len(queries) > 1:
            frames = self._query_frames_parallel(queries, params)
        if frames is not None:
            raw = pd.concat(frames, axis=1, join="outer")
        else:
            # One round trip: the per-source queries joined on the customer.
            joined = f"SELECT * FROM ({queries[0]}) q0" + "".join(
                f" FULL JOIN ({query}) q{i} USING (partner_id)"
                for i, query in enumerate(queries[1:], start=1)
            )
            raw = self._query_frame(joined, params)
        raw.index = raw.index.astype("int64")
        raw = raw.sort_index()
        raw.index.name = "partner_id"
        raw["late_amount_days"] = (
            raw.get("paid_late_amount_days", 0.0).fillna(0.0)
            if "paid_late_amount_days" in raw
            else 0.0
        )
        if "overdue_amount_days" in raw:
            raw["late_amount_days"] += raw["overdue_amount_days"].fillna(0.0)
        for col in (
            "first_order_date",
            "last_order_date",
            "first_purchase_date",
            "last_purchase_date",
        ):
            if col in raw:
                raw[col] = pd.to_datetime(raw[col])
        return raw

    def _may_read_aside(self):
        """Whether other connections read what this transaction reads: it has written
        nothing yet, and no test cursor stands for the database."""
        if self.env.registry.in_test_mode():
            return False
        self.env.cr.execute("SELECT txid_current_if_assigned() IS NULL")
        return self.env.cr.fetchone()[0]

    def _query_frames_parallel(self, queries, params):
        """Run the figures queries side by side on their own connections, all reading one
        snapshot exported by the first, so that a full refresh gathers in about the time of
        its slowest query. Only for a transaction that has written nothing yet (the other
        connections could not see its writes) and outside test mode; returns None then,
        and the caller runs the queries in one statement on its own cursor."""
        registry = self.env.registry
        if not self._may_read_aside():
            return None
        with registry.cursor() as leader:
            leader.execute("SELECT pg_export_snapshot()")
            snapshot = leader.fetchone()[0]

            def run(query):
                with registry.cursor() as worker:
                    worker.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                    # The queries already share the cores, one per connection: PostgreSQL's
                    # own parallel workers and JIT compilation only add work here.
                    worker.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                    worker.execute("SET LOCAL jit = off")
                    frame = self._query_frame(query, params, worker)
                    worker.rollback()
                    return frame

            # one connection per query: PostgreSQL shares the cores between them
            with ThreadPoolExecutor(len(queries), thread_name_prefix="ccm-value") as pool:
                frames = list(pool.map(run, queries))
            leader.rollback()
        return frames

    def _query_frame(self, query, params, cr=None):
        """Run a figures query into a DataFrame indexed by partner. Numeric (decimal) columns
        come back as float8, which the driver converts in C rather than value by value."""
        if query is None:
            return None
        cr = cr or self.env.cr
        if query not in _FLOAT8_QUERIES:
            cr.execute(f"SELECT * FROM ({query}) q LIMIT 0", params)
            select = ", ".join(
                f'q."{d.name}"::float8 AS "{d.name}"'
                if d.type_code == NUMERIC_OID
                else f'q."{d.name}"'
                for d in cr.description
            )
            _FLOAT8_QUERIES[query] = f"SELECT {select} FROM ({query}) q"  # noqa: S608
        cr.execute(_FLOAT8_QUERIES[query], params)
        cols = [d.name for d in cr.description]
        frame = pd.DataFrame(cr.fetchall(), columns=cols)
        frame = frame.set_index("partner_id")
        for col in frame.columns:
            if col.endswith("_date") or frame[col].dtype == np.float64:
                continue
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
        return frame

    # Each _sql_* hook returns a query with %(company_id)s, %(today)s, %(since)s,
    # %(partner_ids)s / %(all_partners)s placeholders, grouped by commercial partner.

    def _sql_orders(self):
        return """
            WITH so AS (
                SELECT p.commercial_partner_id AS partner_id,
                       (so.date_order AT TIME ZONE 'UTC')::date AS day,
                       so.amount_untaxed::float8
                           / COALESCE(NULLIF(so.currency_rate, 0), 1.0)::float8 AS amount,
                       COALESCE(so.margin, 0)::float8
                           / COALESCE(NULLIF(so.currency_rate, 0), 1.0)::float8 AS margin
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id = %(company_id)s
                   AND (so.date_order AT TIME ZONE 'UTC')::date <= %(today)s
                   AND (%(all_partners)s OR p.commercial_partner_id = ANY(%(partner_ids)s))
            ), days AS (
                SELECT partner_id, day, COUNT(*) AS n, SUM(amount) AS amount,
                       SUM(margin) AS margin,
                       MIN(day) OVER (PARTITION BY partner_id) AS first_day
                  FROM so GROUP BY partner_id, day
            )
            SELECT partner_id,
                   SUM(n) AS order_count,
                   SUM(n) FILTER (WHERE day >= %(since)s) AS order_count_12m,
                   SUM(amount) AS order_amount,
                   MIN(day) AS first_order_date,
                   MAX(day) AS last_order_date,
                   SUM(margin) AS margin,
                   SUM(margin) FILTER (WHERE day >= %(since)s) AS margin_12m,
                   COUNT(*) AS purchase_days,
                   MIN(day) AS first_purchase_date,
                   MAX(day) AS last_purchase_date,
                   SUM(amount) FILTER (WHERE day > first_day) AS repeat_amount
              FROM days GROUP BY partner_id
        """

    def _sql_invoices(self):
        return """
            SELECT m.commercial_partner_id AS partner_id,
                   SUM(m.amount_untaxed_signed::float8) AS revenue,
                   SUM(m.amount_untaxed_signed::float8)
                       FILTER (WHERE m.invoice_date >= %(since)s) AS revenue_12m,
                   SUM(m.amount_residual_signed::float8) FILTER (WHERE m.move_type = 'out_invoice'
                       AND m.invoice_date_due < %(today)s
                       AND m.payment_state NOT IN ('paid', 'in_payment', 'reversed'))
                       AS overdue_amount,
                   SUM(m.amount_residual_signed::float8 * (%(today)s - m.invoice_date_due))
                       FILTER (WHERE m.move_type = 'out_invoice'
                       AND m.invoice_date_due < %(today)s
                       AND m.payment_state NOT IN ('paid', 'in_payment', 'reversed'))
                       AS overdue_amount_days
              FROM account_move m
             WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.company_id = %(company_id)s AND m.invoice_date <= %(today)s
               AND (%(all_partners)s OR m.commercial_partner_id = ANY(%(partner_ids)s))
             GROUP BY m.commercial_partner_id
        """

    def _sql_payments(self):
        return """
            WITH paid AS (
                SELECT m.commercial_partner_id AS partner_id,
                       m.amount_total_signed::float8 AS amount,
                       MAX(apr.max_date) - m.invoice_date_due AS delay
                  FROM account_move m
                  JOIN account_move_line l ON l.move_id = m.id
                       AND l.display_type = 'payment_term'
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = l.id
                 WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
                   AND m.payment_state IN ('paid', 'in_payment')
                   AND m.company_id = %(company_id)s AND m.invoice_date <= %(today)s
                   AND (%(all_partners)s OR m.commercial_partner_id = ANY(%(partner_ids)s))
                 GROUP BY m.id
            )
            SELECT partner_id,
                   SUM(amount) AS paid_amount,
                   SUM(amount * delay) AS paid_delay_amount,
                   COUNT(*) AS paid_count,
                   COUNT(*) FILTER (WHERE delay > 0) AS paid_late_count,
                   SUM(amount * GREATEST(delay, 0)) AS paid_late_amount_days
              FROM paid GROUP BY partner_id
        """

    def _sql_stock(self, full=False):
        """Quantities and pickings delivered to and returned by the customer: the moves are
        summed per picking first, on their own (a narrow aggregation, no COUNT DISTINCT),
        then per customer over one row per picking. For some customers only (not ``full``),
        the moves are first restricted to those customers' pickings."""
        pickings = (
            ""
            if full
            else """
                   AND sm.picking_id IN (
                       SELECT sp.id FROM stock_picking sp
                         JOIN res_partner p ON p.id = sp.partner_id
                        WHERE p.commercial_partner_id = ANY(%(partner_ids)s))"""
        )
        return f"""
            WITH customer_locations AS (
                SELECT ARRAY_AGG(id) AS ids FROM stock_location WHERE usage = 'customer'
            ), moves AS (
                SELECT sm.picking_id, sm.location_dest_id = ANY(cl.ids) AS outgoing,
                       SUM(sm.product_qty::float8) AS qty
                  FROM stock_move sm
                 CROSS JOIN customer_locations cl
                 WHERE sm.state = 'done' AND sm.company_id = %(company_id)s
                   AND sm.picking_id IS NOT NULL
                   AND (sm.location_id = ANY(cl.ids)) <> (sm.location_dest_id = ANY(cl.ids))
                   {pickings}
                 GROUP BY 1, 2
            )
            SELECT p.commercial_partner_id AS partner_id,
                   SUM(m.qty) FILTER (WHERE m.outgoing) AS delivered_qty,
                   SUM(m.qty) FILTER (WHERE NOT m.outgoing) AS returned_qty,
                   COUNT(*) FILTER (WHERE m.outgoing) AS delivery_count,
                   COUNT(*) FILTER (WHERE NOT m.outgoing) AS return_count
              FROM moves m
              JOIN stock_picking sp ON sp.id = m.picking_id
              JOIN res_partner p ON p.id = sp.partner_id
             GROUP BY p.commercial_partner_id
        """  # noqa: S608 - a constant filter

    def _sql_complaints(self):
        """Complaints per customer (each costs the unit cost of a complaint) and what they
        cost in compensation (credit notes)."""
        return """
            SELECT commercial_partner_id AS partner_id, COUNT(*) AS complaint_count,
                   SUM(compensation_amount::float8) AS compensation_amount
              FROM crm_complaint
             WHERE company_id = %(company_id)s
               AND (%(all_partners)s OR commercial_partner_id = ANY(%(partner_ids)s))
             GROUP BY commercial_partner_id
        """

    def _write_profiles(self, company, frame, partner_ids):
        """Write the profiles: one binary COPY, one UPDATE, one INSERT; post tier changes to
        the partners' chatter; drop the rows of customers that no longer have figures."""
        cr = self.env.cr
        columns = RAW_COLUMNS + DERIVED_COLUMNS
        load, labels = self._copy_profiles(frame[columns])
        # the loaded rows decoded back to the columns' types (see _copy_profiles)
        decoded = SQL(
            f"SELECT l.partner_id, {', '.join(_decode_sql(c) for c in columns)} FROM {load} l",  # noqa: S608 - module constants
            **labels,
        )
        tier_changes = self._tier_changes(company, decoded)
        params = {"company": company.id, "uid": self.env.uid, "decoded": decoded}
        # The customers that have a profile: one UPDATE joined to the loaded rows (the table
        # keeps room in its pages, so the new row versions stay on them and the indexes are
        # not touched), then an INSERT of the others.
        cr.execute(
            SQL(
                f"""
            UPDATE crm_customer_value v
               SET {", ".join(f"{c} = l.{c}" for c in columns)},
                   {", ".join(f"{c} = p.{c}" for c in PARTNER_COLUMNS)},
                   refreshed_at = NOW() AT TIME ZONE 'UTC', write_uid = %(uid)s,
                   write_date = NOW() AT TIME ZONE 'UTC'
              FROM (%(decoded)s) l
              JOIN res_partner p ON p.id = l.partner_id
             WHERE v.partner_id = l.partner_id AND v.company_id = %(company)s
            """,  # noqa: S608 - column names are module constants
                **params,
            )
        )
        set_cols = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns + PARTNER_COLUMNS)
        cr.execute(
            SQL(
                f"""
            INSERT INTO crm_customer_value
                   (partner_id, company_id, {", ".join(columns)}, {", ".join(PARTNER_COLUMNS)},
                    refreshed_at, create_uid, create_date, write_uid, write_date)
            SELECT l.partner_id, %(company)s, {", ".join("l." + c for c in columns)},
                   {", ".join("p." + c for c in PARTNER_COLUMNS)},
                   NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s,
                   NOW() AT TIME ZONE 'UTC'
              FROM (%(decoded)s) l
              JOIN res_partner p ON p.id = l.partner_id
             WHERE NOT EXISTS (SELECT 1 FROM crm_customer_value v
                                WHERE v.partner_id = l.partner_id
                                  AND v.company_id = %(company)s)
            ON CONFLICT (partner_id, company_id) DO UPDATE
               SET {set_cols}, refreshed_at = EXCLUDED.refreshed_at,
                   write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
            """,  # noqa: S608 - column names are module constants
                **params,
            )
        )
        if partner_ids is None:
            cr.execute(
                SQL(
                    f"""DELETE FROM crm_customer_value v
                    WHERE v.company_id = %s
                      AND NOT EXISTS (SELECT 1 FROM {load} l
                                       WHERE l.partner_id = v.partner_id)""",
                    company.id,
                )
            )
        else:
            cr.execute(
                SQL(
                    f"""DELETE FROM crm_customer_value v
                    WHERE v.company_id = %s AND v.partner_id = ANY(%s)
                      AND NOT EXISTS (SELECT 1 FROM {load} l
                                       WHERE l.partner_id = v.partner_id)""",
                    company.id,
                    partner_ids,
                )
            )
        self.invalidate_model()
        self.env["res.partner"].invalidate_model(["customer_value_ids"])
        self._log_tier_changes(tier_changes)

    def _copy_profiles(self, out):
        """Load the profiles into a temporary table with one binary COPY built by numpy
        (no text formatting of millions of floats): every figure travels as float8 (NaN for
        none), dates as days since 1970-01-01, texts as their index in a list of labels.
        Returns the table's name and the label lists, parameters of ``_decode_sql``."""
        cr = self.env.cr
        columns = list(out.columns)
        values = {}
        labels = {}
        for col in columns:
            series = out[col]
            if col in DATE_COLUMNS:
                days = (pd.to_datetime(series) - pd.Timestamp("1970-01-01")).dt.days
                values[col] = days.to_numpy(dtype="float64", na_value=np.nan)
            elif col in TEXT_COLUMNS:
                codes = pd.Categorical(series)
                labels[f"labels_{col}"] = [str(c) for c in codes.categories]
                values[col] = codes.codes.astype("float64")  # -1: none
            else:
                values[col] = pd.to_numeric(series, errors="coerce").to_numpy(
                    dtype="float64", na_value=np.nan
                )
        # A temporary table per database session, emptied at each use and at commit; its
        # name carries the columns and the format, so that a change gets a new table.
        col_list = ", ".join(["partner_id"] + columns)
        load = f"ccm_value_load_{zlib.crc32(('binary:' + col_list).encode()):08x}"
        cr.execute(
            SQL(
                f"""CREATE TEMP TABLE IF NOT EXISTS {load}
                    (partner_id int4, {", ".join(f"{c} float8" for c in columns)})
                    ON COMMIT DELETE ROWS"""
            )
        )
        cr.execute(SQL(f"TRUNCATE {load}"))
        # PostgreSQL's binary COPY: a header, then per row the field count and, per field,
        # its length and big-endian value; every row has the same layout here.
        layout = [("fields", ">i2"), ("partner_id_len", ">i4"), ("partner_id", ">i4")]
        for col in columns:
            layout += [(f"{col}_len", ">i4"), (col, ">f8")]
        rows = np.empty(len(out), dtype=np.dtype(layout))
        rows["fields"] = len(columns) + 1
        rows["partner_id_len"] = 4
        rows["partner_id"] = out.index.to_numpy(dtype="int64")
        for col in columns:
            rows[f"{col}_len"] = 8
            rows[col] = values[col]
        payload = (
            b"PGCOPY\n\xff\r\n\x00"
            + struct.pack(">ii", 0, 0)
            + rows.tobytes()
            + struct.pack(">h", -1)
        )
        cr.copy_expert(
            f"COPY {load} ({col_list}) FROM STDIN WITH (FORMAT binary)", io.BytesIO(payload)
        )
        return load, labels

    def _tier_changes(self, company, decoded):
        """[(profile id, old tier, new tier)] of the customers whose tier the loaded rows
        change (the first tier a customer gets is not a change)."""
        self.env.cr.execute(
            SQL(
                """
            SELECT v.id, v.value_tier, l.value_tier
              FROM (%(decoded)s) l
              JOIN crm_customer_value v ON v.partner_id = l.partner_id
                   AND v.company_id = %(company_id)s
             WHERE v.value_tier IS NOT NULL AND l.value_tier IS NOT NULL
               AND v.value_tier <> l.value_tier
            """,
                decoded=decoded,
                company_id=company.id,
            )
        )
        return self.env.cr.fetchall()

    def _log_tier_changes(self, changes):
        """One note per changed tier in the profile's chatter, which only those who may
        read the profile (its company, its salesperson's rules) read."""
        if not changes:
            return
        labels = dict(self._fields["value_tier"]._description_selection(self.env))
        bodies = {
            profile_id: self.env._(
                "Value tier changed: %(old)s → %(new)s", old=labels[old], new=labels[new]
            )
            for profile_id, old, new in changes
        }
        self.browse(list(bodies))._message_log_batch(bodies)

    @api.model
    def _duplicate_suspects_sql(self):
        return SQL(
            """
            WITH keys AS (%s),
            dup AS (SELECT k FROM keys GROUP BY k HAVING MIN(id) <> MAX(id))
            SELECT ARRAY_AGG(DISTINCT keys.id) FROM keys JOIN dup USING (k)
            """,
            self.env["res.partner"]._ccm_duplicate_keys_sql(),
        )

    def _scan_duplicates_aside(self):
        """Start the duplicate scan on its own connection, so that it runs while this one
        scores the customers (pure Python, one core); a future of the suspects' ids, or None
        when other connections cannot read what this transaction reads (the scan then runs
        on this cursor, at the end)."""
        if not self._may_read_aside():
            return None
        registry = self.env.registry
        query = self._duplicate_suspects_sql()

        def scan():
            with registry.cursor() as cr:
                cr.execute(query)
                suspects = cr.fetchone()[0] or []
                cr.rollback()
                return suspects

        executor = ThreadPoolExecutor(1, thread_name_prefix="ccm-duplicates")
        future = executor.submit(scan)
        executor.shutdown(wait=False)
        return future

    @api.model
    def _refresh_duplicate_suspects(self, suspects=None):
        """Flag commercial partners that share an e-mail, a VAT number or a phone number
        (last 9 digits) with another one: the ``suspects`` scanned aside, or scanned here."""
        cr = self.env.cr
        if suspects is None:
            self.env["res.partner"].flush_model()
            cr.execute(self._duplicate_suspects_sql())
            suspects = cr.fetchone()[0] or []
        cr.execute(
            SQL(
                """UPDATE res_partner SET ccm_duplicate_suspect = (id = ANY(%s))
                WHERE ccm_duplicate_suspect IS DISTINCT FROM (id = ANY(%s))""",
                suspects,
                suspects,
            )
        )
        self.env["res.partner"].invalidate_model(["ccm_duplicate_suspect"])
        return suspects


def _jsonable(state):
    """numpy/NaN-free copy of the population state for a JSON field."""

    def clean(v):
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        if isinstance(v, (float, np.floating)):
            return None if not np.isfinite(v) else float(v)
        return v

    return clean(state)


def _decode_sql(col):
    """SQL of a profile column read back from the binary load table of _copy_profiles."""
    value = f"NULLIF(l.{col}, 'NaN')"
    if col in DATE_COLUMNS:
        return f"DATE '1970-01-01' + {value}::int4 AS {col}"
    if col in TEXT_COLUMNS:
        # label index -1 (none) reads element 0 of a 1-based array: NULL
        return f"(%(labels_{col})s::varchar[])[{value}::int4 + 1] AS {col}"
    if col in INTEGER_COLUMNS:
        return f"ROUND({value})::int4 AS {col}"
    return f"{value} AS {col}"
