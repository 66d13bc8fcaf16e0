from odoo import api, models

from ..analytics import kpi
from .crm_customer_kpi import (
    CUSTOMER_JOIN,
    CUSTOMER_SCOPE,
    PERIODS,
    document_scope,
    in_period,
    segment_of,
)


class CrmCustomerKpi(models.AbstractModel):
    """The customer base figures of the KPI service: customers acquired and what acquiring
    them cost, the snapshot figures of the value profiles (CLV, receivables), and churn and
    retention from the lifecycle history."""

    _inherit = "crm.customer.kpi"

    # ------------------------------------------------------------------
    # KPI queries (filters: %(team_id)s / %(user_id)s may be NULL = all)
    # ------------------------------------------------------------------

    def _acquired_sql(self):
        """Customers acquired in the periods (``partner_id``, the period's ``idx``): the date
        of their first order of all falls in the period (one grouped pass over the orders up
        to the periods' end, no sort); scoped by that first order's salesperson and team
        (the first order of that date: a join PostgreSQL drops when no salesperson or team
        is given)."""
        return f"""
            WITH acquired AS MATERIALIZED (
                SELECT f.partner_id, {segment_of("f.date_order")} AS segment
                  FROM (SELECT p.commercial_partner_id AS partner_id,
                               MIN(so.date_order) AS date_order
                          FROM sale_order so
                          JOIN res_partner p ON p.id = so.partner_id
                         WHERE so.state = 'sale' AND so.company_id = %(company_id)s
                           AND so.date_order < %(dt_to)s
                         GROUP BY p.commercial_partner_id
                        HAVING MIN(so.date_order) >= %(dt_from)s) f
                  LEFT JOIN (
                       SELECT DISTINCT ON (p.commercial_partner_id, so.date_order)
                              p.commercial_partner_id AS partner_id, so.date_order,
                              so.team_id, so.user_id
                         FROM sale_order so
                         JOIN res_partner p ON p.id = so.partner_id
                        WHERE so.state = 'sale' AND so.company_id = %(company_id)s
                          AND so.date_order >= %(dt_from)s AND so.date_order < %(dt_to)s
                        ORDER BY p.commercial_partner_id, so.date_order, so.id
                  ) fo ON fo.partner_id = f.partner_id AND fo.date_order = f.date_order
                 WHERE {document_scope("fo", "f.partner_id")}
            )
            SELECT a.partner_id, per.idx FROM acquired a JOIN {PERIODS} USING (segment)
        """  # noqa: S608 - constant SQL fragments

    def _kpi_acquisition(self, p):
        acquired = self._per_period(
            f"SELECT idx, COUNT(*) FROM ({self._acquired_sql()}) a GROUP BY idx",  # noqa: S608
            p,
            (0,),
        )
        costs = self._per_period(
            f"""
            SELECT per.idx, SUM(c.amount)
              FROM (SELECT l.date, l.balance AS amount FROM account_move_line l
                     WHERE l.parent_state = 'posted' AND l.company_id = %(company_id)s
                       AND l.date BETWEEN %(date_from)s AND %(date_to)s
                       AND l.account_id IN (
                           SELECT account_id FROM ccm_company_acquisition_account_rel
                            WHERE company_id = %(company_id)s)
                    UNION ALL
                    SELECT a.date, -a.amount FROM account_analytic_line a
                     WHERE a.company_id = %(company_id)s
                       AND a.date BETWEEN %(date_from)s AND %(date_to)s
                       AND a.account_id IN (
                           SELECT analytic_account_id FROM ccm_company_acquisition_analytic_rel
                            WHERE company_id = %(company_id)s)
                    UNION ALL
                    SELECT c.date, c.amount FROM crm_customer_campaign_cost c
                     WHERE c.company_id = %(company_id)s
                       AND c.date BETWEEN %(date_from)s AND %(date_to)s) c
              JOIN {PERIODS} ON {in_period("c.date")}
             GROUP BY per.idx
            """,  # noqa: S608 - constant SQL fragments
            p,
            (0,),
        )
        return [
            {"customers_acquired": count, "acquisition_cost": float(cost or 0)}
            for (count,), (cost,) in zip(acquired, costs, strict=True)
        ]

    def _kpi_snapshots(self, p):
        """CLV and receivables overdue today, as of the last value refresh (no period)."""
        hist, pred, overdue, overdue_mvc = self._one(
            f"""
            SELECT AVG(v.margin) FILTER (WHERE v.order_count > 0), AVG(v.clv_predicted),
                   COALESCE(SUM(v.overdue_amount), 0),
                   COALESCE(SUM(v.overdue_amount) FILTER (WHERE v.value_tier = 'mvc'), 0)
              FROM crm_customer_value v
              LEFT JOIN res_partner cp ON cp.id = v.partner_id
              {CUSTOMER_JOIN}
             WHERE v.company_id = %(company_id)s
               AND {CUSTOMER_SCOPE}
            """,  # noqa: S608 - constant SQL fragments
            p,
        )
        return {
            "clv_historical": None if hist is None else float(hist),
            "clv_predicted": None if pred is None else float(pred),
            "overdue_amount": float(overdue),
            "overdue_mvc": float(overdue_mvc),
        }

    @api.model
    def _history_cte_sql(self):
        """The CTEs ``h`` (the scope's stage moves in the company before the period's end,
        with the customer's salesperson ``user_id``) and ``at_start`` (each customer's stage
        when the period started, the last move before it, the later one of moves at the
        same time): the customers at the start and the staff scorecard read both."""
        return f"""
            h AS (
                SELECT h.id, h.partner_id, cp.user_id, h.stage_to, h.date
                  FROM crm_customer_lifecycle_history h
                  JOIN res_partner cp ON cp.id = h.partner_id
                  {CUSTOMER_JOIN}
                 WHERE h.company_id = %(company_id)s AND h.date < %(dt_to)s
                   AND {CUSTOMER_SCOPE}
            ), at_start AS (
                SELECT DISTINCT ON (partner_id) partner_id, user_id, stage_to
                  FROM h WHERE date < %(dt_from)s
                 ORDER BY partner_id, date DESC, id DESC
            )
        """  # noqa: S608 - constant SQL fragments

    def _active_at_start_sql(self):
        """Customers held (in a customer stage, not lost) when the period started."""
        return f"""
            WITH {self._history_cte_sql()}
            SELECT partner_id FROM at_start WHERE stage_to IN %(customer_stages)s
        """  # noqa: S608 - constant SQL fragments

    def _kpi_churn(self, p):
        """Lost in each period / customers in a customer stage when it started (history).

        The customers at the start of every period in one pass over the history: each move
        is the customer's stage from its date until the next move (``LEAD``); the periods'
        starts number the intervals (``width_bucket``: how many starts are on or before a
        date), and ``analytics.kpi.held_at_starts`` counts the moves of a customer stage
        whose interval holds each start (the same customers as ``_active_at_start_sql``)."""
        starts = sorted(set(p["period_dt_from"]))
        self.env.cr.execute(
            f"""
            SELECT width_bucket(date, %(starts)s::timestamp[]),
                   width_bucket(until, %(starts)s::timestamp[]), COUNT(*)
              FROM (SELECT h.stage_to, h.date,
                           LEAD(h.date) OVER (PARTITION BY h.partner_id
                                              ORDER BY h.date, h.id) AS until
                      FROM crm_customer_lifecycle_history h
                      LEFT JOIN res_partner cp ON cp.id = h.partner_id
                      {CUSTOMER_JOIN}
                     WHERE h.company_id = %(company_id)s AND h.date < %(max_start)s
                       AND {CUSTOMER_SCOPE}) h
             WHERE h.stage_to IN %(customer_stages)s
             GROUP BY 1, 2
            """,  # noqa: S608 - constant SQL fragments
            dict(p, starts=starts, max_start=starts[-1]),
        )
        held = dict(
            zip(starts, kpi.held_at_starts(self.env.cr.fetchall(), len(starts)), strict=True)
        )
        lost = self._per_period(
            f"""
            SELECT per.idx, COUNT(DISTINCT h.partner_id)
              FROM crm_customer_lifecycle_history h
              LEFT JOIN res_partner cp ON cp.id = h.partner_id
              {CUSTOMER_JOIN}
              JOIN {PERIODS} ON {in_period("h.date")}
             WHERE h.company_id = %(company_id)s AND h.stage_to = 'lost'
               AND h.date >= %(dt_from)s AND h.date < %(dt_to)s
               AND {CUSTOMER_SCOPE}
             GROUP BY per.idx
            """,  # noqa: S608 - constant SQL fragments
            p,
            (0,),
        )
        figures = []
        for start, (lost_count,) in zip(p["period_dt_from"], lost, strict=True):
            active = held[start]
            churn = kpi.churn_rate(lost_count, active)
            figures.append(
                {
                    "customers_lost": lost_count,
                    "active_at_start": active,
                    "churn_rate": churn,
                    "retention_rate": kpi.retention_rate(churn),
                }
            )
        return figures
