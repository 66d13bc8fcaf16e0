from datetime import timedelta

from odoo import models

from ..analytics import kpi, periods
from .crm_customer_kpi import CUSTOMER_JOIN, CUSTOMER_SCOPE, document_scope

# periods of a sparkline, cohorts of the retention heat map
SPARK_PERIODS = 12


class CrmCustomerKpi(models.AbstractModel):
    """The dashboard's charts: lifecycle funnel, value by tier, cohort retention, complaints
    by theme and SLA; each one grouped query in the scope of the KPIs (``_params``)."""

    _inherit = "crm.customer.kpi"

    def _rows(self, query, p):
        self.env.cr.execute(query, p)
        return self.env.cr.fetchall()

    def _selection(self, model, field):
        return dict(self.env[model]._fields[field]._description_selection(self.env))

    def _chart_funnel(self, p):
        """Customers in each lifecycle stage today, in the cycle's order."""
        counts = dict(
            self._rows(
                f"""
                SELECT h.stage_to, COUNT(*)
                  FROM crm_customer_lifecycle_history h
                  LEFT JOIN res_partner cp ON cp.id = h.partner_id
                  {CUSTOMER_JOIN}
                 WHERE h.is_current AND h.company_id = %(company_id)s AND {CUSTOMER_SCOPE}
                 GROUP BY h.stage_to
                """,  # noqa: S608 - constant SQL fragments
                p,
            )
        )
        labels = self._selection("crm.customer.lifecycle.history", "stage_to")
        return [{"key": k, "label": v, "value": counts.get(k, 0)} for k, v in labels.items()]

    def _chart_tiers(self, p):
        """Customers and net value per value tier (last value refresh)."""
        rows = {
            tier: (count, float(net or 0))
            for tier, count, net in self._rows(
                f"""
                SELECT v.value_tier, COUNT(*), SUM(v.net_value)
                  FROM crm_customer_value v
                  LEFT JOIN res_partner cp ON cp.id = v.partner_id
                  {CUSTOMER_JOIN}
                 WHERE v.company_id = %(company_id)s AND v.value_tier IS NOT NULL
                   AND {CUSTOMER_SCOPE}
                 GROUP BY v.value_tier
                """,  # noqa: S608 - constant SQL fragments
                p,
            )
        }
        labels = self._selection("crm.customer.value", "value_tier")
        return [
            {"key": k, "label": v, "count": rows.get(k, (0, 0))[0], "value": rows.get(k, (0, 0))[1]}
            for k, v in labels.items()
        ]

    def _chart_cohorts(self, p, date_to, calendar):
        """Retention of the last twelve monthly cohorts (month of the first order) in the
        company's calendar: % of each cohort ordering 0..11 months after."""
        months = periods.last_periods(date_to, "month", SPARK_PERIODS, calendar)
        bounds = [m[0] for m in months] + [months[-1][1] + timedelta(days=1)]
        rows = self._rows(
            f"""
            WITH cohorts AS (
                SELECT v.partner_id,
                       width_bucket(v.first_order_date, %(bounds)s::date[]) AS cohort
                  FROM crm_customer_value v
                  LEFT JOIN res_partner cp ON cp.id = v.partner_id
                  {CUSTOMER_JOIN}
                 WHERE v.company_id = %(company_id)s AND {CUSTOMER_SCOPE}
                   AND v.first_order_date >= %(first)s AND v.first_order_date < %(last)s
            ), orders AS (
                -- the months after its own each cohort's customer ordered in
                SELECT DISTINCT c.partner_id, c.cohort,
                       width_bucket(so.date_order::date, %(bounds)s::date[]) - c.cohort AS after
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN cohorts c ON c.partner_id = p.commercial_partner_id
                 WHERE so.state = 'sale' AND so.company_id = %(company_id)s
                   AND so.date_order >= %(first)s AND so.date_order < %(last)s
            ), sizes AS (
                SELECT cohort, COUNT(*) AS size FROM cohorts GROUP BY cohort
            )
            SELECT o.cohort, o.after, COUNT(*), s.size
              FROM orders o
              JOIN sizes s ON s.cohort = o.cohort
             WHERE o.after >= 0
             GROUP BY o.cohort, s.size, o.after
            """,  # noqa: S608 - constant SQL fragments
            dict(p, bounds=bounds, first=bounds[0], last=bounds[-1]),
        )
        cells = {(c, o): (n, size) for c, o, n, size in rows}
        sizes = {c: size for (c, __), (__, size) in cells.items()}
        return [
            {
                "label": periods.period_label(month, "month", calendar),
                "size": sizes.get(i, 0),
                "cells": [
                    kpi.percent(cells[(i, o)][0], sizes[i])
                    if (i, o) in cells
                    else (0.0 if sizes.get(i) else None)
                    for o in range(SPARK_PERIODS - i + 1)
                ],
            }
            for i, month in enumerate(months, start=1)
        ]

    def _complaints_sql(self):
        return f"""
            FROM crm_complaint c
           WHERE c.company_id = %(company_id)s AND c.intake_state = 'qualified'
             AND c.date_open >= %(dt_from)s AND c.date_open < %(dt_to)s
             AND {document_scope("c", "c.commercial_partner_id")}
        """  # noqa: S608 - constant SQL fragments

    def _chart_complaint_themes(self, p):
        """Complaints opened in the period by the theme text mining found in them (else
        their category)."""
        rows = self._rows(
            f"""
            SELECT COALESCE(to_jsonb(th.name), cat.name), COUNT(*)
              FROM (SELECT c.id, c.category_id {self._complaints_sql()}) c
              LEFT JOIN LATERAL (
                   SELECT t.theme_id FROM crm_customer_text t
                    WHERE t.complaint_id = c.id AND t.theme_id IS NOT NULL
                    ORDER BY t.date DESC LIMIT 1) tt ON TRUE
              LEFT JOIN crm_customer_theme th ON th.id = tt.theme_id
              LEFT JOIN crm_complaint_category cat ON cat.id = c.category_id
             GROUP BY 1 ORDER BY 2 DESC LIMIT 8
            """,  # noqa: S608 - constant SQL fragments
            p,
        )
        lang = self.env.lang or "en_US"

        def name(value):
            if isinstance(value, dict):  # a category's translated name
                return value.get(lang) or value.get("en_US") or next(iter(value.values()), "")
            return value or self.env._("Not classified")

        return [{"label": name(label), "value": count} for label, count in rows]

    def _chart_complaint_sla(self, p):
        """Complaints opened in the period: resolved in time, resolved late, open and
        overdue, open in time, without a deadline."""
        rows = dict(
            self._rows(
                f"""
                SELECT CASE WHEN c.resolution_deadline IS NULL THEN 'none'
                            WHEN c.date_resolved IS NOT NULL THEN
                                 CASE WHEN c.date_resolved <= c.resolution_deadline
                                      THEN 'met' ELSE 'late' END
                            WHEN c.resolution_deadline < now() AT TIME ZONE 'UTC' THEN 'overdue'
                            ELSE 'open' END, COUNT(*)
                  FROM (SELECT c.resolution_deadline, c.date_resolved
                          {self._complaints_sql()}) c
                 GROUP BY 1
                """,  # noqa: S608 - constant SQL fragments
                p,
            )
        )
        labels = {
            "met": self.env._("Resolved in time"),
            "late": self.env._("Resolved late"),
            "overdue": self.env._("Open, overdue"),
            "open": self.env._("Open, in time"),
            "none": self.env._("No deadline"),
        }
        return [{"key": k, "label": v, "value": rows.get(k, 0)} for k, v in labels.items()]
