"""18.0.1.3.0: the cohort retention report is kept by the full value refresh (a table, no
longer a view over every confirmed order at each read): filled here once for the companies
that have value profiles, as of today."""

from odoo import SUPERUSER_ID, api, fields


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("SELECT DISTINCT company_id FROM crm_customer_value")
    Report = env["crm.customer.cohort.report"]
    for company in env["res.company"].browse([r[0] for r in cr.fetchall()]):
        Report._rebuild(company, fields.Date.context_today(Report))
