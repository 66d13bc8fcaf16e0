"""18.0.1.4.0: the cohort retention report follows the company's calendar for periods
(Jalali months for a Jalali company) and labels its months (``cohort_period``,
``purchase_period``): its rows are rebuilt once for the companies that have some, as the
full value refresh would (until then they would show empty labels)."""

from odoo import SUPERUSER_ID, api, fields


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("SELECT DISTINCT company_id FROM crm_customer_cohort_report")
    Report = env["crm.customer.cohort.report"]
    for company in env["res.company"].browse([r[0] for r in cr.fetchall()]):
        Report._rebuild(company, fields.Date.context_today(Report))
