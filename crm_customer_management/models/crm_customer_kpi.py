from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import LazyTranslate

from ..analytics import kpi, lifecycle
from ..const import CCM_USER
from ..tools.sql import without_jit

_lt = LazyTranslate(__name__)

# who reads the figures of every customer (sale.order's "All Documents" level and up)
ALL_CUSTOMERS_GROUPS = (
    "sales_team.group_sale_salesman_all_leads",
    "crm_customer_management.group_manager",
)
# Two scopes, each the one the opened documents' own record rules use:
# - customer-side facts (stage history, satisfaction answers, transfers, value profiles) are
#   scoped by the customer's (commercial entity ``cp``) salesperson and that person's team;
# - documents with a salesperson of their own (orders, leads, complaints) by it and their team.
# Both by the segment of the context (``%(segment_id)s``, see crm_customer_kpi_segment.py).
# The KPI queries LEFT JOIN the customer ``cp`` (on a required column) and its salesperson
# ``u``: joins on unique keys that PostgreSQL drops when no scope is given (every customer).
CUSTOMER_JOIN = "LEFT JOIN res_users u ON u.id = cp.user_id"
CUSTOMER_SCOPE = """(%(user_id)s IS NULL OR cp.user_id = %(user_id)s)
               AND (%(team_id)s IS NULL OR u.sale_team_id = %(team_id)s)
               AND (%(segment_id)s IS NULL OR cp.id IN (
                    SELECT r.partner_id FROM crm_customer_segment_member_rel r
                     WHERE r.segment_id = %(segment_id)s))
               AND (%(partner_ids)s IS NULL OR cp.id = ANY(%(partner_ids)s))"""


def document_scope(alias, partner_column):
    """The scope of documents with their own salesperson and team (``alias.user_id``,
    ``alias.team_id``) and a customer column ``partner_column`` (a commercial partner)."""
    return f"""(%(user_id)s IS NULL OR {alias}.user_id = %(user_id)s)
               AND (%(team_id)s IS NULL OR {alias}.team_id = %(team_id)s)
               AND (%(segment_id)s IS NULL OR {partner_column} IN (
                    SELECT r.partner_id FROM crm_customer_segment_member_rel r
                     WHERE r.segment_id = %(segment_id)s))
               AND (%(partner_ids)s IS NULL OR {partner_column} = ANY(%(partner_ids)s))"""


# The periods of a series (see ``_series_params``). A KPI query reads the span of all the
# periods once (``%(dt_from)s`` .. ``%(dt_to)s``); the sorted bounds of all periods cut that
# span into segments, ``segment_of(column)`` (``width_bucket``) numbers the segment of a
# row's date and ``PERIODS`` lists the segments of each period (``per.segment``, ``per.idx``:
# 1, 2, ... in the order of the periods), so periods may overlap or leave gaps. A query
# either joins its rows to their periods, ``JOIN {PERIODS} ON {in_period("so.date_order")}``
# (one hash lookup per row, however many periods), or, for counts and sums, groups its rows
# by segment and then sums the segments of each period (``JOIN {PERIODS} USING (segment)``).
PERIODS = """unnest(%(period_segments)s::integer[], %(period_indexes)s::integer[])
             AS per(segment, idx)"""
# each period's own bounds ``per.dt_from`` .. ``per.dt_to`` (the end excluded) and ``idx``,
# for a query reading one indexed range per period
PERIOD_BOUNDS = """unnest(%(period_dt_from)s::timestamp[], %(period_dt_to)s::timestamp[])
                   WITH ORDINALITY AS per(dt_from, dt_to, idx)"""


def in_period(column):
    """The join condition of a row whose ``column`` (a date or a datetime) falls in the
    period ``per`` of :data:`PERIODS`."""
    return f"per.segment = {segment_of(column)}"


