"""18.0.1.3.0: the cohort retention report is kept by the full value refresh (a table, no
longer a view over every confirmed order at each read): filled here once for the companies
that have value profiles, as of today. The segment history set aside before the update
(one row per customer) is copied into the changes (one row per segment, day and change)."""

from odoo import SUPERUSER_ID, api, fields


def migrate(cr, version):
    cr.execute("SELECT 1 FROM pg_class WHERE relname = 'crm_customer_segment_history_old'")
    if cr.fetchone():
        cr.execute(
            """
            INSERT INTO crm_customer_segment_change
                   (segment_id, company_id, date, change, partner_ids, net_values)
            SELECT segment_id, company_id, date, change,
                   ARRAY_AGG(partner_id ORDER BY id), ARRAY_AGG(net_value ORDER BY id)
              FROM crm_customer_segment_history_old
             GROUP BY segment_id, company_id, date, change
             ORDER BY date, MIN(id)
            """
        )
        cr.execute("DROP TABLE crm_customer_segment_history_old")
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("SELECT DISTINCT company_id FROM crm_customer_value")
    Report = env["crm.customer.cohort.report"]
    for company in env["res.company"].browse([r[0] for r in cr.fetchall()]):
        Report._rebuild(company, fields.Date.context_today(Report))
