from odoo import fields, models

from ..const import LIFECYCLE_STAGES, NO_STAGE, stages_in_cycle_order
from ..models.crm_customer_lifecycle_history import TRIGGERS


class CrmCustomerLifecycleReport(models.Model):
    """One row per stay of a customer in a lifecycle stage (from a stage change to the
    next): the funnel (current stays by stage, salesperson, team), the days spent in each
    stage, and the transition matrix (previous stage x stage) over a period."""

    _name = "crm.customer.lifecycle.report"
    _description = "Customer Lifecycle Analysis"
    _auto = False
    _rec_name = "stage"
    _order = "date_start desc"
    _depends = {
        "crm.customer.lifecycle.history": [
            "partner_id",
            "company_id",
            "stage_from",
            "stage_to",
            "date",
            "trigger",
        ],
        "res.partner": ["user_id", "country_id", "industry_id", "active"],
        "res.users": ["sale_team_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    # the funnel shows every stage, in the cycle's order, also the empty ones
    stage = fields.Selection(
        LIFECYCLE_STAGES, readonly=True, group_expand="_read_group_expand_stage"
    )
    stage_from = fields.Selection(
        [(NO_STAGE, "No Previous Stage"), *LIFECYCLE_STAGES],
        string="Previous Stage",
        readonly=True,
        group_expand="_read_group_expand_stage_from",
    )
    trigger = fields.Selection(TRIGGERS, readonly=True)
    date_start = fields.Datetime("Entered", readonly=True)
    date_end = fields.Datetime("Left", readonly=True)
    is_current = fields.Boolean("Current Stage", readonly=True)
    days_in_stage = fields.Float("Days in Stage", readonly=True, aggregator="avg")
    nbr = fields.Integer("# Customers", readonly=True)

    @property
    def _table_query(self):
        return f"{self._with()} {self._select()} {self._from()} {self._where()}"

    def _with(self):
        # The current stays (a partial index) apart from the ended ones, with a constant
        # flag: a read of the current stages only (the funnel) skips the window over the
        # whole history, which PostgreSQL cannot filter before computing it.
        return """
            WITH stays AS (
                SELECT h.*, NULL::timestamp AS date_end, TRUE AS current_stay
                  FROM crm_customer_lifecycle_history h
                 WHERE h.is_current
                 UNION ALL
                SELECT w.*, FALSE AS current_stay
                  FROM (SELECT h.*, LEAD(h.date) OVER (PARTITION BY h.partner_id, h.company_id
                                                        ORDER BY h.date, h.id) AS date_end
                          FROM crm_customer_lifecycle_history h) w
                 WHERE NOT w.is_current
            )
        """

    def _read_group_expand_stage(self, values, domain):
        return [key for key, _label in LIFECYCLE_STAGES]

    def _read_group_expand_stage_from(self, values, domain):
        return stages_in_cycle_order(values)

    def _select(self):
        return f"""
            SELECT s.id, s.partner_id, s.company_id, p.user_id, u.sale_team_id AS team_id,
                   p.country_id, p.industry_id, s.stage_to AS stage,
                   COALESCE(s.stage_from, '{NO_STAGE}') AS stage_from, s.trigger,
                   s.date AS date_start, s.date_end, s.current_stay AS is_current,
                   EXTRACT(EPOCH FROM COALESCE(s.date_end, NOW() AT TIME ZONE 'UTC') - s.date)
                       / 86400.0 AS days_in_stage,
                   1 AS nbr
        """

    def _from(self):
        return """
              FROM stays s
              JOIN res_partner p ON p.id = s.partner_id
              LEFT JOIN res_users u ON u.id = p.user_id
        """

    def _where(self):
        return "WHERE p.active"
