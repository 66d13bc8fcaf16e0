from odoo import api, models


class CrmCustomerKpi(models.AbstractModel):
    """Suggestions in the staff scorecard: made in the period and implemented, per employee
    (their author) and per department (the one that owns them)."""

    _inherit = "crm.customer.kpi"

    def _staff_sqls(self):
        return [*super()._staff_sqls(), self._staff_suggestions_sql()]

    def _staff_suggestions_sql(self):
        return """
            SELECT s.author_user_id AS user_id, COUNT(*) AS suggestions_made,
                   COUNT(*) FILTER (WHERE s.state = 'implemented') AS suggestions_implemented
              FROM crm_customer_suggestion s
              LEFT JOIN res_users u ON u.id = s.author_user_id
             WHERE s.company_id = %(company_id)s AND s.author_user_id IS NOT NULL
               AND s.date >= %(dt_from)s AND s.date < %(dt_to)s
               AND (%(user_id)s IS NULL OR s.author_user_id = %(user_id)s)
               AND (%(team_id)s IS NULL OR u.sale_team_id = %(team_id)s)
             GROUP BY s.author_user_id
        """

    @api.model
    def _staff_departments(self, company, date_from, date_to):
        """Suggestions per owning department in the period: {department: (made,
        implemented)}, for those who read every customer's figures."""
        self._check_scope(company)
        if not self._reads_all_customers():
            return {}
        p = self._params(company, date_from, date_to)
        rows = (
            self.env["crm.customer.suggestion"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("date", ">=", p["dt_from"]),
                    ("date", "<", p["dt_to"]),
                ],
                ["department_id", "state"],
                ["__count"],
            )
        )
        result = {}
        for department, state, count in rows:
            made, implemented = result.get(department, (0, 0))
            result[department] = (
                made + count,
                implemented + (count if state == "implemented" else 0),
            )
        return result
