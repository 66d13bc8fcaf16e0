from odoo import fields, models


class CrmCustomerCohortReport(models.Model):
    """Cohort retention: one row per customer and month in which they bought, with the
    cohort (month of the first confirmed order) and the months since. In a pivot of cohort
    x months since, the sum of ``retention`` is the % of the cohort buying that month."""

    _name = "crm.customer.cohort.report"
    _description = "Customer Cohort Retention"
    _auto = False
    _rec_name = "cohort_month"
    _order = "cohort_month desc, month_offset"
    _depends = {
        "sale.order": ["state", "date_order", "partner_id", "company_id"],
        "res.partner": ["commercial_partner_id", "user_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    cohort_month = fields.Date("Cohort", readonly=True)
    month = fields.Date("Purchase Month", readonly=True)
    month_offset = fields.Integer("Months Since Acquisition", readonly=True, aggregator=None)
    cohort_size = fields.Integer(readonly=True, aggregator="max")
    retention = fields.Float("Retention (%)", readonly=True, aggregator="sum")
    nbr = fields.Integer("# Customers", readonly=True)

    @property
    def _table_query(self):
        return f"{self._with()} {self._select()} {self._from()}"

    def _with(self):
        return """
            WITH months AS (
                SELECT DISTINCT p.commercial_partner_id AS partner_id, so.company_id,
                       date_trunc('month', so.date_order)::date AS month
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
            ), firsts AS (
                SELECT partner_id, company_id, MIN(month) AS cohort
                  FROM months GROUP BY partner_id, company_id
            ), sizes AS (
                SELECT company_id, cohort, COUNT(*) AS n FROM firsts GROUP BY company_id, cohort
            )
        """

    def _select(self):
        return """
            SELECT ROW_NUMBER() OVER (ORDER BY m.company_id, m.partner_id, m.month) AS id,
                   m.partner_id, m.company_id, cp.user_id, f.cohort AS cohort_month, m.month,
                   ((EXTRACT(YEAR FROM m.month) - EXTRACT(YEAR FROM f.cohort)) * 12
                    + EXTRACT(MONTH FROM m.month) - EXTRACT(MONTH FROM f.cohort))::int
                       AS month_offset,
                   s.n AS cohort_size, 100.0 / s.n AS retention, 1 AS nbr
        """

    def _from(self):
        return """
              FROM months m
              JOIN firsts f ON f.partner_id = m.partner_id AND f.company_id = m.company_id
              JOIN sizes s ON s.company_id = f.company_id AND s.cohort = f.cohort
              JOIN res_partner cp ON cp.id = m.partner_id
        """
