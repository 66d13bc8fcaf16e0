from datetime import datetime, time, timedelta

from odoo import api, fields, models

# KPIs that are a ratio of other figures open the records of the figure named here
OPENS_AS = {
    "cac": "customers_acquired",
    "clv_cac_ratio": "clv_historical",
    "churn_rate": "customers_lost",
    "retention_rate": "active_at_start",
    "nps": "nps_answers",
    "csat": "csat_answers",
    "conversion_rate": "leads_closed",
    "lead_to_order_days": "leads_won",
    "campaign_roi": "campaign_margin",
    "late_delivery_rate": "late_deliveries",
}


class CrmCustomerKpi(models.AbstractModel):
    """What each KPI counts, as a domain: the model and domain of the records behind a
    figure, in the same scope as its SQL (a test checks that every count KPI equals the
    ``search_count`` of its domain, as a manager and as an own-documents salesman).

    Customer-side facts are scoped by the customer's salesperson and that person's team,
    documents with a salesperson of their own (orders, leads, complaints) by it and their
    team; both by the segment of the context."""

    _inherit = "crm.customer.kpi"

    @api.model
    def _kpi_domains(self, company, date_from, date_to, team=None, user=None):
        """{key: (model, domain)} of every KPI that has records to open; the KPIs mixing
        several sources (acquisition cost, CAC) have none.

        :raises AccessError, UserError: see :meth:`_check_scope`
        """
        team, user = self._check_scope(company, team, user)
        segment = self._segment_scope(company)
        dt_from = fields.Datetime.to_string(datetime.combine(date_from, time.min))
        dt_to = fields.Datetime.to_string(datetime.combine(date_to + timedelta(days=1), time.min))

        def period(field):
            return [(field, ">=", dt_from), (field, "<", dt_to)]

        def customers(path=""):
            """The customer scope on the commercial partner at ``path``."""
            domain = [(f"{path}user_id", "=", user.id)] if user else []
            domain += [(f"{path}user_id.sale_team_id", "=", team.id)] if team else []
            domain += [(f"{path}ccm_segment_ids", "in", segment.ids)] if segment else []
            return domain

        def documents(partner_path):
            domain = [("user_id", "=", user.id)] if user else []
            domain += [("team_id", "=", team.id)] if team else []
            if segment:
                domain += [(f"{partner_path}.ccm_segment_ids", "in", segment.ids)]
            return domain

        company_id = company.id
        partner_ids = self._kpi_partner_ids(company, date_from, date_to, team, user)
        lost = [("company_id", "=", company_id), ("stage_to", "=", "lost"), *period("date")]
        answers = [("company_id", "=", company_id), *period("date"), *customers("partner_id.")]
        leads = [
            ("active", "in", [True, False]),
            ("company_id", "in", [company_id, False]),
            *period("date_closed"),
            *documents("partner_id.commercial_partner_id"),
        ]
        won = [("active", "=", True), ("probability", ">=", 100)]
        lost_leads = [
            ("active", "=", False),
            "|",
            ("probability", "=", 0),
            ("probability", "=", False),
        ]
        complaints = [
            ("company_id", "=", company_id),
            ("intake_state", "=", "qualified"),
            *documents("commercial_partner_id"),
        ]
        transfers = [("company_id", "=", company_id), *period("date"), *customers("partner_id.")]
        values = [("company_id", "=", company_id), *customers("partner_id.")]
        domains = {
            "customers_acquired": (
                "res.partner",
                [("id", "in", partner_ids["customers_acquired"])],
            ),
            "clv_historical": ("crm.customer.value", [*values, ("order_count", ">", 0)]),
            "clv_predicted": ("crm.customer.value", values),
            "active_at_start": ("res.partner", [("id", "in", partner_ids["active_at_start"])]),
            "customers_lost": (
                "res.partner",
                [("ccm_lifecycle_history_ids", "any", lost), *customers()],
            ),
            "nps_answers": ("crm.customer.nps.report", [*answers, ("kind", "=", "nps")]),
            "csat_answers": ("crm.customer.nps.report", [*answers, ("kind", "=", "csat")]),
            "leads_won": ("crm.lead", [*leads, *won]),
            "leads_lost": ("crm.lead", [*leads, *lost_leads]),
            "leads_closed": ("crm.lead", [*leads, "|", "&", *won, "&", *lost_leads]),
            "campaign_margin": (
                "sale.order",
                [
                    ("state", "=", "sale"),
                    ("campaign_id", "!=", False),
                    ("company_id", "=", company_id),
                    *period("date_order"),
                    *documents("partner_id.commercial_partner_id"),
                ],
            ),
            "campaign_cost": (
                "crm.customer.campaign.cost",
                [
                    ("company_id", "=", company_id),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ],
            ),
            "complaints": ("crm.complaint", [*complaints, *period("date_open")]),
            "complaint_first_response_hours": (
                "crm.complaint",
                [*complaints, *period("date_first_response")],
            ),
            "complaint_resolution_hours": (
                "crm.complaint",
                [*complaints, *period("date_resolved")],
            ),
            "complaint_sla_compliance": (
                "crm.complaint",
                [*complaints, *period("date_resolved"), ("resolution_deadline", "!=", False)],
            ),
            "complaint_recovery_rate": (
                "crm.complaint",
                [*complaints, *period("date_closed"), ("outcome", "!=", False)],
            ),
            "complaint_compensation": ("crm.complaint", [*complaints, *period("date_closed")]),
            "deliveries": ("crm.customer.delivery.report", [*transfers, ("kind", "=", "delivery")]),
            "late_deliveries": (
                "crm.customer.delivery.report",
                [*transfers, ("kind", "=", "delivery"), ("late", "=", 100.0)],
            ),
            "returns": ("crm.customer.delivery.report", [*transfers, ("kind", "=", "return")]),
            "overdue_amount": ("crm.customer.value", [*values, ("overdue_amount", ">", 0)]),
            "overdue_mvc": (
                "crm.customer.value",
                [*values, ("overdue_amount", ">", 0), ("value_tier", "=", "mvc")],
            ),
        }
        for key, target in OPENS_AS.items():
            domains[key] = domains[target]
        return domains

    @api.model
    def _kpi_partner_ids(self, company, date_from, date_to, team=None, user=None):
        """The customers counted by the KPIs whose set is no domain (the first order of all,
        the stage on a date): the ids the figures' own SQL selects."""
        self.env.flush_all()
        p = self._series_params(company, [(date_from, date_to)], team, user)
        ids = {}
        for key, query in (
            ("customers_acquired", self._acquired_sql()),
            ("active_at_start", self._active_at_start_sql()),
        ):
            self.env.cr.execute(query, p)
            ids[key] = [row[0] for row in self.env.cr.fetchall()]
        return ids
