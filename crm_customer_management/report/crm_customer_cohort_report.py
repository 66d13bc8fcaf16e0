from odoo import fields, models


class CrmCustomerCohortReport(models.Model):
    """Cohort retention: one row per customer and month in which they bought, with the
    cohort (month of the first confirmed order, as of the last value refresh) and the months
    since. In a pivot of cohort
    x months since, the sum of ``retention`` is the % of the cohort buying that month."""

    _name = "crm.customer.cohort.report"
    _description = "Customer Cohort Retention"
    _auto = False
    _rec_name = "cohort_month"
    _order = "cohort_month desc, month_offset"
    _depends = {
        "sale.order": ["state", "date_order", "partner_id", "company_id"],
        "res.partner": ["commercial_partner_id"],
        "crm.customer.value": ["first_order_date", "user_id", "company_id"],
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
        # The cohort of a customer is the month of the first order, which the value refresh
        # keeps per customer and company: no pass over the orders to find it.
        return """
            WITH months AS (
                SELECT DISTINCT p.commercial_partner_id AS partner_id, so.company_id,
                       date_trunc('month', so.date_order)::date AS month
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
            ), cohorts AS (
                SELECT partner_id, company_id, user_id,
                       date_trunc('month', first_order_date)::date AS cohort
                  FROM crm_customer_value
                 WHERE first_order_date IS NOT NULL
            ), sizes AS (
                SELECT company_id, cohort, COUNT(*) AS n FROM cohorts GROUP BY company_id, cohort
            )
        """

    def _select(self):
        return """
            SELECT ROW_NUMBER() OVER () AS id,
                   m.partner_id, m.company_id, c.user_id, c.cohort AS cohort_month, m.month,
                   ((EXTRACT(YEAR FROM m.month) - EXTRACT(YEAR FROM c.cohort)) * 12
                    + EXTRACT(MONTH FROM m.month) - EXTRACT(MONTH FROM c.cohort))::int
                       AS month_offset,
                   s.n AS cohort_size, 100.0 / s.n AS retention, 1 AS nbr
        """

    def _from(self):
        return """
              FROM months m
              JOIN cohorts c ON c.partner_id = m.partner_id AND c.company_id = m.company_id
              JOIN sizes s ON s.company_id = c.company_id AND s.cohort = c.cohort
        """
