from odoo import fields, models

from ..models.crm_complaint import CHANNELS, OUTCOMES
from ..models.crm_complaint_sla import SEVERITIES


class CrmComplaintReport(models.Model):
    """Complaint analysis: counts by category, root cause (Pareto), team and severity; SLA
    compliance; hours to first response and to resolution; recovery; compensation."""

    _name = "crm.complaint.report"
    _description = "Complaint Analysis"
    _auto = False
    _order = "date desc"
    _depends = {
        "crm.complaint": [
            "date_open",
            "company_id",
            "commercial_partner_id",
            "category_id",
            "root_cause_id",
            "team_id",
            "user_id",
            "severity",
            "channel",
            "stage_id",
            "is_closed",
            "date_first_response",
            "date_resolved",
            "first_response_deadline",
            "resolution_deadline",
            "compensation_amount",
            "csat_score",
            "outcome",
            "intake_state",
        ],
    }

    complaint_id = fields.Many2one("crm.complaint", readonly=True)
    date = fields.Datetime("Opened", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    category_id = fields.Many2one("crm.complaint.category", readonly=True)
    root_cause_id = fields.Many2one("crm.complaint.root.cause", readonly=True)
    team_id = fields.Many2one("crm.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    stage_id = fields.Many2one("crm.complaint.stage", readonly=True)
    severity = fields.Selection(SEVERITIES, readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    outcome = fields.Selection(OUTCOMES, readonly=True)
    is_closed = fields.Boolean("Closed", readonly=True)
    nbr = fields.Integer("# Complaints", readonly=True)
    hours_to_first_response = fields.Float(readonly=True, aggregator="avg")
    hours_to_resolution = fields.Float(readonly=True, aggregator="avg")
    sla_met = fields.Float(
        "SLA Compliance (%)",
        readonly=True,
        aggregator="avg",
        help="100 when the resolution came before its deadline, 0 when after; resolved only.",
    )
    recovered = fields.Float(
        "Recovery Rate (%)",
        readonly=True,
        aggregator="avg",
        help="100 when the outcome is retained or won back, 0 when lost.",
    )
    compensation_amount = fields.Float("Compensation", readonly=True)
    csat_score = fields.Float("CSAT", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        return f"{self._select()} {self._from()} {self._where()}"

    def _select(self):
        return """
            SELECT c.id, c.id AS complaint_id, c.date_open AS date, c.company_id,
                   c.commercial_partner_id AS partner_id, c.category_id, c.root_cause_id,
                   c.team_id, c.user_id, c.stage_id, c.severity, c.channel, c.outcome,
                   COALESCE(c.is_closed, FALSE) AS is_closed, 1 AS nbr,
                   EXTRACT(EPOCH FROM c.date_first_response - c.date_open) / 3600.0
                       AS hours_to_first_response,
                   EXTRACT(EPOCH FROM c.date_resolved - c.date_open) / 3600.0
                       AS hours_to_resolution,
                   CASE WHEN c.date_resolved IS NULL OR c.resolution_deadline IS NULL THEN NULL
                        WHEN c.date_resolved <= c.resolution_deadline THEN 100.0
                        ELSE 0.0 END AS sla_met,
                   CASE WHEN c.outcome IS NULL THEN NULL
                        WHEN c.outcome IN ('retained', 'won_back') THEN 100.0
                        ELSE 0.0 END AS recovered,
                   c.compensation_amount,
                   NULLIF(c.csat_score, 0) AS csat_score
        """

    def _from(self):
        return "FROM crm_complaint c"

    def _where(self):
        # e-mailed complaints count once a person qualified them
        return "WHERE c.intake_state = 'qualified'"
