from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models

from ..analytics import committee as core


class CrmCustomerDecision(models.Model):
    """A decision's KPI measured by the KPI service on the customers it concerns: the
    baseline at the decision date, the result at the due date (nightly) or on demand, both
    over the same number of days and on the same customers, frozen when the baseline is
    taken (customers who join the segment or tier later are not counted)."""

    _inherit = "crm.customer.decision"

    def _kpi_unit(self):
        self.ensure_one()
        return self.env["crm.customer.kpi"]._kpi_definitions()[self.kpi_key][1]

    @api.model
    def _fmt_kpi(self, value, unit, company):
        if value is None:
            return self.env._("not defined")
        if unit == "money":
            return company.currency_id.format(value)
        if unit == "percent":
            return f"{value:.1f} %"
        if unit in ("number",) and float(value).is_integer():
            return str(int(value))
        return f"{value:.1f}"

    def _scope_partners(self):
        """The customers (commercial partner ids) the decision concerns: its customers, the
        members of its segments and the company's customers of its tier; None when it names
        none (every customer of the company)."""
        self.ensure_one()
        if not (self.partner_ids or self.segment_ids or self.value_tier):
            return None
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT p.commercial_partner_id FROM res_partner p WHERE p.id = ANY(%(partners)s)
            UNION
            SELECT r.partner_id FROM crm_customer_segment_member_rel r
             WHERE r.segment_id = ANY(%(segments)s)
            UNION
            SELECT v.partner_id FROM crm_customer_value v
             WHERE v.company_id = %(company_id)s AND v.value_tier = %(tier)s
            """,
            {
                "partners": self.partner_ids.ids,
                "segments": self.segment_ids.ids,
                "company_id": self.company_id.id,
                "tier": self.value_tier or None,
            },
        )
        return sorted(pid for (pid,) in self.env.cr.fetchall())

    def _measure(self, day, partner_ids):
        """The decision's KPI over ``kpi_window_days`` up to ``day`` on these customers."""
        self.ensure_one()
        # measured on the decision's customers, whoever asks (the user's own scope would
        # change the figure)
        kpi = self.env["crm.customer.kpi"].with_user(SUPERUSER_ID).with_company(self.company_id)
        if partner_ids is not None:
            kpi = kpi.with_context(ccm_partner_ids=partner_ids)
        date_from = day - timedelta(days=self.kpi_window_days - 1)
        return kpi._compute(self.company_id, date_from, day)[self.kpi_key]

    def _measure_baseline(self):
        for decision in self:
            partner_ids = decision._scope_partners()
            value = decision._measure(decision.date, partner_ids)
            decision.sudo().write(
                {
                    "scope_partner_ids": [(6, 0, partner_ids or [])],
                    "scope_all": partner_ids is None,
                    "scope_count": len(partner_ids or []),
                    "baseline_value": value or 0.0,
                    "baseline_defined": value is not None,
                    "baseline_date": decision.date,
                }
            )

    def _measure_result(self, day=None):
        """Measure the result up to ``day`` (default: today, or the due date once passed) on
        the customers of the baseline, store it beside the baseline and post it."""
        today = fields.Date.context_today(self)
        for decision in self:
            if not decision.baseline_date:
                decision._measure_baseline()
            when = day or min(today, decision.due_date)
            partner_ids = None if decision.scope_all else decision.scope_partner_ids.ids
            value = decision._measure(when, partner_ids)
            baseline = decision.baseline_value if decision.baseline_defined else None
            result = core.decision_result(decision.kpi_key, baseline, value)
            status = {True: "improved", False: "worse", None: "unchanged"}[result["improved"]]
            decision.sudo().write(
                {
                    "result_value": value or 0.0,
                    "result_defined": value is not None,
                    "result_date": when,
                    "result_measured": True,
                    "result_change": result["change"] or 0.0,
                    "result_status": status if value is not None else False,
                }
            )
            decision.message_post(
                body=self.env._(
                    "Result measured on %(date)s: %(summary)s",
                    date=fields.Date.to_string(when),
                    summary=decision.result_summary,
                ),
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _cron_measure_due(self):
        """The result of every decision whose due date has come, measured at its due date."""
        decisions = self.search(
            [
                ("kpi_key", "!=", False),
                ("result_measured", "=", False),
                ("state", "!=", "dropped"),
                ("due_date", "<=", fields.Date.context_today(self)),
            ]
        )
        for decision in decisions:
            decision._measure_result(decision.due_date)
        return True
