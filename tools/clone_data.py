"""Set-based cloning of template customers and their documents, for benchmark databases.

Each new customer copies the whole history of one template customer (made through the ORM
by generate_data.py): partner, sale orders and lines, pickings and stock moves, invoices,
credit notes and payment entries with their journal items, and the partial reconciliations
between them. Dates are shifted back by a per-customer number of days; ids come from the
tables' sequences; names get the new id appended so unique constraints hold. Every table is
copied by one ``INSERT ... SELECT`` over all customers at once, its columns read from the
catalogue so that columns added by other modules are copied too.
"""

import time

# Per table: the columns to compute instead of copying. ``m`` is the id map row of the table
# (old_id, new_id, cust, parent_new), ``c`` the clone row (idx, tmpl_partner, new_partner,
# shift), ``src`` the template row.
SHIFT = "c.shift * INTERVAL '1 day'"


def _mapped(table, column):
    return (
        f"(SELECT mm.new_id FROM ccm_map_{table} mm "
        f"WHERE mm.old_id = src.{column} AND mm.cust = m.cust)"
    )


OVERRIDES = {
    "sale_order": {
        "name": "src.name || '-' || m.new_id",
        "partner_id": "c.new_partner",
        "partner_invoice_id": "c.new_partner",
        "partner_shipping_id": "c.new_partner",
        "date_order": f"src.date_order - {SHIFT}",
        "commitment_date": f"src.commitment_date - {SHIFT}",
    },
    "sale_order_line": {
        "order_id": "m.parent_new",
        "order_partner_id": "c.new_partner",
    },
    "stock_picking": {
        "name": "src.name || '-' || m.new_id",
        "partner_id": "c.new_partner",
        "sale_id": _mapped("sale_order", "sale_id"),
        "return_id": _mapped("stock_picking", "return_id"),
        "backorder_id": "NULL",
        "date": f"src.date - {SHIFT}",
        "date_done": f"src.date_done - {SHIFT}",
        "scheduled_date": f"src.scheduled_date - {SHIFT}",
        "date_deadline": f"src.date_deadline - {SHIFT}",
    },
    "stock_move": {
        "picking_id": "m.parent_new",
        "partner_id": "CASE WHEN src.partner_id IS NULL THEN NULL ELSE c.new_partner END",
        "sale_line_id": _mapped("sale_order_line", "sale_line_id"),
        "origin_returned_move_id": _mapped("stock_move", "origin_returned_move_id"),
        "date": f"src.date - {SHIFT}",
        "date_deadline": f"src.date_deadline - {SHIFT}",
    },
    "account_move": {
        "name": "src.name || '-' || m.new_id",
        "partner_id": "c.new_partner",
        "commercial_partner_id": "c.new_partner",
        "partner_shipping_id": "c.new_partner",
        "date": f"src.date - {SHIFT}",
        "invoice_date": f"src.invoice_date - {SHIFT}",
        "invoice_date_due": f"src.invoice_date_due - {SHIFT}",
        "reversed_entry_id": _mapped("account_move", "reversed_entry_id"),
        "origin_payment_id": "NULL",
        "statement_line_id": "NULL",
        "inalterable_hash": "NULL",
        "secure_sequence_number": "NULL",
    },
    "account_move_line": {
        "move_id": "m.parent_new",
        "partner_id": "CASE WHEN src.partner_id IS NULL THEN NULL ELSE c.new_partner END",
        "move_name": "src.move_name || '-' || m.parent_new",
        "date": f"src.date - {SHIFT}",
        "invoice_date": f"src.invoice_date - {SHIFT}",
        "date_maturity": f"src.date_maturity - {SHIFT}",
        "full_reconcile_id": "NULL",
        "payment_id": "NULL",
        "statement_line_id": "NULL",
        "statement_id": "NULL",
    },
    "account_partial_reconcile": {
        "debit_move_id": "m.parent_new",
        "credit_move_id": _mapped("account_move_line", "credit_move_id"),
        "full_reconcile_id": "NULL",
        "exchange_move_id": "NULL",
        "max_date": f"src.max_date - {SHIFT}",
    },
}

# (table, how its template rows are found for a clone row c, parent map or None)
PLAN = [
    ("sale_order", "src.partner_id = c.tmpl_partner", None, None),
    ("sale_order_line", None, "sale_order", "order_id"),
    ("stock_picking", "src.partner_id = c.tmpl_partner", None, None),
    ("stock_move", None, "stock_picking", "picking_id"),
    ("account_move", "src.commercial_partner_id = c.tmpl_partner", None, None),
    ("account_move_line", None, "account_move", "move_id"),
    ("account_partial_reconcile", None, "account_move_line", "debit_move_id"),
]


