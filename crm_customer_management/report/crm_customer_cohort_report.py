from odoo import api, fields, models
from odoo.tools import SQL


class CrmCustomerCohortReport(models.Model):
    """Cohort retention, kept by the full value refresh: the cohort of a customer is the
    month of the first confirmed order (from the value profile), and each month in which
    a customer bought is a row (``nbr`` 1). Beside them, one row per salesperson, cohort
    and month since acquisition up to this month holds the customers acquired
    (``cohort_size``), so that a cohort's month in which nobody bought shows 0 %.

    ``retention`` is a ratio in every group of the pivot (cohort x months since, a cohort,
    a month since over all cohorts, a salesperson): the customers buying over the customers
    acquired, as Odoo's vendor delay report does with its on-time rate; the record rules
    (own customers) apply to both kinds of row. Filtered on one customer, there is no
    ratio (no customers acquired)."""

    _name = "crm.customer.cohort.report"
    _description = "Customer Cohort Retention"
    _log_access = False
    _rec_name = "cohort_month"
    _order = "cohort_month desc, month_offset"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        help="The customer who bought that month (empty on the rows of customers acquired).",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    cohort_month = fields.Date("Cohort", readonly=True)
    month = fields.Date("Purchase Month", readonly=True)
    month_offset = fields.Integer("Months Since Acquisition", readonly=True, aggregator=None)
    cohort_size = fields.Integer("Customers Acquired", readonly=True, aggregator="sum")
    retention = fields.Float(
        "Retention (%)",
        readonly=True,
        aggregator="avg",
        help="Customers who bought over the customers acquired, in %.",
    )
    nbr = fields.Integer("# Customers Buying", readonly=True)

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec in ("retention:avg", "retention:sum"):
            return SQL(
                "SUM(%s) * 100.0 / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, "nbr", query),
                self._field_to_sql(self._table, "cohort_size", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _rebuild(self, company, today):
        """Bring ``company``'s rows to what its value profiles (cohort and salesperson) and
        its confirmed orders (the months bought in) give today: the rows are computed into
        a temporary table, then only the rows that changed are deleted and inserted (night
        after night most stay as they were, and rewriting them all would check their
        foreign keys again). Returns the number of rows of the company."""
        self.flush_model()
        cr = self.env.cr
        cr.execute(
            """CREATE TEMP TABLE IF NOT EXISTS ccm_cohort_rows (
                   partner_id int, user_id int, cohort_month date, month date,
                   month_offset int, cohort_size int, nbr int, retention float8)
                   ON COMMIT DROP;
               TRUNCATE ccm_cohort_rows"""
        )
        cr.execute(
            """
            WITH cohorts AS (
                SELECT partner_id, user_id,
                       date_trunc('month', first_order_date)::date AS cohort
                  FROM crm_customer_value
                 WHERE company_id = %(company_id)s AND first_order_date IS NOT NULL
            ), months AS (
                SELECT DISTINCT p.commercial_partner_id AS partner_id,
                       date_trunc('month', so.date_order)::date AS month
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id = %(company_id)s
            ), sizes AS (
                SELECT user_id, cohort, COUNT(*) AS n FROM cohorts GROUP BY user_id, cohort
            )
            INSERT INTO ccm_cohort_rows
                   (partner_id, user_id, cohort_month, month, month_offset, cohort_size, nbr,
                    retention)
            SELECT m.partner_id, c.user_id, c.cohort, m.month,
                   ((EXTRACT(YEAR FROM m.month) - EXTRACT(YEAR FROM c.cohort)) * 12
                    + EXTRACT(MONTH FROM m.month) - EXTRACT(MONTH FROM c.cohort))::int,
                   0, 1, 100.0
              FROM months m
              JOIN cohorts c ON c.partner_id = m.partner_id
             UNION ALL
            SELECT NULL, s.user_id, s.cohort,
                   (s.cohort + k * INTERVAL '1 month')::date, k, s.n, 0, 0.0
              FROM sizes s
             CROSS JOIN LATERAL generate_series(
                   0, ((EXTRACT(YEAR FROM %(month)s::date) - EXTRACT(YEAR FROM s.cohort)) * 12
                       + EXTRACT(MONTH FROM %(month)s::date)
                       - EXTRACT(MONTH FROM s.cohort))::int) AS k
            """,
            {"company_id": company.id, "month": today.replace(day=1)},
        )
        total = cr.rowcount
        cr.execute("ANALYZE ccm_cohort_rows")
        # rows are unique on (customer or none, salesperson or none, cohort, month); the
        # other columns follow from them, but a changed one is a changed row too
        same = """COALESCE(n.partner_id, 0) = COALESCE(r.partner_id, 0)
                  AND COALESCE(n.user_id, 0) = COALESCE(r.user_id, 0)
                  AND n.cohort_month = r.cohort_month AND n.month = r.month
                  AND n.month_offset = r.month_offset AND n.cohort_size = r.cohort_size
                  AND n.nbr = r.nbr AND n.retention = r.retention"""
        cr.execute(
            f"""
            DELETE FROM crm_customer_cohort_report r
             WHERE r.company_id = %(company_id)s
               AND NOT EXISTS (SELECT 1 FROM ccm_cohort_rows n WHERE {same})
            """,  # noqa: S608 - constant SQL fragments
            {"company_id": company.id},
        )
        cr.execute(
            f"""
            WITH kept AS MATERIALIZED (
                SELECT * FROM crm_customer_cohort_report WHERE company_id = %(company_id)s
            )
            INSERT INTO crm_customer_cohort_report
                   (company_id, partner_id, user_id, cohort_month, month, month_offset,
                    cohort_size, nbr, retention)
            SELECT %(company_id)s, n.partner_id, n.user_id, n.cohort_month, n.month,
                   n.month_offset, n.cohort_size, n.nbr, n.retention
              FROM ccm_cohort_rows n
             WHERE NOT EXISTS (SELECT 1 FROM kept r WHERE {same})
            """,  # noqa: S608 - constant SQL fragments
            {"company_id": company.id},
        )
        self.invalidate_model()
        return total
