from odoo import models

from ..analytics import kpi
from .crm_customer_kpi import CUSTOMER_JOIN, CUSTOMER_SCOPE, PERIODS, segment_of


class CrmCustomerKpi(models.AbstractModel):
    """Operations figures of the KPI service: deliveries, late deliveries and returns (the
    receivables overdue today are a figure of the last value refresh: ``_kpi_snapshots``)."""

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
            SELECT per.idx, SUM(t.deliveries)::bigint, SUM(t.late)::bigint,
                   SUM(t.returns)::bigint
              FROM (SELECT {segment_of("sp.date_done")} AS segment,
                           COUNT(*) FILTER (WHERE sp.location_dest_id = ANY(%(customers)s))
                               AS deliveries,
                           COUNT(*) FILTER (WHERE sp.location_dest_id = ANY(%(customers)s)
                                              AND sp.date_done > COALESCE(sp.date_deadline,
                                                                          sp.scheduled_date))
                               AS late,
                           COUNT(*) FILTER (WHERE sp.location_id = ANY(%(customers)s))
                               AS returns
                      FROM stock_picking sp
                      -- LEFT JOINs on unique keys: dropped when no scope reads them
                      LEFT JOIN res_partner p ON p.id = sp.partner_id
                      LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
                      {CUSTOMER_JOIN}
                     WHERE sp.state = 'done' AND sp.company_id = %(company_id)s
                       AND sp.partner_id IS NOT NULL
                       AND sp.date_done >= %(dt_from)s AND sp.date_done < %(dt_to)s
                       AND (sp.location_id = ANY(%(customers)s)
                            OR sp.location_dest_id = ANY(%(customers)s))
                       AND NOT (sp.location_id = ANY(%(customers)s)
                                AND sp.location_dest_id = ANY(%(customers)s))
                       AND {CUSTOMER_SCOPE}
                     GROUP BY 1) t
              JOIN {PERIODS} USING (segment)
             GROUP BY per.idx
            """,  # noqa: S608 - constant SQL fragments
            dict(p, customers=customer_locations),
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
