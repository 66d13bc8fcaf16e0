from datetime import datetime, time

import pandas as pd

from odoo import api, models
from odoo.tools import LazyTranslate

from ..analytics import kpi
from .crm_customer_kpi import CUSTOMER_SCOPE

_lt = LazyTranslate(__name__)


class CrmCustomerKpi(models.AbstractModel):
    """The staff scorecard of the KPI service: the customer-centric figures per salesperson
    or agent (portfolio, churn and retention, satisfaction, net value, complaints)."""

    _inherit = "crm.customer.kpi"

    # ------------------------------------------------------------------
    # Staff scorecard: the customer-centric KPIs per salesperson or agent
    # ------------------------------------------------------------------

    STAFF_KPIS = {
        "portfolio": (_lt("Customers"), "number"),
        "churn_rate": (_lt("Churn"), "percent"),
        "retention_rate": (_lt("Retention"), "percent"),
        "csat": (_lt("CSAT of the customers"), "percent"),
        "net_value": (_lt("Net value"), "money"),
        "net_value_growth": (_lt("Net value growth"), "percent"),
        "complaints_handled": (_lt("Complaints resolved"), "number"),
        "complaint_sla_compliance": (_lt("SLA compliance"), "percent"),
        "complaint_csat": (_lt("CSAT of the complaints"), "percent"),
        "suggestions_made": (_lt("Suggestions made"), "number"),
        "suggestions_implemented": (_lt("Suggestions implemented"), "number"),
    }

    @api.model
    def _staff(self, company, date_from, date_to, team=None, user=None):
        """The staff scorecard of the period: one row per salesperson (customers are theirs
        through the customer's salesperson) or complaint agent, team members only when a team
        is given. A few grouped queries; the formulas are ``analytics.kpi.staff_scorecard``.

        :returns: DataFrame indexed by user id (0: no salesperson) with the ``STAFF_KPIS``
        """
        team, user = self._check_scope(company, team, user)
        self.env.flush_all()
        p = self._params(company, date_from, date_to, team, user)
        prev_from, __ = kpi.previous_period(date_from, date_to)
        p["dt_prev"] = datetime.combine(prev_from, time.min)
        frames = [self._staff_frame(sql, p) for sql in self._staff_sqls()]
        counts = pd.concat(frames, axis=1).fillna(0)
        card = kpi.staff_scorecard(counts, company._ccm_value_config()["unit_costs"])
        return card.sort_values("portfolio", ascending=False, kind="stable")

    def _staff_sqls(self):
        """The grouped queries of the scorecard, each giving ``user_id`` and counts."""
        return [
            self._staff_portfolio_sql(),
            self._staff_churn_sql(),
            self._staff_satisfaction_sql(),
            self._staff_orders_sql(),
            self._staff_pickings_sql(),
            self._staff_complaints_sql(),
        ]

    def _staff_frame(self, query, p):
        self.env.cr.execute(query, p)
        columns = [d.name for d in self.env.cr.description]
        frame = pd.DataFrame(self.env.cr.fetchall(), columns=columns)
        frame["user_id"] = frame["user_id"].fillna(0).astype(int)
        return frame.set_index("user_id").astype(float)

    # customers belong to the salesperson of their commercial entity (and its segments)
    STAFF_SCOPE = CUSTOMER_SCOPE

    def _staff_portfolio_sql(self):
        return f"""
            SELECT cp.user_id, COUNT(*) AS portfolio
              FROM crm_customer_value v
              JOIN res_partner cp ON cp.id = v.partner_id
              LEFT JOIN res_users u ON u.id = cp.user_id
             WHERE v.company_id = %(company_id)s AND v.order_count > 0
               AND {self.STAFF_SCOPE}
             GROUP BY cp.user_id
        """  # noqa: S608 - constant SQL fragments

    def _staff_churn_sql(self):
        return f"""
            WITH {self._history_cte_sql()}
            SELECT user_id, SUM(active) AS active_at_start, SUM(lost) AS customers_lost
              FROM (SELECT user_id, COUNT(*) AS active, 0 AS lost
                      FROM at_start WHERE stage_to IN %(customer_stages)s
                     GROUP BY user_id
                    UNION ALL
                    SELECT user_id, 0, COUNT(DISTINCT partner_id)
                      FROM h WHERE stage_to = 'lost' AND date >= %(dt_from)s
                     GROUP BY user_id) t
             GROUP BY user_id
        """  # noqa: S608 - constant SQL fragments

    def _staff_satisfaction_sql(self):
        """CSAT answers (surveys of the CSAT kind, complaint ratings) of the portfolio."""
        return f"""
            SELECT cp.user_id, COUNT(*) FILTER (WHERE a.score >= 4) AS csat_satisfied,
                   COUNT(*) AS csat_answers
              FROM ({self._satisfaction_answers_sql()}) a
              JOIN res_partner cp ON cp.id = a.partner_id
              LEFT JOIN res_users u ON u.id = cp.user_id
             WHERE a.kind = 'csat' AND a.company_id = %(company_id)s
               AND a.date >= %(dt_from)s AND a.date < %(dt_to)s
               AND {self.STAFF_SCOPE}
             GROUP BY cp.user_id
        """  # noqa: S608 - constant SQL fragments

    def _staff_orders_sql(self):
        """Orders and their margin in the period and the one before."""
        return f"""
            SELECT cp.user_id,
                   COUNT(*) FILTER (WHERE so.date_order >= %(dt_from)s) AS orders,
                   COUNT(*) FILTER (WHERE so.date_order < %(dt_from)s) AS orders_previous,
                   COALESCE(SUM(so.margin / COALESCE(NULLIF(so.currency_rate, 0), 1))
                            FILTER (WHERE so.date_order >= %(dt_from)s), 0) AS margin,
                   COALESCE(SUM(so.margin / COALESCE(NULLIF(so.currency_rate, 0), 1))
                            FILTER (WHERE so.date_order < %(dt_from)s), 0) AS margin_previous
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
              LEFT JOIN res_users u ON u.id = cp.user_id
             WHERE so.state = 'sale' AND so.company_id = %(company_id)s
               AND so.date_order >= %(dt_prev)s AND so.date_order < %(dt_to)s
               AND {self.STAFF_SCOPE}
             GROUP BY cp.user_id
        """  # noqa: S608 - constant SQL fragments

    def _staff_pickings_sql(self):
        """Deliveries to and returns from the portfolio in the period and the one before."""
        return f"""
            SELECT cp.user_id,
                   COUNT(*) FILTER (WHERE dst.usage = 'customer'
                                      AND sp.date_done >= %(dt_from)s) AS deliveries,
                   COUNT(*) FILTER (WHERE dst.usage = 'customer'
                                      AND sp.date_done < %(dt_from)s) AS deliveries_previous,
                   COUNT(*) FILTER (WHERE src.usage = 'customer'
                                      AND sp.date_done >= %(dt_from)s) AS returns,
                   COUNT(*) FILTER (WHERE src.usage = 'customer'
                                      AND sp.date_done < %(dt_from)s) AS returns_previous
              FROM stock_picking sp
              JOIN stock_location src ON src.id = sp.location_id
              JOIN stock_location dst ON dst.id = sp.location_dest_id
              JOIN res_partner p ON p.id = sp.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
              LEFT JOIN res_users u ON u.id = cp.user_id
             WHERE sp.state = 'done' AND sp.company_id = %(company_id)s
               AND sp.date_done >= %(dt_prev)s AND sp.date_done < %(dt_to)s
               AND (src.usage = 'customer' OR dst.usage = 'customer')
               AND {self.STAFF_SCOPE}
             GROUP BY cp.user_id
        """  # noqa: S608 - constant SQL fragments

    def _staff_complaints_sql(self):
        """Complaints of the portfolio (their cost to serve) by the customer's salesperson,
        complaints resolved by the agent who handled them."""
        return f"""
            SELECT user_id, SUM(complaints) AS complaints,
                   SUM(complaints_previous) AS complaints_previous,
                   SUM(handled) AS complaints_handled, SUM(in_sla) AS handled_in_sla,
                   SUM(with_deadline) AS handled_with_deadline,
                   SUM(csat_satisfied) AS complaint_csat_satisfied,
                   SUM(csat_answers) AS complaint_csat_answers
              FROM (SELECT cp.user_id,
                           COUNT(*) FILTER (WHERE c.date_open >= %(dt_from)s) AS complaints,
                           COUNT(*) FILTER (WHERE c.date_open < %(dt_from)s)
                               AS complaints_previous,
                           0 AS handled, 0 AS in_sla, 0 AS with_deadline,
                           0 AS csat_satisfied, 0 AS csat_answers
                      FROM crm_complaint c
                      JOIN res_partner cp ON cp.id = c.commercial_partner_id
                      LEFT JOIN res_users u ON u.id = cp.user_id
                     WHERE c.company_id = %(company_id)s AND c.intake_state = 'qualified'
                       AND c.date_open >= %(dt_prev)s AND c.date_open < %(dt_to)s
                       AND {self.STAFF_SCOPE}
                     GROUP BY cp.user_id
                    UNION ALL
                    SELECT c.user_id, 0, 0, COUNT(*),
                           COUNT(*) FILTER (WHERE c.date_resolved <= c.resolution_deadline),
                           COUNT(c.resolution_deadline),
                           COUNT(*) FILTER (WHERE c.csat_score >= 4), COUNT(c.csat_score)
                      FROM crm_complaint c
                      LEFT JOIN res_users u ON u.id = c.user_id
                     WHERE c.company_id = %(company_id)s AND c.intake_state = 'qualified'
                       AND c.date_resolved >= %(dt_from)s AND c.date_resolved < %(dt_to)s
                       AND (%(user_id)s IS NULL OR c.user_id = %(user_id)s)
                       AND (%(team_id)s IS NULL OR u.sale_team_id = %(team_id)s)
                       AND (%(segment_id)s IS NULL OR c.commercial_partner_id IN (
                            SELECT r.partner_id FROM crm_customer_segment_member_rel r
                             WHERE r.segment_id = %(segment_id)s))
                     GROUP BY c.user_id) t
             GROUP BY user_id
        """  # noqa: S608 - constant SQL fragments
