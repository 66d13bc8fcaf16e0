from odoo import models

from ..analytics import kpi
from .crm_customer_kpi import PERIODS, document_scope, in_period, segment_of


class CrmCustomerKpi(models.AbstractModel):
    """Sales figures of the KPI service: the leads won and lost in each period (conversion,
    days from lead to first order) and the margin and costs of campaigns (ROI)."""

    _inherit = "crm.customer.kpi"

    def _kpi_sources(self):
        return [*super()._kpi_sources(), self._kpi_conversion, self._kpi_campaigns]

    def _kpi_conversion(self, p):
        rows = self._per_period(
            f"""
            WITH closed AS (
                SELECT per.idx, l.id, l.create_date, l.active, l.probability
                  FROM crm_lead l
                  LEFT JOIN res_partner lp ON lp.id = l.partner_id
                  JOIN {PERIODS} ON {in_period("l.date_closed")}
                 WHERE l.date_closed >= %(dt_from)s AND l.date_closed < %(dt_to)s
                   AND (l.company_id = %(company_id)s OR l.company_id IS NULL)
                   AND {document_scope("l", "lp.commercial_partner_id")}
            ), first_orders AS (
                SELECT so.opportunity_id, MIN(so.date_order) AS date_order
                  FROM sale_order so
                 WHERE so.state = 'sale' AND so.opportunity_id IN (SELECT id FROM closed)
                 GROUP BY so.opportunity_id
            )
            SELECT c.idx,
                   COUNT(*) FILTER (WHERE c.active AND c.probability >= 100),
                   COUNT(*) FILTER (WHERE NOT c.active AND COALESCE(c.probability, 0) = 0),
                   AVG(EXTRACT(EPOCH FROM f.date_order - c.create_date) / 86400.0)
                       FILTER (WHERE c.active AND c.probability >= 100)
              FROM closed c
              LEFT JOIN first_orders f ON f.opportunity_id = c.id
             GROUP BY c.idx
            """,  # noqa: S608 - constant SQL fragments
            p,
            (0, 0, None),
        )
        return [
            {
                "leads_won": won,
                "leads_lost": lost,
                "conversion_rate": kpi.conversion_rate(won, lost),
                "lead_to_order_days": None if days is None else float(days),
            }
            for won, lost, days in rows
        ]

    def _kpi_campaigns(self, p):
        margins = self._per_period(
            f"""
            SELECT per.idx, SUM(t.margin)
              FROM (SELECT {segment_of("so.date_order")} AS segment,
                           SUM(so.margin / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS margin
                      FROM sale_order so
                      -- a LEFT JOIN on a unique key: dropped when no scope reads it
                      LEFT JOIN res_partner sp ON sp.id = so.partner_id
                     WHERE so.state = 'sale' AND so.campaign_id IS NOT NULL
                       AND so.company_id = %(company_id)s
                       AND so.date_order >= %(dt_from)s AND so.date_order < %(dt_to)s
                       AND {document_scope("so", "sp.commercial_partner_id")}
                     GROUP BY 1) t
              JOIN {PERIODS} USING (segment)
             GROUP BY per.idx
            """,  # noqa: S608 - constant SQL fragments
            p,
            (0,),
        )
        costs = self._per_period(
            f"""
            SELECT per.idx, SUM(c.amount) FROM crm_customer_campaign_cost c
              JOIN {PERIODS} ON {in_period("c.date")}
             WHERE c.company_id = %(company_id)s
               AND c.date BETWEEN %(date_from)s AND %(date_to)s
             GROUP BY per.idx
            """,  # noqa: S608 - constant SQL fragments
            p,
            (0,),
        )
        figures = []
        for (margin,), (cost,) in zip(margins, costs, strict=True):
            margin, cost = float(margin or 0), float(cost or 0)
            figures.append(
                {
                    "campaign_margin": margin,
                    "campaign_cost": cost,
                    "campaign_roi": kpi.roi(margin, cost),
                }
            )
        return figures