def _columns(cr, table):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name = %s
                   ORDER BY ordinal_position""",
        [table],
    )
    return [r[0] for r in cr.fetchall()]


def _build_map(cr, table, own_filter, parent, parent_col):
    cr.execute(f"""
        DROP TABLE IF EXISTS ccm_map_{table};
        CREATE TEMP TABLE ccm_map_{table} (old_id int, new_id int, cust int, parent_new int)
    """)
    if parent is None:
        cr.execute(f"""
            INSERT INTO ccm_map_{table} (old_id, new_id, cust)
            SELECT src.id, nextval('{table}_id_seq'), c.idx
              FROM ccm_clone c JOIN {table} src ON {own_filter}
        """)  # noqa: S608 - table names come from PLAN
    else:
        cr.execute(f"""
            INSERT INTO ccm_map_{table} (old_id, new_id, cust, parent_new)
            SELECT src.id, nextval('{table}_id_seq'), p.cust, p.new_id
              FROM ccm_map_{parent} p JOIN {table} src ON src.{parent_col} = p.old_id
        """)  # noqa: S608
    if table == "account_partial_reconcile":
        # keep the reconciliations whose both sides were cloned for the same customer
        cr.execute("""
            DELETE FROM ccm_map_account_partial_reconcile m
             USING account_partial_reconcile src
             WHERE src.id = m.old_id
               AND NOT EXISTS (SELECT 1 FROM ccm_map_account_move_line mm
                                WHERE mm.old_id = src.credit_move_id AND mm.cust = m.cust)
        """)
    cr.execute(f"CREATE INDEX ON ccm_map_{table} (old_id, cust); ANALYZE ccm_map_{table}")
    return cr.rowcount


def _copy(cr, table):
    cols = _columns(cr, table)
    overrides = {"id": "m.new_id", **OVERRIDES.get(table, {})}
    exprs = [overrides.get(col, f"src.{col}") for col in cols]
    cr.execute(f"""
        INSERT INTO {table} ({", ".join(f'"{c}"' for c in cols)})
        SELECT {", ".join(exprs)}
          FROM ccm_map_{table} m
          JOIN {table} src ON src.id = m.old_id
          JOIN ccm_clone c ON c.idx = m.cust
    """)  # noqa: S608 - identifiers come from the catalogue and module constants
    return cr.rowcount


def clone_customers(env, templates, n_new, rng, today, max_shift_days=180):
    """Add ``n_new`` customers, each a copy of a random template customer and its history.

    :returns: dict of row counts per table and the seconds taken
    """
    t0 = time.time()
    env.flush_all()
    cr = env.cr
    tmpl_ids = templates.commercial_partner_id.ids
    rows = [(i, rng.choice(tmpl_ids), rng.randrange(0, max_shift_days)) for i in range(n_new)]
    cr.execute("""
        DROP TABLE IF EXISTS ccm_clone;
        CREATE TEMP TABLE ccm_clone (idx int PRIMARY KEY, tmpl_partner int, shift int,
                                     new_partner int)
    """)
    cr.execute(
        """INSERT INTO ccm_clone (idx, tmpl_partner, shift)
                  SELECT * FROM unnest(%s::int[], %s::int[], %s::int[])""",
        [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
    )
    cr.execute("UPDATE ccm_clone SET new_partner = nextval('res_partner_id_seq')")
    # partners: the commercial entity only (its contacts stay with the template)
    cols = _columns(cr, "res_partner")
    overrides = {
        "id": "c.new_partner",
        "name": "src.name || ' #' || c.idx",
        "complete_name": "src.name || ' #' || c.idx",
        "email": (
            "CASE WHEN src.email IS NULL THEN NULL ELSE 'bench' || c.idx || '@example.com' END"
        ),
        "phone": (
            "CASE WHEN src.phone IS NULL THEN NULL ELSE '+32 4' || LPAD(c.idx::text, 8, '0') END"
        ),
        "vat": "CASE WHEN src.vat IS NULL THEN NULL ELSE 'BX' || LPAD(c.idx::text, 9, '0') END",
        "commercial_partner_id": "c.new_partner",
        "parent_id": "NULL",
    }
    cr.execute(f"""
        INSERT INTO res_partner ({", ".join(f'"{c}"' for c in cols)})
        SELECT {", ".join(overrides.get(col, f"src.{col}") for col in cols)}
          FROM ccm_clone c JOIN res_partner src ON src.id = c.tmpl_partner
    """)  # noqa: S608
    counts = {"cloned_customers": cr.rowcount}
    for table, own_filter, parent, parent_col in PLAN:
        t = time.time()
        _build_map(cr, table, own_filter, parent, parent_col)
        counts[f"cloned_{table}"] = _copy(cr, table)
        counts[f"seconds_{table}"] = round(time.time() - t, 1)
    cr.execute("ANALYZE")
    env.invalidate_all()
    env.registry.clear_cache()
    counts["clone_seconds"] = round(time.time() - t0, 1)
    return counts
