from odoo import api, models
from odoo.tools import LazyTranslate

from ..analytics import interaction
from .crm_customer_kpi import CUSTOMER_JOIN, CUSTOMER_SCOPE

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

    def _compute(self, company, date_from, date_to, team=None, user=None, **kwargs):
        values = super()._compute(company, date_from, date_to, team, user, **kwargs)
        team, user = self._check_scope(company, team, user)
        p = self._params(company, date_from, date_to, team, user)
        sent, answered = self._one(
            f"""
            SELECT COUNT(*), COUNT(*) FILTER (WHERE i.state = 'answered')
              FROM crm_customer_survey_invitation i
              JOIN crm_customer_survey_campaign cmp ON cmp.id = i.campaign_id
              JOIN res_partner cp ON cp.id = i.commercial_partner_id
              {CUSTOMER_JOIN}
             WHERE cmp.company_id = %(company_id)s AND i.sent_at IS NOT NULL
               AND i.sent_at >= %(dt_from)s AND i.sent_at < %(dt_to)s
               AND {CUSTOMER_SCOPE}
            """,  # noqa: S608 - constant SQL fragments
            p,
        )
        values["survey_invitations"] = sent
        values["survey_response_rate"] = interaction.response_rate(sent, answered)
        return values
