import io
import logging
import math
import time
from datetime import timedelta

import numpy as np
import pandas as pd
from psycopg2.extras import execute_values

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..analytics import basket
from ..const import CCM_MANAGER
from ..tools.cron import run_per_company

_logger = logging.getLogger(__name__)

# an itemset is frequent in at least this many baskets, whatever the share
MIN_BASKETS = 3
# rules kept for each consequent product and kind (the highest lifts)
RULES_PER_PRODUCT = 20


class CrmCustomerBasket(models.AbstractModel):
    """Market-basket analysis of a company, nightly: its confirmed order lines of the
    window gathered in one query, baskets = orders and baskets = customers, association
    rules from the pure core (``analytics.basket``) written in one INSERT; then the next
    best offers of every customer (``crm_customer_basket_suggest``)."""

    _name = "crm.customer.basket"
    _description = "Market-basket Analysis"

    @api.model
    def _cron_mine_all(self):
        """Nightly: mine every company."""
        return self._run_companies(self.env["res.company"].search([("active", "=", True)]))

    @api.model
    def _cron_mine_requested(self):
        """Mine the companies a manager asked for (*Mine now*), in the background."""
        return self._run_companies(
            self.env["res.company"].search([("ccm_offer_mine_state", "=", "requested")])
        )

    def _run_companies(self, companies):
        """Mine ``companies``, one transaction each (``tools.cron.run_per_company``: a
        failure is logged, rolled back and recorded with its error on the company, the
        others go on); their state says running, then done or failed."""
        companies.sudo().write({"ccm_offer_mine_state": "running"})
        failures = run_per_company(
            self,
            self._run_and_record,
            companies,
            ("ccm_offer_cron_at", "ccm_offer_cron_error"),
        )
        companies.filtered(lambda c: c.id in failures).sudo().write(
            {"ccm_offer_mine_state": "failed"}
        )
        return failures

    def _run_and_record(self, company):
        self._run(company)
        company.sudo().ccm_offer_mine_state = "done"

    @api.model
    def action_mine_now(self):
        """*Mine now*: queue the mining of the manager's companies for the background job
        (as the dashboard's *Refresh now*); a company already queued or running is left
        as it is. The state shows where the button is."""
        if not self.env.user.has_group(CCM_MANAGER):
            raise UserError(self.env._("Only Customer Management managers can mine the rules."))
        companies = self.env.companies.sudo()
        busy = companies.filtered(lambda c: c.ccm_offer_mine_state in ("requested", "running"))
        queued = companies - busy
        if queued:
            queued.write({"ccm_offer_mine_state": "requested"})
            self.env.ref(
                "crm_customer_management.ir_cron_customer_basket_mine_requested"
            ).sudo()._trigger()
            message = self.env._(
                "The mining of %(companies)s is queued: it runs in the background, its state "
                "shows here.",
                companies=", ".join(queued.mapped("name")),
            )
        else:
            message = self.env._(
                "The mining of %(companies)s is already queued or running.",
                companies=", ".join(busy.mapped("name")),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _run(self, company):
        lines = self._mine(company)
        self._suggest(company, lines=lines)

    # ------------------------------------------------------------------
    # Gather
    # ------------------------------------------------------------------

    def _lines_sql(self):
        """Confirmed order lines of the window: order, customer, product, line margin."""
        return """
            SELECT sol.order_id, p.commercial_partner_id AS partner_id, sol.product_id,
                   COALESCE(sol.margin, 0)::float8 AS margin
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner p ON p.id = so.partner_id
             WHERE so.state = 'sale' AND so.company_id = %(company_id)s
               AND so.date_order >= %(since)s
               AND sol.product_id IS NOT NULL AND sol.display_type IS NULL
               AND (%(all_partners)s OR p.commercial_partner_id = ANY(%(partner_ids)s))
        """

    def _gather_lines(self, company, partner_ids=None):
        """The window's lines as a DataFrame, read by one COPY (no row-by-row fetch)."""
        self.env.flush_all()
        since = fields.Date.context_today(self) - timedelta(days=company.ccm_basket_window_days)
        params = {
            "company_id": company.id,
            "since": since,
            "all_partners": partner_ids is None,
            "partner_ids": list(partner_ids or []),
        }
        query = self.env.cr.mogrify(self._lines_sql(), params).decode()
        buf = io.StringIO()
        self.env.cr.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buf)
        buf.seek(0)
        return pd.read_csv(
            buf,
            names=["order_id", "partner_id", "product_id", "margin"],
            dtype={"order_id": np.int64, "partner_id": np.int64, "product_id": np.int64},
        )

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------

    def _mine(self, company):
        """Mine and store the company's rules (one-product consequents, up to two products
        in the antecedent) and the population figures the suggestions use: expected margin
        per product, each tier's affinity for each product. Returns the lines gathered."""
        started = time.perf_counter()
        lines = self._gather_lines(company)
        gathered = time.perf_counter()
        min_support = company.ccm_basket_min_support / 100.0
        min_confidence = company.ccm_basket_min_confidence / 100.0
        holdings = lines[["partner_id", "product_id"]].drop_duplicates()
        frames = []
        for kind, baskets in (
            ("order", lines[["order_id", "product_id"]]),
            ("customer", holdings),
        ):
            n = baskets.iloc[:, 0].nunique()
            if not n:
                continue
            count = max(MIN_BASKETS, math.ceil(min_support * n - 1e-9))
            rules = basket.association_rules(baskets, count, min_confidence, max_len=3)
            rules = rules[(rules["consequent"].map(len) == 1) & (rules["lift"] > 1)]
            rules = rules.assign(product_id=rules["consequent"].map(lambda c: c[0]))
            rules = (
                rules.sort_values("lift", ascending=False, kind="stable")
                .groupby("product_id", sort=False)
                .head(RULES_PER_PRODUCT)
            )
            frames.append(rules.assign(kind=kind))
        mined = time.perf_counter()
        self._write_rules(company, frames)
        self._store_population(company, lines, holdings)
        _logger.info(
            "Basket analysis of %s: %d lines, %d rules; gather %.2fs, mine %.2fs, write %.2fs",
            company.name,
            len(lines),
            sum(len(f) for f in frames),
            gathered - started,
            mined - gathered,
            time.perf_counter() - mined,
        )
        return lines

    def _write_rules(self, company, frames):
        """One upsert of the mined rules (a rule mined again keeps its id, so the
        suggestions made from it keep it), then the company's rules not mined again are
        deleted."""
        cr = self.env.cr
        self.env["crm.customer.offer.suggestion"].flush_model()
        cr.execute("SELECT clock_timestamp() AT TIME ZONE 'UTC'")
        (started,) = cr.fetchone()
        rows = []
        for frame in frames:
            for ante, product, kind, support, confidence, lift, count in zip(
                frame["antecedent"],
                frame["product_id"],
                frame["kind"],
                frame["support"],
                frame["confidence"],
                frame["lift"],
                frame["count"],
                strict=True,
            ):
                rows.append(
                    (
                        company.id,
                        kind,
                        int(ante[0]),
                        int(ante[1]) if len(ante) > 1 else None,
                        int(product),
                        float(support),
                        float(confidence),
                        float(lift),
                        int(count),
                        self.env.uid,
                    )
                )
        if rows:
            execute_values(
                cr._obj,
                """
                INSERT INTO crm_customer_product_rule AS r
                       (company_id, kind, antecedent_product_id, antecedent_product2_id,
                        product_id, support, confidence, lift, basket_count, create_uid,
                        write_uid, mined_at, create_date, write_date)
                SELECT v.*, v.uid, clock_timestamp() AT TIME ZONE 'UTC',
                       NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                  FROM (VALUES %s) AS v(company_id, kind, a1, a2, product_id, support,
                                        confidence, lift, basket_count, uid)
                ON CONFLICT (company_id, kind, antecedent_product_id,
                             (COALESCE(antecedent_product2_id, 0)), product_id)
                DO UPDATE SET support = EXCLUDED.support, confidence = EXCLUDED.confidence,
                              lift = EXCLUDED.lift, basket_count = EXCLUDED.basket_count,
                              mined_at = EXCLUDED.mined_at, write_uid = EXCLUDED.write_uid,
                              write_date = EXCLUDED.write_date
                """,
                rows,
                template="(%s, %s, %s::int, %s::int, %s::int, %s::float8, %s::float8, "
                "%s::float8, %s::int, %s::int)",
                page_size=5000,
            )
        cr.execute(
            "DELETE FROM crm_customer_product_rule WHERE company_id = %s AND mined_at < %s",
            [company.id, started],
        )
        self.env["crm.customer.product.rule"].invalidate_model()
        self.env["crm.customer.offer.suggestion"].invalidate_model(["rule_id"])

    def _store_population(self, company, lines, holdings):
        """Expected margin of a line of each product and each tier's affinity for each
        product, on the company (read by the suggestions of one customer)."""
        margin = lines.groupby("product_id")["margin"].mean()
        tiers = self._tiers(company)
        affinity = basket.tier_affinity(holdings, tiers)
        company.sudo().ccm_basket_state = {
            "margin": {str(int(k)): float(v) for k, v in margin.items()},
            "affinity": [
                [t, int(p), float(a)]
                for t, p, a in zip(
                    affinity["tier"], affinity["item"], affinity["affinity"], strict=True
                )
            ],
        }

    def _tiers(self, company, partner_ids=None):
        """Series commercial partner id -> value tier code, of ``company``'s profiles."""
        self.env.cr.execute(
            """SELECT partner_id, value_tier FROM crm_customer_value
                WHERE company_id = %s AND value_tier IS NOT NULL
                  AND (%s OR partner_id = ANY(%s))""",
            [company.id, partner_ids is None, list(partner_ids or [])],
        )
        rows = self.env.cr.fetchall()
        return pd.Series(dict(rows), dtype=object)
