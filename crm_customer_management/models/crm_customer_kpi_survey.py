from odoo import models
from odoo.tools import LazyTranslate

from ..analytics import interaction
from .crm_customer_kpi import SCOPE_JOIN, SCOPE_WHERE
from .crm_customer_kpi import CrmCustomerKpi as KpiService

_lt = LazyTranslate(__name__)


class CrmCustomerKpi(models.AbstractModel):
    """Response rate of the satisfaction survey campaigns: invitations sent in the period
    to the scope's customers, and how many were answered."""

    _inherit = "crm.customer.kpi"

    KPIS = {
        **KpiService.KPIS,
        "survey_invitations": (_lt("Survey invitations sent"), "number"),
        "survey_response_rate": (_lt("Survey response rate"), "percent"),
    }

    def _compute(self, company, date_from, date_to, team=None, user=None):
        values = super()._compute(company, date_from, date_to, team, user)
        team, user = self._check_scope(company, team, user)
        p = self._params(company, date_from, date_to, team, user)
        sent, answered = self._one(
            f"""
            SELECT COUNT(*), COUNT(*) FILTER (WHERE i.state = 'answered')
              FROM crm_customer_survey_invitation i
              JOIN res_partner p ON p.id = i.commercial_partner_id
              {SCOPE_JOIN}
             WHERE i.company_id = %(company_id)s AND i.sent_at IS NOT NULL
               AND i.sent_at >= %(dt_from)s AND i.sent_at < %(dt_to)s
               AND {SCOPE_WHERE}
               AND {self._segment_filter("i.commercial_partner_id")}
            """,  # noqa: S608 - constant SQL fragments
            p,
        )
        values["survey_invitations"] = sent
        values["survey_response_rate"] = interaction.response_rate(sent, answered)
        return values
