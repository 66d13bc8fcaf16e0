"""18.0.1.2.0: the current lifecycle stage is no longer kept in the partner row
(company-dependent jsonb columns ``res_partner.lifecycle_stage`` / ``lifecycle_stage_date``,
whose many indexes made writing stages slow) but flagged on the last history row of each
customer and company (``is_current``); the old columns go."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE crm_customer_lifecycle_history h SET is_current = TRUE
          FROM (SELECT DISTINCT ON (partner_id, company_id) id
                  FROM crm_customer_lifecycle_history
                 ORDER BY partner_id, company_id, date DESC, id DESC) last
         WHERE h.id = last.id
        """
    )
    cr.execute(
        """
        SELECT COUNT(*) FROM information_schema.columns
         WHERE table_name = 'res_partner' AND column_name = 'lifecycle_stage'
        """
    )
    if cr.fetchone()[0]:
        cr.execute(
            "ALTER TABLE res_partner DROP COLUMN lifecycle_stage, DROP COLUMN lifecycle_stage_date"
        )
