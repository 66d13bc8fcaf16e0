from odoo import fields, models

from ..models.crm_customer_lifecycle_history import LIFECYCLE_STAGES
from ..models.crm_customer_value import RFM_SEGMENTS, VALUE_TIERS


class CrmCustomerNpsReport(models.Model):
    """Satisfaction answers (NPS 0-10 and CSAT 1-5 surveys) with the customer's tier, RFM
    segment and lifecycle stage in each company. The average of ``nps_points`` (+100
    promoter, 0 passive, -100 detractor) is the NPS of any group; the average of
    ``csat_points`` (100 satisfied, 0 not) is its CSAT."""

    _name = "crm.customer.nps.report"
    _description = "Customer Satisfaction Analysis"
    _auto = False
    _order = "date desc"
    _depends = {
        "survey.user_input": ["state", "end_datetime", "partner_id", "survey_id"],
        "survey.user_input.line": ["value_scale", "answer_type", "skipped", "user_input_id"],
        "survey.survey": ["ccm_satisfaction_kind"],
        "res.partner": ["commercial_partner_id", "user_id", "lifecycle_stage"],
        "crm.customer.value": ["value_tier", "rfm_segment", "company_id"],
    }

    answer_id = fields.Many2one("survey.user_input", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    date = fields.Datetime(readonly=True)
    kind = fields.Selection([("nps", "NPS"), ("csat", "CSAT")], readonly=True)
    score = fields.Integer(readonly=True, aggregator="avg")
    nps_points = fields.Float("NPS", readonly=True, aggregator="avg")
    csat_points = fields.Float("CSAT (%)", readonly=True, aggregator="avg")
    value_tier = fields.Selection(VALUE_TIERS, readonly=True)
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment", readonly=True)
    lifecycle_stage = fields.Selection(LIFECYCLE_STAGES, readonly=True)
    nbr = fields.Integer("# Answers", readonly=True)

    @property
    def _table_query(self):
        return f"{self._select()} {self._from()} {self._where()}"

    def _select(self):
        return """
            SELECT ROW_NUMBER() OVER (ORDER BY ui.id, v.company_id) AS id,
                   ui.id AS answer_id, cp.id AS partner_id, v.company_id, cp.user_id,
                   COALESCE(ui.end_datetime, ui.write_date) AS date,
                   s.ccm_satisfaction_kind AS kind, l.value_scale AS score,
                   CASE WHEN s.ccm_satisfaction_kind = 'nps' THEN
                        CASE WHEN l.value_scale >= 9 THEN 100.0
                             WHEN l.value_scale <= 6 THEN -100.0 ELSE 0.0 END END AS nps_points,
                   CASE WHEN s.ccm_satisfaction_kind = 'csat' THEN
                        CASE WHEN l.value_scale >= 4 THEN 100.0 ELSE 0.0 END END AS csat_points,
                   v.value_tier, v.rfm_segment,
                   cp.lifecycle_stage ->> v.company_id::text AS lifecycle_stage,
                   1 AS nbr
        """

    def _from(self):
        return """
              FROM survey_user_input ui
              JOIN survey_survey s ON s.id = ui.survey_id
              JOIN survey_user_input_line l ON l.user_input_id = ui.id
                   AND l.answer_type = 'scale' AND NOT COALESCE(l.skipped, FALSE)
              JOIN res_partner p ON p.id = ui.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
              LEFT JOIN crm_customer_value v ON v.partner_id = cp.id
        """

    def _where(self):
        return "WHERE ui.state = 'done' AND s.ccm_satisfaction_kind IS NOT NULL"