def segment_of(column):
    """The segment of the periods' span (see :data:`PERIODS`) ``column`` (a date or a
    datetime) falls in."""
    return f"width_bucket({column}::timestamp, %(period_bounds)s::timestamp[])"


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

    @api.model
    def _kpi_definitions(self):
        """{key: (label, unit)} of every KPI of the service: :attr:`KPIS` and what the
        extensions add to it (they override this method and call ``super()``)."""
        return dict(self.KPIS)

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

        :raises AccessError: a user of no Customer Management group, a company the user is
            not working in
        :raises UserError: another salesperson or team for an own-documents user
        """
        if not self.env.su and not self.env.user.has_group(CCM_USER):
            raise AccessError(self.env._("Only Customer Management users read these figures."))
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
            "segment_id": None,
            "customer_stages": lifecycle.HELD_CUSTOMER_STAGES,
            # a set of customers (commercial partners) to measure, e.g. a decision's scope
            "partner_ids": self._partner_scope(),
        }

    @api.model
    def _partner_scope(self):
        """The customers of ``ccm_partner_ids`` in the context (a list of commercial partner
        ids) the KPIs are limited to, None for every customer."""
        ids = self.env.context.get("ccm_partner_ids")
        return None if ids is None else [int(pid) for pid in ids]

    @api.model
    def _series_params(self, company, periods, team=None, user=None):
        """The parameters of the KPI queries over ``periods`` ([(date_from, date_to), ...],
        the days included): ``_params`` of their whole span (``date_from`` .. ``date_to``,
        ``dt_from`` .. ``dt_to``), the segments of each period for :data:`PERIODS` and the
        bounds of each one for :data:`PERIOD_BOUNDS`."""
        p = self._params(
            company, min(f for f, __ in periods), max(t for __, t in periods), team, user
        )
        starts = [datetime.combine(f, time.min) for f, __ in periods]
        ends = [datetime.combine(t + timedelta(days=1), time.min) for __, t in periods]
        bounds = sorted({*starts, *ends})
        # segment n: from bounds[n - 1] (included) to bounds[n] (excluded)
        position = {bound: n for n, bound in enumerate(bounds, start=1)}
        segments, indexes = [], []
        for idx, (start, end) in enumerate(zip(starts, ends, strict=True), start=1):
            for segment in range(position[start], position[end]):
                segments.append(segment)
                indexes.append(idx)
        p.update(
            period_dt_from=starts,
            period_dt_to=ends,
            period_bounds=bounds,
            period_segments=segments,
            period_indexes=indexes,
        )
        return p

    @api.model
    def _compute(self, company, date_from, date_to, team=None, user=None, snapshots=True):
        """KPI values of the period: {key: float or None (not defined)}; without the
        figures of the last value refresh (CLV, receivables) when not ``snapshots``."""
        return self._compute_series(company, [(date_from, date_to)], team, user, snapshots)[0]

    @api.model
    def _compute_series(self, company, periods, team=None, user=None, snapshots=True):
        """KPI values of each of ``periods`` ([(date_from, date_to), ...]), in their order:
        [{key: float or None (not defined)}, ...], each the values :meth:`_compute` gives
        for that period alone. Each KPI query reads all the periods in one pass (grouped by
        period, see :data:`PERIODS`), so twelve periods cost about one over their span.
        Extensions add their figures through :meth:`_kpi_sources`."""
        team, user = self._check_scope(company, team, user)
        if not periods:
            return []
        self.env.flush_all()
        p = self._series_params(company, periods, team, user)
        series = [{} for __ in periods]
        with without_jit(self.env.cr):
            for source in self._kpi_sources():
                for values, figures in zip(series, source(p), strict=True):
                    values.update(figures)
            # the figures of the last value refresh are of no period: the same in each one
            snapshot = (
                self._compute_snapshots(company, *periods[-1], team, user) if snapshots else {}
            )
        for values in series:
            values.update(snapshot)
            values["cac"] = kpi.cac(values["acquisition_cost"], values["customers_acquired"])
            values["clv_cac_ratio"] = kpi.ratio(values.get("clv_historical"), values["cac"])
        return series

    def _kpi_sources(self):
        """The KPI queries of a series: methods taking the parameters of
        :meth:`_series_params` and returning one {key: value} per period; the extensions
        add theirs (override and call ``super()``)."""
        return [self._kpi_acquisition, self._kpi_churn]

    @api.model
    def _compute_snapshots(self, company, date_from, date_to, team=None, user=None):
        """The figures of the last value refresh (CLV, receivables), of no period."""
        team, user = self._check_scope(company, team, user)
        p = self._params(company, date_from, date_to, team, user)
        return self._kpi_snapshots(p)

    @api.model
    def _compare(self, company, date_from, date_to, team=None, user=None):
        """[{key, label, unit, value, previous, trend}] for the period and the one before."""
        team, user = self._check_scope(company, team, user)
        previous, current = self._compute_series(
            company, [kpi.previous_period(date_from, date_to), (date_from, date_to)], team, user
        )
        return [
            {
                "key": key,
                "label": label._translate(self.env.lang or "en_US"),  # noqa: SLF001 - LazyGettext
                "unit": unit,
                "value": current.get(key),
                "previous": previous.get(key),
                "trend": kpi.trend(current.get(key), previous.get(key)),
            }
            for key, (label, unit) in self._kpi_definitions().items()
        ]

    def _one(self, query, p):
        self.env.cr.execute(query, p)
        return self.env.cr.fetchone()

    def _per_period(self, query, p, default):
        """The rows of ``query`` (its first column the period's ``idx``, one row at most per
        period) for each period of ``p``, in order: the row without its ``idx``, ``default``
        (a tuple) for a period without a row."""
        self.env.cr.execute(query, p)
        rows = {idx: tuple(row) for idx, *row in self.env.cr.fetchall()}
        return [rows.get(idx, default) for idx in range(1, len(p["period_dt_from"]) + 1)]
