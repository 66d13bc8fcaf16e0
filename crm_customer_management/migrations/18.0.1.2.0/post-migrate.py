"""18.0.1.2.0: the current lifecycle stage moves out of the partner row (company-dependent
jsonb columns ``res_partner.lifecycle_stage`` / ``lifecycle_stage_date``) into
``crm_customer_lifecycle_state``, one row per customer and company; the old columns and
their indexes go."""


def migrate(cr, version):
    cr.execute(
        """
        SELECT COUNT(*) FROM information_schema.columns
         WHERE table_name = 'res_partner' AND column_name = 'lifecycle_stage'
        """
    )
    if not cr.fetchone()[0]:
        return
    cr.execute(
        """
        INSERT INTO crm_customer_lifecycle_state (partner_id, company_id, stage, date)
        SELECT p.id, s.key::int, s.value,
               COALESCE((p.lifecycle_stage_date ->> s.key)::date, CURRENT_DATE)
          FROM res_partner p, jsonb_each_text(p.lifecycle_stage) s
          JOIN res_company c ON c.id = s.key::int
         WHERE p.lifecycle_stage IS NOT NULL AND s.value IS NOT NULL
        ON CONFLICT (partner_id, company_id) DO NOTHING
        """
    )
    cr.execute(
        "ALTER TABLE res_partner DROP COLUMN lifecycle_stage, DROP COLUMN lifecycle_stage_date"
    )
