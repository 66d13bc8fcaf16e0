from markupsafe import Markup

from odoo import api, models


class CrmCustomerDashboard(models.TransientModel):
    """The staff scorecard's suggestions per department, below the per-person table."""

    _inherit = "crm.customer.dashboard"

    @api.depends("date_from", "date_to", "company_id", "team_id", "user_id")
    def _compute_staff_html(self):
        res = super()._compute_staff_html()
        for dashboard in self:
            if not dashboard.staff_html:
                continue
            departments = (
                self.env["crm.customer.kpi"]
                .with_company(dashboard.company_id)
                ._staff_departments(dashboard.company_id, dashboard.date_from, dashboard.date_to)
            )
            if not departments:
                continue
            columns = [
                {"key": "made", "label": self.env._("Suggestions made"), "unit": "number"},
                {
                    "key": "implemented",
                    "label": self.env._("Suggestions implemented"),
                    "unit": "number",
                },
            ]
            rows = [
                {
                    "user_id": False,
                    "name": department.name or self.env._("No department"),
                    "values": {"made": made, "implemented": implemented},
                }
                for department, (made, implemented) in departments.items()
            ]
            dashboard.staff_html = Markup(dashboard.staff_html) + self.env["ir.qweb"]._render(
                "crm_customer_management.dashboard_staff_table",
                {
                    "columns": columns,
                    "rows": rows,
                    "fmt": dashboard._fmt,
                    "first_header": self.env._("Department"),
                },
            )
        return res
