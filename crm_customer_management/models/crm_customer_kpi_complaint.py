from odoo import models

from ..analytics import kpi
from .crm_customer_kpi import PERIOD_BOUNDS, document_scope


class CrmCustomerKpi(models.AbstractModel):
    """Complaint figures of the KPI service: complaints opened, hours to first response
    and to resolution, SLA compliance, recovery and compensation."""

    _inherit = "crm.customer.kpi"

    def _kpi_sources(self):
        return [*super()._kpi_sources(), self._kpi_complaints]

    def _kpi_complaints(self, p):
        """Complaints opened in each period; response and resolution times, SLA compliance,
        recovery and compensation of those resolved or closed in it."""
        # one indexed range per figure and period (no CTE: it would be materialised over all
        # complaints); complaints waiting to be qualified (e-mailed by anyone) count nowhere
        scope = f"""company_id = %(company_id)s AND intake_state = 'qualified'
                   AND {document_scope("crm_complaint", "crm_complaint.commercial_partner_id")}"""
        rows = self._per_period(
            f"""
            SELECT per.idx,
                   (SELECT COUNT(*) FROM crm_complaint
                     WHERE {scope} AND date_open >= per.dt_from AND date_open < per.dt_to),
                   (SELECT AVG(EXTRACT(EPOCH FROM date_first_response - date_open)) / 3600.0
                      FROM crm_complaint
                     WHERE {scope} AND date_first_response >= per.dt_from
                       AND date_first_response < per.dt_to),
                   r.hours, r.met, r.resolved, o.recovered, o.with_outcome, o.compensation
              FROM {PERIOD_BOUNDS},
                   LATERAL (
                    SELECT AVG(EXTRACT(EPOCH FROM date_resolved - date_open)) / 3600.0 AS hours,
                           COUNT(*) FILTER (WHERE date_resolved <= resolution_deadline) AS met,
                           COUNT(*) FILTER (WHERE resolution_deadline IS NOT NULL) AS resolved
                      FROM crm_complaint
                     WHERE {scope} AND date_resolved >= per.dt_from
                       AND date_resolved < per.dt_to) r,
                   LATERAL (
                    SELECT COUNT(*) FILTER (WHERE outcome IN ('retained', 'won_back'))
                               AS recovered,
                           COUNT(outcome) AS with_outcome,
                           COALESCE(SUM(compensation_amount), 0) AS compensation
                      FROM crm_complaint
                     WHERE {scope} AND date_closed >= per.dt_from
                       AND date_closed < per.dt_to) o
            """,  # noqa: S608 - constant SQL fragments
            p,
            None,
        )
        figures = []
        for row in rows:
            opened, first, resolution, met, resolved, recovered, with_outcome, compensation = row
            figures.append(
                {
                    "complaints": opened,
                    "complaint_first_response_hours": None if first is None else float(first),
                    "complaint_resolution_hours": None if resolution is None else float(resolution),
                    "complaint_sla_compliance": kpi.percent(met, resolved),
                    "complaint_recovery_rate": kpi.percent(recovered, with_outcome),
                    "complaint_compensation": float(compensation),
                }
            )
        return figures
