from odoo import api, fields, models
from odoo.exceptions import UserError

from ..analytics import kpi, periods
from ..const import CCM_MANAGER
from ..tools.cron import run_per_company
from ..tools.sql import without_jit
from .crm_customer_kpi_chart import SPARK_PERIODS


class CrmCustomerKpi(models.AbstractModel):
    """The dashboard's data: one RPC (:meth:`get_dashboard_data`) gives the filters' options,
    every KPI of the period with its previous period, its direction judged and a sparkline
    of the last twelve periods, and the charts (lifecycle funnel, value by tier, cohort
    retention, complaints by theme and SLA); :meth:`action_open_kpi` opens what a figure
    counts; :meth:`action_refresh_now` refreshes a company in the background."""

    _inherit = "crm.customer.kpi"

    # +1: a rise is good, -1: a rise is bad, 0: neither (volumes, costs of an effort)
    KPI_DIRECTION = {
        "customers_acquired": 1,
        "acquisition_cost": 0,
        "cac": -1,
        "clv_historical": 1,
        "clv_predicted": 1,
        "clv_cac_ratio": 1,
        "active_at_start": 1,
        "customers_lost": -1,
        "churn_rate": -1,
        "retention_rate": 1,
        "nps": 1,
        "nps_answers": 0,
        "csat": 1,
        "csat_answers": 0,
        "leads_won": 1,
        "leads_lost": -1,
        "conversion_rate": 1,
        "lead_to_order_days": -1,
        "campaign_margin": 1,
        "campaign_cost": 0,
        "campaign_roi": 1,
        "complaints": -1,
        "complaint_first_response_hours": -1,
        "complaint_resolution_hours": -1,
        "complaint_sla_compliance": 1,
        "complaint_recovery_rate": 1,
        "complaint_compensation": -1,
        "deliveries": 0,
        "late_delivery_rate": -1,
        "returns": -1,
        "overdue_amount": -1,
        "overdue_mvc": -1,
        "offers_shown": 0,
        "offers_accepted": 1,
        "offer_acceptance_rate": 1,
        "offer_margin_won": 1,
        "survey_invitations": 0,
        "survey_response_rate": 1,
    }
    # figures of the last value refresh, not of a period: no previous period, no sparkline
    SNAPSHOT_KPIS = frozenset({"clv_historical", "clv_predicted", "overdue_amount", "overdue_mvc"})
    PERIOD_PRESETS = (
        "this_month",
        "last_month",
        "this_quarter",
        "last_quarter",
        "this_year",
        "last_year",
    )

    # ------------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------------

    @api.model
    def _dashboard_filters(self, filters):
        """(company, date_from, date_to, team, user, segment, preset) of the dashboard's
        filters, checked against the caller's scope."""
        env = self.env
        company = env["res.company"].browse(filters.get("company_id") or env.company.id)
        calendar = company.sudo().ccm_period_calendar or periods.GREGORIAN
        preset = filters.get("period") or "last_month"
        if preset == "custom":
            date_from = fields.Date.to_date(filters.get("date_from"))
            date_to = fields.Date.to_date(filters.get("date_to"))
            if not (date_from and date_to):
                raise UserError(env._("Give the first and the last day of the period."))
            if date_from > date_to:
                raise UserError(env._("The period ends before it starts."))
        elif preset in self.PERIOD_PRESETS:
            date_from, date_to = periods.preset(preset, fields.Date.context_today(self), calendar)
        else:
            raise UserError(env._("Unknown period: %s", preset))
        team = env["crm.team"].browse(filters.get("team_id") or [])
        user = env["res.users"].browse(filters.get("user_id") or [])
        team, user = self._check_scope(company, team, user)
        segment = self.with_context(ccm_segment_id=filters.get("segment_id"))._segment_scope(
            company
        )
        return company, date_from, date_to, team, user, segment, preset

    @api.model
    def _dashboard_options(self, company):
        """The choices of the filters the caller may use."""
        env = self.env
        reads_all = self._reads_all_customers()
        me = env.user
        if reads_all:
            teams = env["crm.team"].search(
                [("company_id", "in", [company.id, False])], order="name"
            )
            users = env["res.users"].search(
                [("share", "=", False), ("company_ids", "in", company.id)], order="name"
            )
        else:
            teams, users = me.sale_team_id | me.crm_team_ids, me
        segments = env["crm.customer.segment"].search(
            [("company_id", "=", company.id)], order="sequence, name"
        )

        def pairs(records):
            return [{"id": r.id, "name": r.display_name} for r in records]

        return {
            "companies": pairs(env.companies),
            "teams": pairs(teams),
            "users": pairs(users),
            "segments": pairs(segments),
            "reads_all": reads_all,
            "is_manager": env.user.has_group(CCM_MANAGER),
        }

    # ------------------------------------------------------------------
    # The one call of the dashboard
    # ------------------------------------------------------------------

    @api.model
    def get_dashboard_data(self, filters=None):
        """Everything the dashboard shows for ``filters`` ({period: a preset or "custom",
        date_from, date_to, company_id, team_id, user_id, segment_id}), in one round trip.

        :raises AccessError, UserError: a company, team, salesperson or segment outside
            the caller's scope, or a bad period
        """
        company, date_from, date_to, team, user, segment, preset = self._dashboard_filters(
            filters or {}
        )
        with without_jit(self.env.cr):
            return self._dashboard_data(company, date_from, date_to, team, user, segment, preset)

    @api.model
    def _dashboard_data(self, company, date_from, date_to, team, user, segment, preset):
        """:meth:`get_dashboard_data` of the filters checked by ``_dashboard_filters``."""
        calendar = company.sudo().ccm_period_calendar or periods.GREGORIAN
        # the figures are read past the record rules, in the scope checked above
        service = self.sudo().with_context(ccm_segment_id=segment.id)
        series = [(date_from, date_to)]
        while len(series) < SPARK_PERIODS:
            series.insert(0, periods.previous_period(*series[0], calendar))
        values = service._compute_series(company, series, team, user, snapshots=False)
        snapshot = service._compute_snapshots(company, date_from, date_to, team, user)
        current, previous = {**values[-1], **snapshot}, values[-2]
        current["clv_cac_ratio"] = kpi.ratio(current["clv_historical"], current["cac"])
        lang = self.env.lang or "en_US"
        cards = []
        for key, (label, unit) in self._kpi_definitions().items():
            # CLV / CAC divides the last refresh's CLV: shown as of it, like CLV itself
            snap = key in self.SNAPSHOT_KPIS or key == "clv_cac_ratio"
            value = current.get(key)
            prev = None if snap else previous.get(key)
            change = kpi.trend(value, prev)
            cards.append(
                {
                    "key": key,
                    "label": label._translate(lang),  # noqa: SLF001 - LazyGettext
                    "unit": unit,
                    "value": value,
                    "previous": prev,
                    "trend": change,
                    "snapshot": snap,
                    "direction": self.KPI_DIRECTION.get(key, 0),
                    "judgement": kpi.judge(change, self.KPI_DIRECTION.get(key, 0)),
                    "sparkline": [] if snap else [v.get(key) for v in values],
                }
            )
        p = service._params(company, date_from, date_to, team, user)
        return {
            "filters": {
                "period": preset,
                "date_from": fields.Date.to_string(date_from),
                "date_to": fields.Date.to_string(date_to),
                "date_from_label": periods.format_date(date_from, calendar),
                "date_to_label": periods.format_date(date_to, calendar),
                "company_id": company.id,
                "team_id": team.id or False,
                "user_id": user.id or False,
                "segment_id": segment.id or False,
                "calendar": calendar,
            },
            "options": self._dashboard_options(company),
            "currency_id": company.currency_id.id,
            "spark_labels": [periods.format_date(b[0], calendar) for b in series],
            "kpis": cards,
            "charts": {
                "funnel": service._chart_funnel(p),
                "tiers": service._chart_tiers(p),
                "cohorts": service._chart_cohorts(p, date_to, calendar),
                "complaint_themes": service._chart_complaint_themes(p),
                "complaint_sla": service._chart_complaint_sla(p),
            },
            "refresh": self._refresh_status(company),
        }

    @api.model
    def action_open_kpi(self, key, filters=None):
        """The window action on exactly the records ``key`` counts, named after the KPI."""
        company, date_from, date_to, team, user, segment, __ = self._dashboard_filters(
            filters or {}
        )
        domains = self.with_context(ccm_segment_id=segment.id)._kpi_domains(
            company, date_from, date_to, team, user
        )
        if key not in domains:
            raise UserError(self.env._("This figure has no records to open."))
        model, domain = domains[key]
        label = self._kpi_definitions()[key][0]._translate(self.env.lang or "en_US")  # noqa: SLF001
        return {
            "type": "ir.actions.act_window",
            "name": label,
            "res_model": model,
            "views": [[False, "list"], [False, "form"]],
            "domain": domain,
            "context": {"create": False, "active_test": False},
            "target": "current",
        }

    @api.model
    def action_print_dashboard(self, filters=None):
        """The printed report (PDF) of the dashboard's company, period, team and
        salesperson (the report has no segment scope)."""
        company, date_from, date_to, team, user, __, __ = self._dashboard_filters(filters or {})
        report = self.env["crm.customer.dashboard"].create(
            {
                "company_id": company.id,
                "date_from": date_from,
                "date_to": date_to,
                "team_id": team.id,
                "user_id": user.id,
            }
        )
        return report.action_print()

    # ------------------------------------------------------------------
    # Refresh now, in the background
    # ------------------------------------------------------------------

    @api.model
    def _refresh_status(self, company):
        company = company.sudo()
        return {
            "requested": company.ccm_refresh_requested,
            "refreshed_at": fields.Datetime.to_string(company.ccm_value_cron_at)
            if company.ccm_value_cron_at
            else False,
            "error": company.ccm_value_cron_error or False,
        }

    @api.model
    def action_refresh_now(self, company_id):
        """Queue a refresh of the customer figures of a company (value profiles, then
        lifecycle stages) for the background job; returns the refresh status."""
        company = self.env["res.company"].browse(company_id)
        self._check_scope(company)
        if not self.env.user.has_group(CCM_MANAGER):
            raise UserError(
                self.env._("Only Customer Management managers can refresh all customers.")
            )
        company.sudo().ccm_refresh_requested = True
        self.env.ref("crm_customer_management.ir_cron_customer_dashboard_refresh").sudo()._trigger()
        return self._refresh_status(company)

    @api.model
    def _cron_refresh_requested(self):
        """Refresh the companies a manager asked for, one transaction each (see
        ``tools.cron.run_per_company``), reporting the progress to the cron."""
        companies = self.env["res.company"].search([("ccm_refresh_requested", "=", True)])
        done = []

        def refresh_company(company):
            self.env["crm.customer.value"].sudo()._refresh(company)
            self.env["crm.customer.lifecycle"].sudo()._evaluate(company)
            company.ccm_refresh_requested = False
            done.append(company.id)
            self.env["ir.cron"]._notify_progress(
                done=len(done), remaining=len(companies) - len(done)
            )

        failures = run_per_company(
            self.env["crm.customer.value"],
            refresh_company,
            companies,
            ("ccm_value_cron_at", "ccm_value_cron_error"),
        )
        companies.filtered(lambda c: c.id in failures).ccm_refresh_requested = False
        return failures
