"""18.0.1.3.0: the segment membership history is a view over changes kept in bulk (one row
per segment, day and change, the customers in arrays): the old table of one row per
customer is set aside here and copied into the changes after the update."""


def migrate(cr, version):
    cr.execute(
        """SELECT 1 FROM pg_class
            WHERE relname = 'crm_customer_segment_history' AND relkind = 'r'"""
    )
    if cr.fetchone():
        cr.execute(
            "ALTER TABLE crm_customer_segment_history RENAME TO crm_customer_segment_history_old"
        )
