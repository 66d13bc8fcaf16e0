from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models

from ..analytics import committee as core
from ..analytics import kpi as kpi_core
from .crm_customer_committee import CADENCE_DELTA

AGENDA_LIMIT = 5
ONE_DAY = timedelta(days=1)
OPEN_DECISION_STATES = ("open", "in_progress")
WAITING_SUGGESTION_STATES = ("new", "under_review", "accepted")


class CrmCustomerCommittee(models.Model):
    """The agenda of a committee meeting, built for its date from the company's figures:
    what moved most in the KPIs, complaint themes and root causes on the rise, most valuable
    customers newly at risk or below zero, open and overdue decisions, suggestions awaiting
    a decision. A few grouped queries, whatever the number of customers."""

    _inherit = "crm.customer.committee"

    def _agenda_period(self, day):
        """The period the agenda of a meeting on ``day`` looks at: one cadence back, up to
        the day before; and the period before it."""
        self.ensure_one()
        date_from = day - CADENCE_DELTA[self.cadence]
        date_to = day - ONE_DAY
        return (date_from, date_to), kpi_core.previous_period(date_from, date_to)

    def _agenda(self, day):
        """The agenda of a meeting on ``day``, as a dict the template renders."""
        self.ensure_one()
        self._check_runs()
        company = self.company_id
        (date_from, date_to), (prev_from, prev_to) = self._agenda_period(day)
        # the committee reads the company's figures, whoever builds the agenda
        kpi = self.env["crm.customer.kpi"].with_user(SUPERUSER_ID).with_company(company)
        moves = core.biggest_moves(kpi._compare(company, date_from, date_to), AGENDA_LIMIT)
        for move in moves:
            move["trend_text"] = f"{move['trend']:+.1f} %"
        periods = {"current": (date_from, date_to), "previous": (prev_from, prev_to)}
        return {
            "committee": self,
            "day": day,
            "date_from": date_from,
            "date_to": date_to,
            "prev_from": prev_from,
            "prev_to": prev_to,
            "kpi_moves": moves,
            "fmt": self._agenda_fmt,
            "root_causes": self._agenda_rising(
                "crm.complaint", "root_cause_id", "date_open", periods
            ),
            "themes": self._agenda_rising("crm.customer.text", "theme_id", "date", periods),
            "mvc_alerts": self._agenda_mvc_alerts(date_from, date_to),
            "decisions_open": self._agenda_decisions(day),
            "results": self.env["crm.customer.decision"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("result_measured", "=", True),
                    ("result_date", ">=", date_from),
                    ("result_date", "<=", date_to),
                ],
                order="result_date, id",
            ),
            "suggestions": self.env["crm.customer.suggestion"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "in", WAITING_SUGGESTION_STATES),
                    ("decision_id", "=", False),
                ],
                order="date, id",
            ),
        }

    def _agenda_rising(self, model, field, date_field, periods):
        """[(record, count, previous count)] of ``field`` values counted more in the current
        period than in the previous one."""
        company = self.company_id
        counts = {}
        for name, (date_from, date_to) in periods.items():
            domain = [
                ("company_id", "=", company.id),
                (field, "!=", False),
                (date_field, ">=", fields.Datetime.to_datetime(date_from)),
                (date_field, "<", fields.Datetime.to_datetime(date_to) + ONE_DAY),
            ]
            if model == "crm.complaint":
                domain.append(("intake_state", "=", "qualified"))
            counts[name] = dict(self.env[model].sudo()._read_group(domain, [field], ["__count"]))
        return core.rising(counts["current"], counts["previous"], AGENDA_LIMIT)

    def _agenda_mvc_alerts(self, date_from, date_to):
        """Most valuable customers that became at risk or dissatisfied in the period (their
        current stage), and customers who were most valuable and are now below zero (the tier
        changed in the period): [(partner, reason)]."""
        self.env.flush_all()
        params = {
            "company_id": self.company_id.id,
            "dt_from": fields.Datetime.to_datetime(date_from),
            "dt_to": fields.Datetime.to_datetime(date_to) + ONE_DAY,
        }
        self.env.cr.execute(
            """
            SELECT v.partner_id, 'at_risk'
              FROM crm_customer_value v
              JOIN crm_customer_lifecycle_history h
                   ON h.partner_id = v.partner_id AND h.company_id = v.company_id
                  AND h.is_current
             WHERE v.company_id = %(company_id)s AND v.value_tier = 'mvc'
               AND h.stage_to IN ('at_risk', 'dissatisfied')
               AND h.date >= %(dt_from)s AND h.date < %(dt_to)s
            UNION ALL
            SELECT v.partner_id, 'below_zero'
              FROM crm_customer_value v
             WHERE v.company_id = %(company_id)s AND v.value_tier = 'bz'
               AND v.value_tier_previous = 'mvc'
               AND v.value_tier_date >= %(dt_from)s AND v.value_tier_date < %(dt_to)s
             ORDER BY 1, 2
            """,
            params,
        )
        rows = self.env.cr.fetchall()
        partners = self.env["res.partner"].sudo().browse([pid for pid, __ in rows])
        labels = {
            "at_risk": self.env._("at risk"),
            "below_zero": self.env._("now below zero"),
        }
        return [(partners.browse(pid), labels[reason]) for pid, reason in rows]

    def _agenda_decisions(self, day):
        decisions = (
            self.env["crm.customer.decision"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("state", "in", OPEN_DECISION_STATES),
                ],
                order="due_date, id",
            )
        )
        return [(decision, decision.due_date < day) for decision in decisions]

    @api.model
    def _agenda_fmt(self, value, unit):
        return self.env["crm.customer.decision"]._fmt_kpi(value, unit, self.env.company)
