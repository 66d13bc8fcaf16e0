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
        rows = self._per_period(
            f"""
            WITH transfers AS MATERIALIZED (
                SELECT {segment_of("sp.date_done")} AS segment, src.usage AS src_usage,
                       dst.usage AS dst_usage, sp.date_done, sp.date_deadline, sp.scheduled_date
                  FROM stock_picking sp
                  JOIN stock_location src ON src.id = sp.location_id
                  JOIN stock_location dst ON dst.id = sp.location_dest_id
                  JOIN res_partner p ON p.id = sp.partner_id
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                  {CUSTOMER_JOIN}
                 WHERE sp.state = 'done' AND sp.company_id = %(company_id)s
                   AND sp.date_done >= %(dt_from)s AND sp.date_done < %(dt_to)s
                   AND (src.usage = 'customer' OR dst.usage = 'customer')
                   AND NOT (src.usage = 'customer' AND dst.usage = 'customer')
                   AND {CUSTOMER_SCOPE}
            )
            SELECT per.idx,
                   COUNT(*) FILTER (WHERE dst_usage = 'customer'),
                   COUNT(*) FILTER (WHERE dst_usage = 'customer'
                                      AND date_done > COALESCE(date_deadline, scheduled_date)),
                   COUNT(*) FILTER (WHERE src_usage = 'customer')
              FROM transfers JOIN {PERIODS} USING (segment)
             GROUP BY per.idx
            """,  # noqa: S608 - constant SQL fragments
            p,
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
              JOIN res_partner cp ON cp.id = v.partner_id
              {CUSTOMER_JOIN}
             WHERE v.company_id = %(company_id)s
               AND {CUSTOMER_SCOPE}
            """,
            p,
        )
        return {"overdue_amount": float(overdue), "overdue_mvc": float(overdue_mvc)}
