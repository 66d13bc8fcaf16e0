import pandas as pd

from odoo import api, models

from ..analytics import kpi
from .crm_customer_kpi import CUSTOMER_JOIN, CUSTOMER_SCOPE, PERIODS, in_period


class CrmCustomerKpi(models.AbstractModel):
    """The satisfaction source of the KPI service: the answers to the addon's NPS and CSAT
    surveys and the ratings of complaints, one SQL for the KPIs, the staff scorecard and
    the satisfaction analysis."""

    _inherit = "crm.customer.kpi"

    def _kpi_sources(self):
        return [*super()._kpi_sources(), self._kpi_satisfaction]

    # ------------------------------------------------------------------
    # Satisfaction: the addon's surveys and the complaints' ratings
    # ------------------------------------------------------------------

    @api.model
    def _satisfaction_answers_sql(self):
        """SQL of the satisfaction answers, one row per answer and company: ``answer_id``
        (survey.user_input, NULL for a rating), ``rating_id`` (rating.rating of a
        complaint, NULL for a survey answer), ``partner_id`` (the commercial partner),
        ``company_id``, ``kind`` (nps, csat), ``score``, ``date``.

        Only the answers to the addon's surveys (``ccm_satisfaction_kind`` set) and the
        ratings of complaints; other surveys and ratings (helpdesk, live chat...) are not
        customer satisfaction figures of ours. A survey answer belongs to the company of
        the complaint it answers, otherwise to each company the customer has a value
        profile in (surveys have no company); a rating to its complaint's company. An
        answer of a person who is no company's customer belongs to none."""
        return """
            SELECT ui.id AS answer_id, NULL::integer AS rating_id, cp.id AS partner_id,
                   co.company_id,
                   s.ccm_satisfaction_kind AS kind, l.value_scale AS score,
                   COALESCE(ui.end_datetime, ui.write_date) AS date
              FROM survey_user_input ui
              JOIN survey_survey s ON s.id = ui.survey_id AND s.ccm_satisfaction_kind IS NOT NULL
              JOIN survey_user_input_line l ON l.user_input_id = ui.id
                   AND l.answer_type = 'scale' AND NOT COALESCE(l.skipped, FALSE)
              JOIN res_partner p ON p.id = ui.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
              JOIN LATERAL (
                   SELECT c.company_id FROM crm_complaint c WHERE c.survey_answer_id = ui.id
                   UNION
                   SELECT v.company_id FROM crm_customer_value v
                    WHERE v.partner_id = cp.id
                      AND NOT EXISTS (SELECT 1 FROM crm_complaint c
                                       WHERE c.survey_answer_id = ui.id)
              ) co ON TRUE
             WHERE ui.state = 'done'
            UNION ALL
            SELECT NULL, r.id, c.commercial_partner_id, c.company_id, 'csat', r.rating, r.write_date
              FROM rating_rating r
              JOIN crm_complaint c ON c.id = r.res_id
             WHERE r.res_model = 'crm.complaint' AND r.consumed AND r.rating > 0
        """

    def _answers_frame(self, p):
        """Satisfaction answers of the periods in the company (see
        ``_satisfaction_answers_sql``), of the scope's customers: the period's ``idx``,
        the answer's ``kind`` and ``score``."""
        self.env.cr.execute(
            f"""
            SELECT per.idx, a.kind, a.score
              FROM ({self._satisfaction_answers_sql()}) a
              JOIN res_partner cp ON cp.id = a.partner_id
              {CUSTOMER_JOIN}
              JOIN {PERIODS} ON {in_period("a.date")}
             WHERE a.company_id = %(company_id)s
               AND a.date >= %(dt_from)s AND a.date < %(dt_to)s
               AND {CUSTOMER_SCOPE}
            """,  # noqa: S608 - constant SQL fragments
            p,
        )
        return pd.DataFrame(self.env.cr.fetchall(), columns=["idx", "kind", "score"])

    def _kpi_satisfaction(self, p):
        answers = self._answers_frame(p)
        figures = []
        for idx in range(1, len(p["period_dt_from"]) + 1):
            period = answers[answers["idx"] == idx]
            nps_scores = period.loc[period["kind"] == "nps", "score"].tolist()
            csat_scores = period.loc[period["kind"] == "csat", "score"].tolist()
            figures.append(
                {
                    "nps": kpi.nps(nps_scores),
                    "nps_answers": len(nps_scores),
                    "csat": kpi.csat(csat_scores),
                    "csat_answers": len(csat_scores),
                }
            )
        return figures
