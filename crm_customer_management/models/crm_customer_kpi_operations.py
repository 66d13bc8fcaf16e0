from odoo import models

from ..analytics import kpi
from .crm_customer_kpi import CUSTOMER_JOIN, CUSTOMER_SCOPE, PERIODS, segment_of


class CrmCustomerKpi(models.AbstractModel):
    """Operations figures of the KPI service: deliveries, late deliveries, returns and the
    receivables overdue today (all, and of the most valuable customers), as of the last value
    refresh."""

    _inherit = "crm.customer.kpi"

    def _kpi_sources(self):
        return [*super()._kpi_sources(), self._kpi_operations]

    def _kpi_operations(self, p):
        """Transfers done in each period to customers (deliveries, late ones) and from them
        (returns): to or from a location of the customer kind, not both."""
        customer_locations = (
            self.env["stock.location"]
            .sudo()
            .with_context(active_test=False)
            .search([("usage", "=", "customer")])
            .ids
        )
        # the locations as ids: their kind is then estimated from the transfers' statistics
        # (a join to the locations' kind hides how many transfers are deliveries)
        rows = self._per_period(
            f"""
            WITH transfers AS MATERIALIZED (
                SELECT {segment_of("sp.date_done")} AS segment,
                       sp.location_dest_id = ANY(%(customer_locations)s) AS delivery,
                       sp.date_done > COALESCE(sp.date_deadline, sp.scheduled_date) AS late
                  FROM stock_picking sp
                  -- LEFT JOINs on unique keys: PostgreSQL drops them when no scope reads them
                  LEFT JOIN res_partner p ON p.id = sp.partner_id
                  LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
                  {CUSTOMER_JOIN}
                 WHERE sp.state = 'done' AND sp.company_id = %(company_id)s
                   AND sp.partner_id IS NOT NULL
                   AND sp.date_done >= %(dt_from)s AND sp.date_done < %(dt_to)s
                   AND (sp.location_id = ANY(%(customer_locations)s)
                        OR sp.location_dest_id = ANY(%(customer_locations)s))
                   AND NOT (sp.location_id = ANY(%(customer_locations)s)
                            AND sp.location_dest_id = ANY(%(customer_locations)s))
                   AND {CUSTOMER_SCOPE}
            )
            SELECT per.idx, COUNT(*) FILTER (WHERE delivery),
                   COUNT(*) FILTER (WHERE delivery AND late), COUNT(*) FILTER (WHERE NOT delivery)
              FROM transfers JOIN {PERIODS} USING (segment)
             GROUP BY per.idx
            """,  # noqa: S608 - constant SQL fragments
            dict(p, customer_locations=customer_locations),
            (0, 0, 0),
        )
        return [
            {
                "deliveries": deliveries,
                "late_delivery_rate": kpi.percent(late, deliveries),
                "returns": returns,
            }
            for deliveries, late, returns in rows
        ]

    def _kpi_receivables(self, p):
        """Receivables overdue today, as of the last value refresh."""
        overdue, overdue_mvc = self._one(
            f"""
            SELECT COALESCE(SUM(v.overdue_amount), 0),
                   COALESCE(SUM(v.overdue_amount) FILTER (WHERE v.value_tier = 'mvc'), 0)
              FROM crm_customer_value v
              LEFT JOIN res_partner cp ON cp.id = v.partner_id
              {CUSTOMER_JOIN}
             WHERE v.company_id = %(company_id)s
               AND {CUSTOMER_SCOPE}
            """,
            p,
        )
        return {"overdue_amount": float(overdue), "overdue_mvc": float(overdue_mvc)}
