from odoo import fields, models

from ..analytics import kpi


class CrmCustomerNpsReport(models.Model):
    """Satisfaction answers (NPS 0-10 and CSAT 1-5 surveys of the addon, and the
    ratings of complaints as CSAT answers, as the KPIs count them) with the customer's
    tier, RFM segment and lifecycle stage in the answer's company (the company of the
    complaint it answers, else each company the customer has a value profile in). The
    average of ``nps_points`` (+100 promoter, 0 passive, -100 detractor) is the NPS of any
    group; the average of ``csat_points`` (100 satisfied, 0 not) is its CSAT."""

    _name = "crm.customer.nps.report"
    _inherit = ["crm.customer.profile.report.mixin"]
    _description = "Customer Satisfaction Analysis"
    _auto = False
    _order = "date desc"
    _depends = {
        "survey.user_input": ["state", "end_datetime", "partner_id", "survey_id"],
        "survey.user_input.line": ["value_scale", "answer_type", "skipped", "user_input_id"],
        "survey.survey": ["ccm_satisfaction_kind"],
        "rating.rating": ["rating", "consumed", "res_model", "res_id"],
        "crm.complaint": ["survey_answer_id", "company_id", "commercial_partner_id"],
        "res.partner": ["commercial_partner_id", "user_id"],
        "crm.customer.lifecycle.history": ["partner_id", "company_id", "stage_to", "is_current"],
        "crm.customer.value": ["value_tier", "rfm_segment", "company_id"],
    }

    answer_id = fields.Many2one("survey.user_input", readonly=True)
    rating_id = fields.Many2one("rating.rating", string="Complaint Rating", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    date = fields.Datetime(readonly=True)
    kind = fields.Selection([("nps", "NPS"), ("csat", "CSAT")], readonly=True)
    score = fields.Integer(readonly=True, aggregator="avg")
    nps_points = fields.Float("NPS", readonly=True, aggregator="avg")
    csat_points = fields.Float("CSAT (%)", readonly=True, aggregator="avg")
    nbr = fields.Integer("# Answers", readonly=True)

    @property
    def _table_query(self):
        return f"{self._select()} {self._from()}"

    def _select(self):
        return f"""
            SELECT ROW_NUMBER() OVER (ORDER BY a.answer_id, a.rating_id, a.company_id) AS id,
                   a.answer_id, a.rating_id, a.partner_id, a.company_id, cp.user_id, a.date, a.kind,
                   a.score,
                   CASE WHEN a.kind = 'nps' THEN
                        CASE WHEN a.score >= {kpi.NPS_PROMOTER_MIN} THEN 100.0
                             WHEN a.score <= {kpi.NPS_DETRACTOR_MAX} THEN -100.0
                             ELSE 0.0 END END AS nps_points,
                   CASE WHEN a.kind = 'csat' THEN
                        CASE WHEN a.score >= {kpi.CSAT_SATISFIED_MIN} THEN 100.0
                             ELSE 0.0 END END AS csat_points,
                   {self._select_profile("a.company_id")},
                   1 AS nbr
        """

    def _from(self):
        # the answers and their company: one source with the KPIs
        answers = self.env["crm.customer.kpi"]._satisfaction_answers_sql()
        return f"""
              FROM ({answers}) a
              JOIN res_partner cp ON cp.id = a.partner_id
              {self._from_profile("a.partner_id", "a.company_id")}
        """  # noqa: S608 - constant SQL fragments
