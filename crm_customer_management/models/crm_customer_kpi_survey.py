from odoo import api, models
from odoo.tools import LazyTranslate

from ..analytics import interaction
from .crm_customer_kpi import CUSTOMER_JOIN, CUSTOMER_SCOPE, PERIODS, in_period

_lt = LazyTranslate(__name__)


class CrmCustomerKpi(models.AbstractModel):
    """Response rate of the satisfaction survey campaigns: invitations sent in the period
    to the scope's customers, and how many were answered."""

    _inherit = "crm.customer.kpi"

    SURVEY_KPIS = {
        "survey_invitations": (_lt("Survey invitations sent"), "number"),
        "survey_response_rate": (_lt("Survey response rate"), "percent"),
    }

    @api.model
    def _kpi_definitions(self):
        return {**super()._kpi_definitions(), **self.SURVEY_KPIS}

    def _kpi_sources(self):
        return [*super()._kpi_sources(), self._kpi_survey]

    def _kpi_survey(self, p):
        rows = self._per_period(
            f"""
            SELECT per.idx, COUNT(*), COUNT(*) FILTER (WHERE i.state = 'answered')
              FROM crm_customer_survey_invitation i
              JOIN crm_customer_survey_campaign cmp ON cmp.id = i.campaign_id
              LEFT JOIN res_partner cp ON cp.id = i.commercial_partner_id
              {CUSTOMER_JOIN}
              JOIN {PERIODS} ON {in_period("i.sent_at")}
             WHERE cmp.company_id = %(company_id)s AND i.sent_at IS NOT NULL
               AND i.sent_at >= %(dt_from)s AND i.sent_at < %(dt_to)s
               AND {CUSTOMER_SCOPE}
             GROUP BY per.idx
            """,  # noqa: S608 - constant SQL fragments
            p,
            (0, 0),
        )
        return [
            {
                "survey_invitations": sent,
                "survey_response_rate": interaction.response_rate(sent, answered),
            }
            for sent, answered in rows
        ]
