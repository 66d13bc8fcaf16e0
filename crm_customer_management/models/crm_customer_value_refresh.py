import logging
import math
import time
from datetime import timedelta

import numpy as np
import pandas as pd

from odoo import api, fields, models
from odoo.tools import SQL

from ..analytics import profile
from ..tools.sql import (
    copy_float8,
    day_end,
    decode_float8,
    in_company_currency,
    paid_invoices,
    partner_filter,
    query_frame,
    query_frames_parallel,
    without_jit,
)
from .crm_customer_value import (
    DATE_COLUMNS,
    DERIVED_COLUMNS,
    INTEGER_COLUMNS,
    PARTNER_COLUMNS,
    RAW_COLUMNS,
    TEXT_COLUMNS,
)

_logger = logging.getLogger(__name__)


class CrmCustomerValue(models.Model):
    """The refresh service of the value profiles: gathers the figures of sales, accounting
    and inventory by set-based SQL (``_sql_*`` hooks), scores them with the analytics core
    and writes them back in bulk."""

    _inherit = "crm.customer.value"

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
        duplicates = self.env["res.partner"]._ccm_scan_duplicates_aside() if full else None
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
            note = self._fit_note_text(state.get("fit_note"))
            if note:
                # too little history is a fact of a young company; a failed fit is not
                few = state["fit_note"].get("code") == "few_repeat_buyers"
                log = _logger.info if few else _logger.warning
                log("Customer value refresh of %s: %s", company.name, note)
            company.sudo().write(
                {
                    # as of which day the profiles hold their figures (the churn
                    # scoring of that day reads them, see crm.customer.churn)
                    "ccm_value_state": {**_jsonable(state), "as_of": fields.Date.to_string(today)},
                    "ccm_value_refreshed_at": fields.Datetime.now(),
                    "ccm_value_fit_note": note,
                }
            )
            self.env["res.partner"]._ccm_refresh_duplicate_suspects(
                (duplicates.result() or []) if duplicates else None
            )
            self.env["crm.customer.cohort.report"]._rebuild(company, today)
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

    def _fit_note_text(self, note):
        """Why the predictive models (BG/NBD, Gamma-Gamma) could not be fitted, in words
        for the managers, or False when they were."""
        if not note:
            return False
        if note["code"] == "few_repeat_buyers":
            return self.env._(
                "Not enough repeat purchases to predict: %(count)s customers bought more than"
                " once, at least %(needed)s are needed. Churn probability and predicted CLV"
                " stay empty until then.",
                count=note["repeat_buyers"],
                needed=note["needed"],
            )
        if note["code"] == "no_optimum":
            return self.env._(
                "The %(model)s model found no usable fit on this history; the figures it"
                " predicts stay empty.",
                model=note["model"],
            )
        return self.env._("The predictive models could not be fitted: %s", note.get("error"))

    def _gather_params(self, company, today, partner_ids):
        return {
            "company_id": company.id,
            "today": today,
            "since": today - timedelta(days=365),
            "partner_ids": partner_ids,
            "all_partners": partner_ids is None,
        }

    def _gather_queries(self, partner_ids):
        """The figure queries of the gather: ``(query, join)`` pairs, ``join`` "outer" for
        the sources that make a profile (a customer with orders, invoices, payments...)
        and "left" for those that only add figures to one (contacts, answers).
        Extensions append theirs."""
        queries = (
            self._sql_orders(),
            self._sql_invoices(),
            self._sql_payments(),
            self._sql_stock(full=partner_ids is None),
            self._sql_complaints(),
        )
        return [(query, "outer") for query in queries if query]

    def _gather(self, company, today, partner_ids):
        """One DataFrame of raw figures, indexed by commercial partner id: every query of
        :meth:`_gather_queries` side by side on one snapshot for a full refresh, else in
        one round trip."""
        params = self._gather_params(company, today, partner_ids)
        queries = self._gather_queries(partner_ids)
        outer = [query for query, join in queries if join == "outer"]
        left = [query for query, join in queries if join != "outer"]
        frames = None
        if partner_ids is None and len(queries) > 1:
            frames = self._query_frames_parallel(outer + left, params)
        if frames is not None:
            raw = pd.concat(frames[: len(outer)], axis=1, join="outer")
            for frame in frames[len(outer) :]:
                raw = raw.join(frame, how="left")
        else:
            # One round trip: the per-source queries joined on the customer.
            joined = f"SELECT * FROM ({outer[0]}) q0" + "".join(
                f" FULL JOIN ({query}) q{i} USING (partner_id)"
                for i, query in enumerate(outer[1:], start=1)
            )
            if left:
                joined = f"SELECT * FROM ({joined}) base" + "".join(
                    f" LEFT JOIN ({query}) l{i} USING (partner_id)" for i, query in enumerate(left)
                )
            # one statement of many parts: its cost estimate passes PostgreSQL's JIT
            # thresholds, and compiling it took ten times as long as running it (7.3 s for
            # a batch of 2,000 customers of the event queue at 100,000)
            with without_jit(self.env.cr):
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
        for col in ("first_order_date", "last_order_date"):
            if col in raw:
                raw[col] = pd.to_datetime(raw[col])
        return raw

    def _query_frames_parallel(self, queries, params):
        """The figures queries side by side on one exported snapshot (see
        ``tools.sql.query_frames_parallel``), or None when this transaction cannot."""
        return query_frames_parallel(self.env, queries, params)

    def _query_frame(self, query, params):
        return query_frame(self.env.cr, query, params) if query is not None else None

    # Each _sql_* hook returns a query with %(company_id)s, %(today)s, %(since)s,
    # %(partner_ids)s / %(all_partners)s placeholders, grouped by commercial partner.

    def _sql_orders(self):
        return f"""
            WITH so AS (
                SELECT p.commercial_partner_id AS partner_id,
                       (so.date_order AT TIME ZONE 'UTC')::date AS day,
                       {in_company_currency("so.amount_untaxed")}::float8 AS amount,
                       {in_company_currency("COALESCE(so.margin, 0)")}::float8 AS margin
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id = %(company_id)s
                   AND so.date_order < {day_end("%(today)s")}
                   AND {partner_filter("p.commercial_partner_id")}
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
                   COUNT(*) AS order_days,
                   SUM(amount) FILTER (WHERE day > first_day) AS repeat_amount
              FROM days GROUP BY partner_id
        """  # noqa: S608 - constant fragments

    def _sql_invoices(self):
        return f"""
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
               AND {partner_filter("m.commercial_partner_id")}
             GROUP BY m.commercial_partner_id
        """  # noqa: S608 - constant fragments

    def _sql_payments(self):
        # paid by today: a payment dated later has not come yet (the churn features as of
        # today read these figures, see crm.customer.churn._feature_queries)
        paid = paid_invoices(
            "%(today)s", partner_filter("m.commercial_partner_id"), paid_by_cutoff=True
        )
        return f"""
            WITH paid AS ({paid})
            SELECT partner_id,
                   SUM(amount) AS paid_amount,
                   SUM(amount * delay) AS paid_delay_amount,
                   COUNT(*) AS paid_count,
                   COUNT(*) FILTER (WHERE delay > 0) AS paid_late_count,
                   SUM(amount * GREATEST(delay, 0)) AS paid_late_amount_days
              FROM paid GROUP BY partner_id
        """  # noqa: S608 - constant fragments

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
                   AND sm.date < {day_end("%(today)s")}
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
        return f"""
            SELECT commercial_partner_id AS partner_id, COUNT(*) AS complaint_count,
                   SUM(compensation_amount::float8) AS compensation_amount
              FROM crm_complaint
             WHERE company_id = %(company_id)s AND intake_state = 'qualified'
               AND {partner_filter("commercial_partner_id")}
             GROUP BY commercial_partner_id
        """  # noqa: S608 - constant fragments

    def _write_profiles(self, company, frame, partner_ids):
        """Write the profiles: one binary COPY, one UPDATE, one INSERT; post tier changes to
        the partners' chatter; drop the rows of customers that no longer have figures."""
        cr = self.env.cr
        columns = RAW_COLUMNS + DERIVED_COLUMNS
        load, labels = self._copy_profiles(frame[columns])
        # the loaded rows decoded back to the columns' types (see _copy_profiles)
        decoded = SQL(
            f"SELECT l.partner_id, {', '.join(_decode(c) for c in columns)} FROM {load} l",  # noqa: S608 - module constants
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
            -- the profiles that exist, read once before the insert: an anti-join against
            -- the table being written would rescan its new rows for every loaded row when
            -- planned as a nested loop (planned so on a first refresh: the table is empty),
            -- half an hour for 100,000 customers
            WITH existing AS MATERIALIZED (
                SELECT partner_id FROM crm_customer_value WHERE company_id = %(company)s
            )
            INSERT INTO crm_customer_value
                   (partner_id, company_id, {", ".join(columns)}, {", ".join(PARTNER_COLUMNS)},
                    refreshed_at, create_uid, create_date, write_uid, write_date)
            SELECT l.partner_id, %(company)s, {", ".join("l." + c for c in columns)},
                   {", ".join("p." + c for c in PARTNER_COLUMNS)},
                   NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s,
                   NOW() AT TIME ZONE 'UTC'
              FROM (%(decoded)s) l
              JOIN res_partner p ON p.id = l.partner_id
             WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.partner_id = l.partner_id)
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
        """The profiles in a temporary table, loaded by one binary COPY (see
        ``tools.sql.copy_float8``): the table's name and the label lists."""
        return copy_float8(
            self.env.cr, "ccm_value_load", out.rename_axis("partner_id"), DATE_COLUMNS, TEXT_COLUMNS
        )

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


def _decode(col):
    """SQL of a profile column read back from the load table of ``_copy_profiles``."""
    return decode_float8(col, DATE_COLUMNS, TEXT_COLUMNS, INTEGER_COLUMNS)
