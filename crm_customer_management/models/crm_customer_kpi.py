from datetime import datetime, time, timedelta

import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import LazyTranslate

from ..analytics import kpi, lifecycle

_lt = LazyTranslate(__name__)

# who reads the figures of every customer (sale.order's "All Documents" level and up)
ALL_CUSTOMERS_GROUPS = (
    "sales_team.group_sale_salesman_all_leads",
    "crm_customer_management.group_manager",
)
# customer-side KPIs are scoped by the customer's salesperson and that salesperson's team
SCOPE_JOIN = "LEFT JOIN res_users u ON u.id = p.user_id"
SCOPE_WHERE = """(%(user_id)s IS NULL OR p.user_id = %(user_id)s)
               AND (%(team_id)s IS NULL OR u.sale_team_id = %(team_id)s)
               AND (%(partner_ids)s IS NULL OR p.commercial_partner_id = ANY(%(partner_ids)s))"""


class CrmCustomerKpi(models.AbstractModel):
    """The customer KPIs of a period for a company, optionally one sales team or one
    salesperson: a few set-based queries over sales, accounting, inventory, leads, surveys,
    ratings and the lifecycle history; the formulas live in ``analytics.kpi``. Every KPI
    comes with the domain of the documents it counts, so the dashboard can open them."""

    _name = "crm.customer.kpi"
    _description = "Customer KPIs"

    # Definitions: key -> (label, unit); units: money, percent, number, days, hours, ratio
    KPIS = {
        "customers_acquired": (_lt("Customers acquired"), "number"),
        "acquisition_cost": (_lt("Acquisition cost"), "money"),
        "cac": (_lt("Customer acquisition cost (CAC)"), "money"),
        "clv_historical": (_lt("Historical CLV (lifetime margin per customer)"), "money"),
        "clv_predicted": (_lt("Predicted CLV"), "money"),
        "clv_cac_ratio": (_lt("CLV / CAC"), "ratio"),
        "active_at_start": (_lt("Active customers at the start"), "number"),
        "customers_lost": (_lt("Customers lost"), "number"),
        "churn_rate": (_lt("Churn rate"), "percent"),
        "retention_rate": (_lt("Retention rate"), "percent"),
        "nps": (_lt("Net Promoter Score"), "number"),
        "nps_answers": (_lt("NPS answers"), "number"),
        "csat": (_lt("Customer satisfaction (CSAT)"), "percent"),
        "csat_answers": (_lt("CSAT answers and ratings"), "number"),
        "leads_won": (_lt("Leads won"), "number"),
        "leads_lost": (_lt("Leads lost"), "number"),
        "conversion_rate": (_lt("Lead conversion"), "percent"),
        "lead_to_order_days": (_lt("Days from lead to first order"), "days"),
        "campaign_margin": (_lt("Margin of campaign orders"), "money"),
        "campaign_cost": (_lt("Campaign costs"), "money"),
        "campaign_roi": (_lt("ROI of campaigns"), "percent"),
        "complaints": (_lt("Complaints opened"), "number"),
        "complaint_first_response_hours": (_lt("Hours to first response"), "hours"),
        "complaint_resolution_hours": (_lt("Hours to resolution"), "hours"),
        "complaint_sla_compliance": (_lt("Complaint SLA compliance"), "percent"),
        "complaint_recovery_rate": (_lt("Complaint recovery rate"), "percent"),
        "complaint_compensation": (_lt("Compensation granted"), "money"),
        "deliveries": (_lt("Deliveries"), "number"),
        "late_delivery_rate": (_lt("Late deliveries"), "percent"),
        "returns": (_lt("Customer returns"), "number"),
        "overdue_amount": (_lt("Overdue receivables (today)"), "money"),
        "overdue_mvc": (_lt("Overdue receivables of most valuable customers"), "money"),
    }

    # ------------------------------------------------------------------
    # Who may see which figures
    # ------------------------------------------------------------------

    @api.model
    def _reads_all_customers(self):
        """Whether the current user reads the figures of every customer of his companies
        (sales "All Documents", Customer Management managers), as the record rules do;
        the others read their own customers only (own documents)."""
        return any(self.env.user.has_group(group) for group in ALL_CUSTOMERS_GROUPS)

    @api.model
    def _check_scope(self, company, team=None, user=None):
        """The (team, user) scope the current user may read in ``company``: anything for
        "All Documents" users and managers, their own customers for the others (the
        salesperson scope forced to themselves). The service runs SQL past the record rules,
        so every entry point checks the scope here.

        :raises AccessError: a company the user is not working in
        :raises UserError: another salesperson or team for an own-documents user
        """
        if company not in self.env.companies:
            raise AccessError(
                self.env._(
                    "You cannot read the customer figures of %(company)s: it is not one of "
                    "the companies you are working in.",
                    company=company.display_name,
                )
            )
        if self._reads_all_customers():
            return team, user
        me = self.env.user
        if user and user != me:
            raise UserError(
                self.env._(
                    "You can only see the figures of your own customers, not those of "
                    "%(salesperson)s.",
                    salesperson=user.name,
                )
            )
        if team and team not in (me.sale_team_id | me.crm_team_ids):
            raise UserError(
                self.env._(
                    "You can only see the figures of your own customers, not those of the "
                    "sales team %(team)s.",
                    team=team.name,
                )
            )
        return team, me

    # ------------------------------------------------------------------
    # Satisfaction: the addon's surveys and the complaints' ratings
    # ------------------------------------------------------------------

    @api.model
    def _satisfaction_answers_sql(self):
        """SQL of the satisfaction answers, one row per answer and company: ``answer_id``
        (survey.user_input, NULL for a rating), ``partner_id`` (the commercial partner),
        ``company_id``, ``kind`` (nps, csat), ``score``, ``date``.

        Only the answers to the addon's surveys (``ccm_satisfaction_kind`` set) and the
        ratings of complaints; other surveys and ratings (helpdesk, live chat...) are not
        customer satisfaction figures of ours. A survey answer belongs to the company of
        the complaint it answers, otherwise to each company the customer has a value
        profile in (surveys have no company); a rating to its complaint's company. An
        answer of a person who is no company's customer belongs to none."""
        return """
            SELECT ui.id AS answer_id, cp.id AS partner_id, co.company_id,
                   s.ccm_satisfaction_kind AS kind, l.value_scale AS score,
                   COALESCE(ui.end_datetime, ui.write_date) AS date
              FROM survey_user_input ui
              JOIN survey_survey s ON s.id = ui.survey_id AND s.ccm_satisfaction_kind IS NOT NULL
              JOIN survey_user_input_line l ON l.user_input_id = ui.id
                   AND l.answer_type = 'scale' AND NOT COALESCE(l.skipped, FALSE)
              JOIN res_partner p ON p.id = ui.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
              JOIN LATERAL (
                   SELECT c.company_id FROM crm_complaint c WHERE c.survey_answer_id = ui.id
                   UNION
                   SELECT v.company_id FROM crm_customer_value v
                    WHERE v.partner_id = cp.id
                      AND NOT EXISTS (SELECT 1 FROM crm_complaint c
                                       WHERE c.survey_answer_id = ui.id)
              ) co ON TRUE
             WHERE ui.state = 'done'
            UNION ALL
            SELECT NULL, c.commercial_partner_id, c.company_id, 'csat', r.rating, r.write_date
              FROM rating_rating r
              JOIN crm_complaint c ON c.id = r.res_id
             WHERE r.res_model = 'crm.complaint' AND r.consumed AND r.rating > 0
        """

    @api.model
    def _params(self, company, date_from, date_to, team=None, user=None):
        return {
            "company_id": company.id,
            "date_from": date_from,
            "date_to": date_to,
            "dt_from": datetime.combine(date_from, time.min),
            "dt_to": datetime.combine(date_to + timedelta(days=1), time.min),
            "team_id": team.id if team else None,
            "user_id": user.id if user else None,
            "today": fields.Date.context_today(self),
            # a set of customers (commercial partners) to measure, e.g. a decision's scope
            "partner_ids": self._partner_scope(),
        }

    @api.model
    def _partner_scope(self):
        """The customers of ``ccm_partner_ids`` in the context (a list of commercial partner
        ids) the customer-side KPIs are limited to, None for every customer."""
        ids = self.env.context.get("ccm_partner_ids")
        return None if ids is None else [int(pid) for pid in ids]

    @api.model
    def _compute(self, company, date_from, date_to, team=None, user=None):
        """KPI values of the period: {key: float or None (not defined)}."""
        team, user = self._check_scope(company, team, user)
        self.env.flush_all()
        p = self._params(company, date_from, date_to, team, user)
        values = {}
        for method in (
            self._kpi_acquisition,
            self._kpi_clv,
            self._kpi_churn,
            self._kpi_satisfaction,
            self._kpi_conversion,
            self._kpi_campaigns,
            self._kpi_complaints,
            self._kpi_operations,
        ):
            values.update(method(p))
        values["cac"] = kpi.cac(values["acquisition_cost"], values["customers_acquired"])
        values["clv_cac_ratio"] = kpi.ratio(values["clv_historical"], values["cac"])
        return values

    @api.model
    def _compare(self, company, date_from, date_to, team=None, user=None):
        """[{key, label, unit, value, previous, trend}] for the period and the one before."""
        team, user = self._check_scope(company, team, user)
        current = self._compute(company, date_from, date_to, team, user)
        prev_from, prev_to = kpi.previous_period(date_from, date_to)
        previous = self._compute(company, prev_from, prev_to, team, user)
        return [
            {
                "key": key,
                "label": label._translate(self.env.lang or "en_US"),  # noqa: SLF001 - LazyGettext
                "unit": unit,
                "value": current.get(key),
                "previous": previous.get(key),
                "trend": kpi.trend(current.get(key), previous.get(key)),
            }
            for key, (label, unit) in self.KPIS.items()
        ]

    def _one(self, query, p):
        self.env.cr.execute(query, p)
        return self.env.cr.fetchone()

    # ------------------------------------------------------------------
    # KPI queries (filters: %(team_id)s / %(user_id)s may be NULL = all)
    # ------------------------------------------------------------------

    def _kpi_acquisition(self, p):
        # Customers acquired in the period: their first order of the period, when they have
        # no earlier one (the first order of all, without sorting every order ever made).
        acquired = self._one(
            """
            SELECT COUNT(*)
              FROM (SELECT DISTINCT ON (p.commercial_partner_id)
                           p.commercial_partner_id AS partner_id, so.team_id, so.user_id
                      FROM sale_order so
                      JOIN res_partner p ON p.id = so.partner_id
                     WHERE so.state = 'sale' AND so.company_id = %(company_id)s
                       AND so.date_order >= %(dt_from)s AND so.date_order < %(dt_to)s
                     ORDER BY p.commercial_partner_id, so.date_order, so.id) f
             WHERE (%(team_id)s IS NULL OR f.team_id = %(team_id)s)
               AND (%(user_id)s IS NULL OR f.user_id = %(user_id)s)
               AND NOT EXISTS (
                   SELECT 1 FROM sale_order o
                     JOIN res_partner op ON op.id = o.partner_id
                    WHERE op.commercial_partner_id = f.partner_id AND o.state = 'sale'
                      AND o.company_id = %(company_id)s AND o.date_order < %(dt_from)s)
            """,
            p,
        )[0]
        cost = self._one(
            """
            SELECT COALESCE((SELECT SUM(l.balance) FROM account_move_line l
                              WHERE l.parent_state = 'posted' AND l.company_id = %(company_id)s
                                AND l.date BETWEEN %(date_from)s AND %(date_to)s
                                AND l.account_id IN (
                                    SELECT account_id FROM ccm_company_acquisition_account_rel
                                     WHERE company_id = %(company_id)s)), 0)
                 + COALESCE((SELECT -SUM(a.amount) FROM account_analytic_line a
                              WHERE a.company_id = %(company_id)s
                                AND a.date BETWEEN %(date_from)s AND %(date_to)s
                                AND a.account_id IN (
                                    SELECT analytic_account_id
                                      FROM ccm_company_acquisition_analytic_rel
                                     WHERE company_id = %(company_id)s)), 0)
                 + COALESCE((SELECT SUM(c.amount) FROM crm_customer_campaign_cost c
                              WHERE c.company_id = %(company_id)s
                                AND c.date BETWEEN %(date_from)s AND %(date_to)s), 0)
            """,
            p,
        )[0]
        return {"customers_acquired": acquired, "acquisition_cost": float(cost)}

    def _kpi_clv(self, p):
        """Snapshot of the last value refresh (not period-bound)."""
        hist, pred = self._one(
            f"""
            SELECT AVG(v.margin) FILTER (WHERE v.order_count > 0), AVG(v.clv_predicted)
              FROM crm_customer_value v
              JOIN res_partner p ON p.id = v.partner_id
              {SCOPE_JOIN}
             WHERE v.company_id = %(company_id)s
               AND {SCOPE_WHERE}
            """,
            p,
        )
        return {
            "clv_historical": None if hist is None else float(hist),
            "clv_predicted": None if pred is None else float(pred),
        }

    def _kpi_churn(self, p):
        """Lost in the period / customers in a customer stage when it started (history)."""
        lost, active = self._one(
            f"""
            WITH h AS (
                SELECT h.partner_id, h.stage_to, h.date
                  FROM crm_customer_lifecycle_history h
                  JOIN res_partner p ON p.id = h.partner_id
                  {SCOPE_JOIN}
                 WHERE h.company_id = %(company_id)s
                   AND {SCOPE_WHERE}
            ), at_start AS (
                SELECT DISTINCT ON (partner_id) partner_id, stage_to
                  FROM h WHERE date < %(dt_from)s
                 ORDER BY partner_id, date DESC
            )
            SELECT (SELECT COUNT(DISTINCT partner_id) FROM h
                     WHERE stage_to = 'lost' AND date >= %(dt_from)s AND date < %(dt_to)s),
                   (SELECT COUNT(*) FROM at_start WHERE stage_to IN %(customer_stages)s)
            """,
            dict(p, customer_stages=lifecycle.HELD_CUSTOMER_STAGES),
        )
        churn = kpi.churn_rate(lost, active)
        return {
            "customers_lost": lost,
            "active_at_start": active,
            "churn_rate": churn,
            "retention_rate": kpi.retention_rate(churn),
        }

    def _answers_frame(self, p):
        """Satisfaction answers of the period in the company (see
        ``_satisfaction_answers_sql``), of the scope's customers."""
        self.env.cr.execute(
            f"""
            SELECT a.kind, a.score
              FROM ({self._satisfaction_answers_sql()}) a
              JOIN res_partner p ON p.id = a.partner_id
              {SCOPE_JOIN}
             WHERE a.company_id = %(company_id)s
               AND a.date >= %(dt_from)s AND a.date < %(dt_to)s
               AND {SCOPE_WHERE}
            """,  # noqa: S608 - constant SQL fragments
            p,
        )
        return pd.DataFrame(self.env.cr.fetchall(), columns=["kind", "score"])

    def _kpi_satisfaction(self, p):
        answers = self._answers_frame(p)
        nps_scores = answers.loc[answers["kind"] == "nps", "score"].tolist()
        csat_scores = answers.loc[answers["kind"] == "csat", "score"].tolist()
        return {
            "nps": kpi.nps(nps_scores),
            "nps_answers": len(nps_scores),
            "csat": kpi.csat(csat_scores),
            "csat_answers": len(csat_scores),
        }

    def _kpi_conversion(self, p):
        won, lost, days = self._one(
            """
            WITH closed AS (
                SELECT l.id, l.create_date, l.active, l.probability
                  FROM crm_lead l
                 WHERE l.date_closed >= %(dt_from)s AND l.date_closed < %(dt_to)s
                   AND (l.company_id = %(company_id)s OR l.company_id IS NULL)
                   AND (%(user_id)s IS NULL OR l.user_id = %(user_id)s)
                   AND (%(team_id)s IS NULL OR l.team_id = %(team_id)s)
            ), first_orders AS (
                SELECT so.opportunity_id, MIN(so.date_order) AS date_order
                  FROM sale_order so
                 WHERE so.state = 'sale' AND so.opportunity_id IN (SELECT id FROM closed)
                 GROUP BY so.opportunity_id
            )
            SELECT COUNT(*) FILTER (WHERE c.active AND c.probability >= 100),
                   COUNT(*) FILTER (WHERE NOT c.active AND COALESCE(c.probability, 0) = 0),
                   AVG(EXTRACT(EPOCH FROM f.date_order - c.create_date) / 86400.0)
                       FILTER (WHERE c.active AND c.probability >= 100)
              FROM closed c
              LEFT JOIN first_orders f ON f.opportunity_id = c.id
            """,
            p,
        )
        return {
            "leads_won": won,
            "leads_lost": lost,
            "conversion_rate": kpi.conversion_rate(won, lost),
            "lead_to_order_days": None if days is None else float(days),
        }

    def _kpi_campaigns(self, p):
        margin, cost = self._one(
            """
            SELECT (SELECT COALESCE(SUM(so.margin / COALESCE(NULLIF(so.currency_rate, 0), 1)), 0)
                      FROM sale_order so
                     WHERE so.state = 'sale' AND so.campaign_id IS NOT NULL
                       AND so.company_id = %(company_id)s
                       AND so.date_order >= %(dt_from)s AND so.date_order < %(dt_to)s
                       AND (%(user_id)s IS NULL OR so.user_id = %(user_id)s)
                       AND (%(team_id)s IS NULL OR so.team_id = %(team_id)s)),
                   (SELECT COALESCE(SUM(c.amount), 0) FROM crm_customer_campaign_cost c
                     WHERE c.company_id = %(company_id)s
                       AND c.date BETWEEN %(date_from)s AND %(date_to)s)
            """,
            p,
        )
        margin, cost = float(margin), float(cost)
        return {
            "campaign_margin": margin,
            "campaign_cost": cost,
            "campaign_roi": kpi.roi(margin, cost),
        }

    def _kpi_complaints(self, p):
        """Complaints opened in the period; response and resolution times, SLA compliance,
        recovery and compensation of those resolved or closed in it."""
        # one indexed range per figure (no CTE: it would be materialised over all complaints)
        # complaints waiting to be qualified (e-mailed by anyone) count nowhere yet
        scope = """company_id = %(company_id)s AND intake_state = 'qualified'
                   AND (%(user_id)s IS NULL OR user_id = %(user_id)s)
                   AND (%(team_id)s IS NULL OR team_id = %(team_id)s)
                   AND (%(partner_ids)s IS NULL
                        OR commercial_partner_id = ANY(%(partner_ids)s))"""
        row = self._one(
            f"""
            SELECT (SELECT COUNT(*) FROM crm_complaint
                     WHERE {scope} AND date_open >= %(dt_from)s AND date_open < %(dt_to)s),
                   (SELECT AVG(EXTRACT(EPOCH FROM date_first_response - date_open)) / 3600.0
                      FROM crm_complaint
                     WHERE {scope} AND date_first_response >= %(dt_from)s
                       AND date_first_response < %(dt_to)s),
                   r.hours, r.met, r.resolved, o.recovered, o.with_outcome, o.compensation
              FROM (SELECT AVG(EXTRACT(EPOCH FROM date_resolved - date_open)) / 3600.0 AS hours,
                           COUNT(*) FILTER (WHERE date_resolved <= resolution_deadline) AS met,
                           COUNT(*) FILTER (WHERE resolution_deadline IS NOT NULL) AS resolved
                      FROM crm_complaint
                     WHERE {scope} AND date_resolved >= %(dt_from)s
                       AND date_resolved < %(dt_to)s) r,
                   (SELECT COUNT(*) FILTER (WHERE outcome IN ('retained', 'won_back'))
                               AS recovered,
                           COUNT(outcome) AS with_outcome,
                           COALESCE(SUM(compensation_amount), 0) AS compensation
                      FROM crm_complaint
                     WHERE {scope} AND date_closed >= %(dt_from)s
                       AND date_closed < %(dt_to)s) o
            """,  # noqa: S608 - constant SQL fragments
            p,
        )
        opened, first, resolution, met, resolved, recovered, with_outcome, compensation = row
        return {
            "complaints": opened,
            "complaint_first_response_hours": None if first is None else float(first),
            "complaint_resolution_hours": None if resolution is None else float(resolution),
            "complaint_sla_compliance": kpi.percent(met, resolved),
            "complaint_recovery_rate": kpi.percent(recovered, with_outcome),
            "complaint_compensation": float(compensation),
        }

    def _kpi_operations(self, p):
        deliveries, late, returns = self._one(
            f"""
            SELECT COUNT(*) FILTER (WHERE dst.usage = 'customer'),
                   COUNT(*) FILTER (WHERE dst.usage = 'customer'
                                      AND sp.date_done > COALESCE(sp.date_deadline,
                                                                  sp.scheduled_date)),
                   COUNT(*) FILTER (WHERE src.usage = 'customer')
              FROM stock_picking sp
              JOIN stock_location src ON src.id = sp.location_id
              JOIN stock_location dst ON dst.id = sp.location_dest_id
              LEFT JOIN res_partner p ON p.id = sp.partner_id
              {SCOPE_JOIN}
             WHERE sp.state = 'done' AND sp.company_id = %(company_id)s
               AND sp.date_done >= %(dt_from)s AND sp.date_done < %(dt_to)s
               AND (src.usage = 'customer' OR dst.usage = 'customer')
               AND {SCOPE_WHERE}
            """,
            p,
        )
        overdue, overdue_mvc = self._one(
            f"""
            SELECT COALESCE(SUM(v.overdue_amount), 0),
                   COALESCE(SUM(v.overdue_amount) FILTER (WHERE v.value_tier = 'mvc'), 0)
              FROM crm_customer_value v
              JOIN res_partner p ON p.id = v.partner_id
              {SCOPE_JOIN}
             WHERE v.company_id = %(company_id)s
               AND {SCOPE_WHERE}
            """,
            p,
        )
        return {
            "deliveries": deliveries,
            "late_delivery_rate": kpi.percent(late, deliveries),
            "returns": returns,
            "overdue_amount": float(overdue),
            "overdue_mvc": float(overdue_mvc),
        }
