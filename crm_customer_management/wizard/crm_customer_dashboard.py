from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..analytics import kpi, periods

CCM_MANAGER = "crm_customer_management.group_manager"


def _value(value):
    """A scorecard cell as a float, None when not defined."""
    return None if value is None or value != value else float(value)  # NaN != NaN


def _last_month(today, company):
    """The month before ``today``'s in the company's calendar for periods."""
    return periods.preset("last_month", today, company.sudo().ccm_period_calendar)


class CrmCustomerDashboard(models.TransientModel):
    """The management dashboard: KPI cards of a period against the previous one, for a
    company, a sales team or a salesperson, with buttons that open the documents behind
    the figures. "All Documents" salesmen and managers see any team or salesperson of their
    companies, the other users their own customers only (as the record rules)."""

    _name = "crm.customer.dashboard"
    _inherit = ["crm.customer.date.mixin"]
    _description = "Customer Management Dashboard"

    date_from = fields.Date(required=True, default=lambda self: self._default_dates()[0])
    date_to = fields.Date(required=True, default=lambda self: self._default_dates()[1])
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    team_id = fields.Many2one("crm.team", string="Sales Team")
    user_id = fields.Many2one("res.users", string="Salesperson")
    is_manager = fields.Boolean(
        compute="_compute_is_manager", help="Reads the figures of every customer."
    )
    kpi_html = fields.Html("KPIs", compute="_compute_kpi_html", sanitize=False)
    staff_html = fields.Html("Staff Scorecard", compute="_compute_staff_html", sanitize=False)

    def _default_dates(self):
        return _last_month(fields.Date.context_today(self), self.env.company)

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if not self.env["crm.customer.kpi"]._reads_all_customers():
            res["user_id"] = self.env.uid
        return res

    def _compute_is_manager(self):
        self.is_manager = self.env["crm.customer.kpi"]._reads_all_customers()

    @api.constrains("date_from", "date_to", "company_id", "team_id", "user_id")
    def _check_scope(self):
        for dashboard in self:
            if dashboard.date_from > dashboard.date_to:
                raise UserError(self.env._("The period ends before it starts."))
            dashboard._scope()

    def _scope(self):
        """(team, user) the current user may see in the dashboard's company: "All
        Documents" salesmen and managers anything, the others their own customers."""
        self.ensure_one()
        return self.env["crm.customer.kpi"]._check_scope(
            self.company_id, self.team_id, self.user_id
        )

    def kpis(self):
        """[{key, label, unit, value, previous, trend}] for this dashboard's scope."""
        self.ensure_one()
        team, user = self._scope()
        service = self.env["crm.customer.kpi"].sudo()
        kpis = service._compare(self.company_id, self.date_from, self.date_to, team, user)
        for k in kpis:
            if k["key"] in service.SNAPSHOT_KPIS:  # of the last refresh: no previous period
                k.update(previous=None, trend=None, snapshot=True)
            k["judgement"] = kpi.judge(k["trend"], service.KPI_DIRECTION.get(k["key"], 0))
        return kpis

    @api.depends("date_from", "date_to", "company_id", "team_id", "user_id")
    def _compute_kpi_html(self):
        for dashboard in self:
            if not (dashboard.date_from and dashboard.date_to) or (
                dashboard.date_from > dashboard.date_to
            ):
                dashboard.kpi_html = False
                continue
            dashboard.kpi_html = self.env["ir.qweb"]._render(
                "crm_customer_management.dashboard_kpi_cards",
                {"dashboard": dashboard, "kpis": dashboard.kpis(), "fmt": dashboard._fmt},
            )

    def staff(self):
        """The staff scorecard of this dashboard's scope: (columns, rows), columns as
        [{key, label, unit}], rows as [{name, user_id, values: {key: value}}]."""
        self.ensure_one()
        team, user = self._scope()
        service = self.env["crm.customer.kpi"].sudo()
        card = service._staff(self.company_id, self.date_from, self.date_to, team, user)
        lang = self.env.lang or "en_US"
        columns = [
            {"key": key, "label": label._translate(lang), "unit": unit}  # noqa: SLF001
            for key, (label, unit) in service.STAFF_KPIS.items()
        ]
        users = self.env["res.users"].sudo().browse([uid for uid in card.index if uid])
        names = {u.id: u.name for u in users}
        rows = [
            {
                "user_id": uid,
                "name": names.get(uid) or self.env._("No salesperson"),
                "values": {c["key"]: _value(card.at[uid, c["key"]]) for c in columns},
            }
            for uid in card.index
        ]
        return columns, rows

    @api.depends("date_from", "date_to", "company_id", "team_id", "user_id")
    def _compute_staff_html(self):
        for dashboard in self:
            if not (dashboard.date_from and dashboard.date_to) or (
                dashboard.date_from > dashboard.date_to
            ):
                dashboard.staff_html = False
                continue
            columns, rows = dashboard.staff()
            dashboard.staff_html = self.env["ir.qweb"]._render(
                "crm_customer_management.dashboard_staff_table",
                {"columns": columns, "rows": rows, "fmt": dashboard._fmt},
            )

    def _fmt(self, value, unit):
        if value is None:
            return self.env._("not defined")
        if unit == "money":
            return self.company_id.currency_id.format(value)
        if unit == "percent":
            return f"{value:.1f} %"
        if unit == "days":
            return self.env._("%(days).1f days", days=value)
        if unit == "hours":
            return self.env._("%(hours).1f h", hours=value)
        if unit == "ratio":
            return f"{value:.2f}"
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"

    # ------------------------------------------------------------------
    # Click-through to the documents behind the figures
    # ------------------------------------------------------------------

    def _period_domain(self, field):
        return [
            (field, ">=", fields.Datetime.to_string(self.date_from)),
            (field, "<", fields.Datetime.to_string(self.date_to + timedelta(days=1))),
        ]

    def _action(self, model, name, domain, views="list,form"):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": views,
            "domain": domain,
            "context": {"create": False},
        }

    def action_open_orders(self):
        self.ensure_one()
        team, user = self._scope()
        domain = [("state", "=", "sale"), ("company_id", "=", self.company_id.id)]
        domain += self._period_domain("date_order")
        domain += [("team_id", "=", team.id)] if team else []
        domain += [("user_id", "=", user.id)] if user else []
        return self._action("sale.order", self.env._("Orders of the period"), domain)

    def _kpi_action(self, key, name, model=None):
        """The records the KPI ``key`` counts in this dashboard's scope (see
        ``crm.customer.kpi._kpi_domains``)."""
        self.ensure_one()
        team, user = self._scope()
        target, domain = self.env["crm.customer.kpi"]._kpi_domains(
            self.company_id, self.date_from, self.date_to, team, user
        )[key]
        action = self._action(model or target, name, domain)
        action["context"] = {"create": False, "active_test": False}
        return action

    def action_open_lost(self):
        return self._kpi_action("customers_lost", self.env._("Customers lost"))

    def action_open_answers(self):
        action = self._kpi_action("nps_answers", self.env._("Satisfaction answers"))
        action["domain"] = [d for d in action["domain"] if d != ("kind", "=", "nps")]
        return action

    def action_open_leads(self):
        return self._kpi_action("leads_closed", self.env._("Leads closed"))

    def action_open_complaints(self):
        return self._kpi_action("complaints", self.env._("Complaints of the period"))

    def action_open_cohorts(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_cohort_report_action"
        )

    def action_open_nps(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_nps_report_action"
        )

    def action_open_staff(self):
        """The staff scorecard of the same period and scope."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_staff_action"
        )
        action["res_id"] = self.id
        return action

    def action_print(self):
        self.ensure_one()
        return self.env.ref(
            "crm_customer_management.action_report_customer_dashboard"
        ).report_action(self)

    # ------------------------------------------------------------------
    # Monthly management report
    # ------------------------------------------------------------------

    @api.model
    def _cron_send_monthly_report(self):
        """E-mail last month's report of each company to its Customer Management managers."""
        managers = self.env.ref(CCM_MANAGER).users
        today = fields.Date.context_today(self)
        report = self.env.ref("crm_customer_management.action_report_customer_dashboard")
        sent = self.env["mail.mail"]
        for company in self.env["res.company"].search([("active", "=", True)]):
            recipients = managers.filtered(
                lambda u, c=company: c in u.company_ids and u.email and not u.share
            )
            if not recipients:
                continue
            date_from, date_to = _last_month(today, company)
            dashboard = self.with_company(company).create(
                {"company_id": company.id, "date_from": date_from, "date_to": date_to}
            )
            content, kind = self._render_report(report, dashboard)
            mail = self.env["mail.mail"].create(
                {
                    "subject": self.env._(
                        "%(company)s: customer management report %(month)s",
                        company=company.name,
                        month=periods.period_label(
                            (date_from, date_to), "month", company.ccm_period_calendar
                        ),
                    ),
                    "body_html": dashboard.kpi_html + dashboard.staff_html,
                    "email_to": ",".join(recipients.mapped("email_formatted")),
                    "auto_delete": True,
                }
            )
            # the report belongs to the mail's message, as mail.template attaches its
            # reports: not to the transient dashboard that any user of the company may read
            attachment = self.env["ir.attachment"].create(
                {
                    "name": f"customer-report-{company.id}-{date_from:%Y-%m}.{kind}",
                    "raw": content,
                    "res_model": "mail.message",
                    "res_id": mail.mail_message_id.id,
                }
            )
            mail.attachment_ids = [Command.link(attachment.id)]
            sent |= mail
        return sent

    def _render_report(self, report, dashboard):
        """The PDF; the HTML version where no PDF renderer (wkhtmltopdf) is installed."""
        try:
            content, kind = report._render_qweb_pdf(report.report_name, dashboard.ids)
        except UserError:
            content, kind = report._render_qweb_html(report.report_name, dashboard.ids)
        return content, kind
