from odoo import api, models
from odoo.tools import LazyTranslate

from ..analytics import kpi
from ..tools.sql import in_company_currency
from .crm_customer_kpi import CUSTOMER_JOIN, CUSTOMER_SCOPE, PERIODS, in_period, segment_of

_lt = LazyTranslate(__name__)


class CrmCustomerKpi(models.AbstractModel):
    """Next best offers in the KPI service: suggestions first made in the period (shown),
    how many of them were accepted (added to an order confirmed within the company's
    acceptance window), the acceptance rate, and the margin won by suggested lines of the
    orders confirmed in the period. By offer and by salesperson: the offer analysis report,
    on the same accepted lines (:meth:`_accepted_lines_sql`)."""

    _inherit = "crm.customer.kpi"

    OFFER_KPIS = {
        "offers_shown": (_lt("Next best offers made"), "number"),
        "offers_accepted": (_lt("Next best offers accepted"), "number"),
        "offer_acceptance_rate": (_lt("Offer acceptance rate"), "percent"),
        "offer_margin_won": (_lt("Margin won by suggested products"), "money"),
    }

    @api.model
    def _kpi_definitions(self):
        return {**super()._kpi_definitions(), **self.OFFER_KPIS}

    @api.model
    def _accepted_lines_sql(self):
        """Order lines added from a suggestion whose order was confirmed within the
        company's acceptance window after the line was added: suggestion, offer, company,
        order salesperson, confirmation date, margin and untaxed amount (company
        currency)."""
        return f"""
            SELECT sol.id AS line_id, sol.ccm_suggestion_id AS suggestion_id,
                   sol.ccm_offer_id AS offer_id, so.company_id, so.user_id AS order_user_id,
                   so.date_order AS date_accepted,
                   {in_company_currency("COALESCE(sol.margin, 0)")} AS margin,
                   {in_company_currency("sol.price_subtotal")} AS amount
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_company c ON c.id = so.company_id
             WHERE sol.ccm_suggestion_id IS NOT NULL AND so.state = 'sale'
               AND so.date_order <= sol.ccm_suggested_at
                                    + c.ccm_offer_acceptance_days * INTERVAL '1 day'
        """

    def _kpi_sources(self):
        return [*super()._kpi_sources(), self._kpi_offers]

    def _kpi_offers(self, p):
        counts = self._per_period(
            f"""
            SELECT per.idx, SUM(t.shown)::bigint, SUM(t.accepted)::bigint
              FROM (SELECT {segment_of("s.date_first")} AS segment, COUNT(*) AS shown,
                           COUNT(*) FILTER (WHERE s.id IN (
                               SELECT a.suggestion_id FROM ({self._accepted_lines_sql()}) a))
                               AS accepted
                      FROM crm_customer_offer_suggestion s
                      LEFT JOIN res_partner cp ON cp.id = s.partner_id
                      {CUSTOMER_JOIN}
                     WHERE s.company_id = %(company_id)s
                       AND s.date_first >= %(date_from)s AND s.date_first <= %(date_to)s
                       AND {CUSTOMER_SCOPE}
                     GROUP BY 1) t
              JOIN {PERIODS} USING (segment)
             GROUP BY per.idx
            """,  # noqa: S608 - constant SQL fragments
            p,
            (0, 0),
        )
        margins = self._per_period(
            f"""
            SELECT per.idx, SUM(a.margin)
              FROM ({self._accepted_lines_sql()}) a
              JOIN crm_customer_offer_suggestion s ON s.id = a.suggestion_id
              LEFT JOIN res_partner cp ON cp.id = s.partner_id
              {CUSTOMER_JOIN}
              JOIN {PERIODS} ON {in_period("a.date_accepted")}
             WHERE a.company_id = %(company_id)s
               AND a.date_accepted >= %(dt_from)s AND a.date_accepted < %(dt_to)s
               AND {CUSTOMER_SCOPE}
             GROUP BY per.idx
            """,  # noqa: S608 - constant SQL fragments
            p,
            (0,),
        )
        return [
            {
                "offers_shown": shown,
                "offers_accepted": accepted,
                "offer_acceptance_rate": kpi.percent(accepted, shown),
                "offer_margin_won": float(margin or 0),
            }
            for (shown, accepted), (margin,) in zip(counts, margins, strict=True)
        ]
