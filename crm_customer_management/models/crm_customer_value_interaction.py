import pandas as pd

from odoo import api, fields, models

from ..analytics.interaction import NPS_CATEGORIES
from ..report.crm_customer_timeline import CONTACT_KINDS
from ..tools.sql import partner_filter


class CrmCustomerValue(models.Model):
    """Interaction and satisfaction side of the value profile: contacts with the customer
    (logged calls, visits..., e-mails in and out, meetings, complaints and their messages:
    the contact kinds of the timeline), days since the last one, the response time to
    inbound contacts, and the customer's last NPS and CSAT answers. Gathered set-based by
    the value refresh, from the timeline's own SQL (one source for both); every contact
    costs the company's unit cost per contact in the cost to serve."""

    _inherit = "crm.customer.value"

    contact_count = fields.Integer(
        "Contacts", readonly=True, help="Contacts with the customer since the first, in and out."
    )
    contact_count_12m = fields.Integer("Contacts (12 months)", readonly=True)
    inbound_count_12m = fields.Integer("Inbound Contacts (12 months)", readonly=True)
    last_contact_date = fields.Date("Last Contact", readonly=True, aggregator="max")
    contact_recency_days = fields.Integer(
        "Days Since Last Contact", readonly=True, aggregator="avg"
    )
    response_hours = fields.Float(
        "Response Time (hours)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Average time from an inbound contact of the last 12 months to our next "
        "outbound contact, any channel.",
    )
    last_nps_score = fields.Integer("Last NPS Answer", readonly=True, aggregator="avg")
    last_nps_date = fields.Date("Last NPS Answer On", readonly=True)
    last_csat_score = fields.Integer("Last CSAT Answer", readonly=True, aggregator="avg")
    nps_category = fields.Selection(
        NPS_CATEGORIES,
        string="NPS Category",
        readonly=True,
        help="Of the last NPS answer of the last 12 months: promoters are advocacy "
        "candidates, detractors are moved to dissatisfied with a recovery call.",
    )
    advocacy_candidate = fields.Boolean(
        compute="_compute_advocacy_candidate", search="_search_advocacy_candidate"
    )

    @api.depends("nps_category")
    def _compute_advocacy_candidate(self):
        for profile in self:
            profile.advocacy_candidate = profile.nps_category == "promoter"

    def _search_advocacy_candidate(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        positive = (operator == "=") == bool(value)
        return [("nps_category", "=" if positive else "!=", "promoter")]

    # ------------------------------------------------------------------
    # Gathering (a part of the value refresh)
    # ------------------------------------------------------------------

    def _gather_queries(self, partner_ids):
        # a contact or an answer alone makes no profile: "left"
        return [
            *super()._gather_queries(partner_ids),
            (self._sql_interactions(), "left"),
            (self._sql_satisfaction(), "left"),
        ]

    def _gather(self, company, today, partner_ids):
        raw = super()._gather(company, today, partner_ids)
        for col in ("last_contact_date", "last_nps_date"):
            if col in raw:
                raw[col] = pd.to_datetime(raw[col])
        return raw

    def _sql_interactions(self):
        """Contacts per customer: counts, the last one, and the hours from each inbound
        contact of the last 12 months to the next outbound one (a window over the
        customer's contacts in date order)."""
        timeline = self.env["crm.customer.timeline"]._table_query
        return f"""
            WITH ev AS (
                SELECT t.partner_id, t.date, t.direction,
                       MIN(t.date) FILTER (WHERE t.direction = 'out') OVER (
                           PARTITION BY t.partner_id ORDER BY t.date, t.id
                           ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_out
                  FROM ({timeline}) t
                 WHERE t.kind IN {CONTACT_KINDS!r}
                   AND COALESCE(t.company_id, %(company_id)s) = %(company_id)s
                   AND t.date < %(today)s::date + 1
                   AND {partner_filter("t.partner_id")}
            )
            SELECT partner_id,
                   COUNT(*) AS contact_count,
                   COUNT(*) FILTER (WHERE date >= %(since)s) AS contact_count_12m,
                   COUNT(*) FILTER (WHERE direction = 'in' AND date >= %(since)s)
                       AS inbound_count_12m,
                   MAX(date)::date AS last_contact_date,
                   %(today)s::date - MAX(date)::date AS contact_recency_days,
                   AVG(EXTRACT(EPOCH FROM next_out - date) / 3600.0)
                       FILTER (WHERE direction = 'in' AND date >= %(since)s
                               AND next_out IS NOT NULL) AS response_hours
              FROM ev GROUP BY partner_id
        """  # noqa: S608 - constant SQL fragments

    def _sql_satisfaction(self):
        """The customer's last NPS and last CSAT answer in the company (the satisfaction
        answers of the KPIs: one source)."""
        answers = self.env["crm.customer.kpi"]._satisfaction_answers_sql()
        return f"""
            WITH last AS (
                SELECT DISTINCT ON (a.partner_id, a.kind) a.partner_id, a.kind, a.score, a.date
                  FROM ({answers}) a
                 WHERE a.company_id = %(company_id)s AND a.date < %(today)s::date + 1
                   AND {partner_filter("a.partner_id")}
                 ORDER BY a.partner_id, a.kind, a.date DESC
            )
            SELECT partner_id,
                   MAX(score) FILTER (WHERE kind = 'nps') AS last_nps_score,
                   MAX(date::date) FILTER (WHERE kind = 'nps') AS last_nps_date,
                   MAX(score) FILTER (WHERE kind = 'csat') AS last_csat_score
              FROM last GROUP BY partner_id
        """  # noqa: S608 - constant SQL fragments
