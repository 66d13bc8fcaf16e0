"""SQL helpers shared by the addon's set-based services (plain functions, not models):
a query into a DataFrame, queries run side by side on one exported snapshot, a binary
COPY of a DataFrame of floats into a temporary table, reads without JIT compilation."""

import io
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import pandas as pd

from odoo.sql_db import TestCursor, db_connect
from odoo.tools import SQL

NUMERIC_OID = 1700  # PostgreSQL's numeric type
# query -> the same with its numeric columns cast to float8 (one lookup per query)
_FLOAT8_QUERIES = {}


def partner_filter(column):
    """The condition "all customers, or these": the gather queries' ``%(all_partners)s`` /
    ``%(partner_ids)s`` placeholders applied to ``column`` (a constant column name)."""
    return f"(%(all_partners)s OR {column} = ANY(%(partner_ids)s))"


def in_company_currency(amount):
    """SQL: an amount of a sale order (alias ``so``) in its company's currency, as Odoo's
    ``sale.report`` converts it (the order's ``currency_rate``: company -> order currency),
    as a float8: divided in floating point, not in numeric arithmetic (a sixth of the
    time of a gather over all orders)."""
    return f"(({amount})::float8 / COALESCE(NULLIF(so.currency_rate::float8, 0), 1.0))"


def day_end(day):
    """SQL: when the day ``day`` (an SQL date expression, e.g. a placeholder) ends in the
    session's time zone, as a naive UTC timestamp computed once per statement. For a
    naive UTC timestamp column ``t``, ``t < day_end(d)`` is ``(t AT TIME ZONE 'UTC')::date
    <= d`` (and ``t >= day_end(d)`` its opposite) without a time-zone conversion per row,
    which was a tenth of a scan of the stock moves."""
    return f"(SELECT ({day} + 1)::timestamptz AT TIME ZONE 'UTC')"


def paid_invoices(as_of, condition="TRUE", paid_by_cutoff=False):
    """SQL: the customer invoices of ``%(company_id)s`` invoiced by ``as_of`` (an SQL
    expression, e.g. a placeholder) and paid: one row per invoice with ``partner_id``
    (commercial), ``amount`` (total, company currency) and ``delay`` (days from the due
    date to the last reconciliation). ``condition``: an extra condition on the invoice
    ``m``; ``paid_by_cutoff``: only the invoices whose last reconciliation is by ``as_of``
    too (the figures as of a past cut-off)."""
    having = f"HAVING MAX(apr.max_date) <= {as_of}" if paid_by_cutoff else ""
    return f"""
        SELECT m.commercial_partner_id AS partner_id,
               m.amount_total_signed::float8 AS amount,
               MAX(apr.max_date) - m.invoice_date_due AS delay
          FROM account_move m
          JOIN account_move_line l ON l.move_id = m.id
               AND l.display_type = 'payment_term'
          JOIN account_partial_reconcile apr ON apr.debit_move_id = l.id
         WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
           AND m.payment_state IN ('paid', 'in_payment')
           AND m.company_id = %(company_id)s AND m.invoice_date <= {as_of}
           AND {condition}
         GROUP BY m.id
        {having}
    """  # noqa: S608 - constant fragments


def query_frame(cr, query, params, index="partner_id"):
    """Run ``query`` into a DataFrame indexed by ``index``. Numeric (decimal) columns come
    back as float8, which the driver converts in C rather than value by value; other
    non-date columns are made floats."""
    if query not in _FLOAT8_QUERIES:
        cr.execute(f"SELECT * FROM ({query}) q LIMIT 0", params)
        select = ", ".join(
            f'q."{d.name}"::float8 AS "{d.name}"' if d.type_code == NUMERIC_OID else f'q."{d.name}"'
            for d in cr.description
        )
        _FLOAT8_QUERIES[query] = f"SELECT {select} FROM ({query}) q"  # noqa: S608
    cr.execute(_FLOAT8_QUERIES[query], params)
    cols = [d.name for d in cr.description]
    frame = pd.DataFrame(cr.fetchall(), columns=cols)
    frame = frame.set_index(index)
    for col in frame.columns:
        if col.endswith("_date") or frame[col].dtype == np.float64:
            continue
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return frame


def may_read_aside(env):
    """Whether other connections read what this transaction reads: it has written nothing
    yet, and it is not a test's cursor (whose data is never committed)."""
    if isinstance(env.cr, TestCursor):
        return False
    env.cr.execute("SELECT txid_current_if_assigned() IS NULL")
    return env.cr.fetchone()[0]


def _aside_cursor(env):
    """A cursor on a connection of its own (while tests run, the registry's cursor is the
    test's cursor itself)."""
    return db_connect(env.cr.dbname).cursor()


def query_frames_parallel(env, queries, params, reader=query_frame):
    """Run ``queries`` side by side on their own connections, all reading one snapshot
    exported by a leader connection, so that they take about the time of the slowest.
    Only for a transaction that has written nothing yet (the other connections could not
    see its writes) and outside test mode: returns None then, and the caller runs the
    queries on its own cursor. ``reader(cr, query, params)`` makes each frame."""
    if not may_read_aside(env):
        return None
    with _aside_cursor(env) as leader:
        leader.execute("SELECT pg_export_snapshot()")
        snapshot = leader.fetchone()[0]

        def run(query):
            with _aside_cursor(env) as worker:
                worker.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                # The queries already share the cores, one per connection: PostgreSQL's
                # own parallel workers and JIT compilation only add work here.
                worker.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                worker.execute("SET LOCAL jit = off")
                frame = reader(worker, query, params)
                worker.rollback()
                return frame

        # one connection per query: PostgreSQL shares the cores between them
        with ThreadPoolExecutor(len(queries), thread_name_prefix="ccm-gather") as pool:
            frames = list(pool.map(run, queries))
        leader.rollback()
    return frames


def run_aside(env, query):
    """Start ``query`` on its own connection (it runs while this one works on); a future
    of its first row's first value, or None when other connections cannot read what this
    transaction reads."""
    if not may_read_aside(env):
        return None

    def run():
        with _aside_cursor(env) as cr:
            cr.execute(query)
            value = cr.fetchone()[0]
            cr.rollback()
            return value

    executor = ThreadPoolExecutor(1, thread_name_prefix="ccm-aside")
    future = executor.submit(run)
    executor.shutdown(wait=False)
    return future


def copy_float8(cr, prefix, frame, date_columns=(), text_columns=()):
    """Load ``frame`` (indexed by an integer id) into a temporary table with one binary
    COPY built by numpy (no text formatting of millions of floats): every column travels
    as float8 (NaN for none), ``date_columns`` as days since 1970-01-01, ``text_columns``
    as their index in a list of labels. Returns the table's name and the label lists
    (``labels_<column>``), the parameters of :func:`decode_float8`."""
    columns = list(frame.columns)
    values = {}
    labels = {}
    for col in columns:
        series = frame[col]
        if col in date_columns:
            days = (pd.to_datetime(series) - pd.Timestamp("1970-01-01")).dt.days
            values[col] = days.to_numpy(dtype="float64", na_value=np.nan)
        elif col in text_columns:
            codes = pd.Categorical(series)
            labels[f"labels_{col}"] = [str(c) for c in codes.categories]
            values[col] = codes.codes.astype("float64")  # -1: none
        else:
            values[col] = pd.to_numeric(series, errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan
            )
    # A temporary table per database session, emptied at each use and at commit; its name
    # carries the columns and the format, so that a change gets a new table.
    key = frame.index.name or "id"
    col_list = ", ".join([key] + columns)
    load = f"{prefix}_{zlib.crc32(('binary:' + col_list).encode()):08x}"
    cr.execute(
        SQL(
            f"""CREATE TEMP TABLE IF NOT EXISTS {load}
                ({key} int4, {", ".join(f"{c} float8" for c in columns)})
                ON COMMIT DELETE ROWS"""
        )
    )
    cr.execute(SQL(f"TRUNCATE {load}"))
    # PostgreSQL's binary COPY: a header, then per row the field count and, per field, its
    # length and big-endian value; every row has the same layout here.
    layout = [("fields", ">i2"), ("key_len", ">i4"), ("key", ">i4")]
    for col in columns:
        layout += [(f"{col}_len", ">i4"), (col, ">f8")]
    rows = np.empty(len(frame), dtype=np.dtype(layout))
    rows["fields"] = len(columns) + 1
    rows["key_len"] = 4
    rows["key"] = frame.index.to_numpy(dtype="int64")
    for col in columns:
        rows[f"{col}_len"] = 8
        rows[col] = values[col]
    payload = (
        b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0) + rows.tobytes() + struct.pack(">h", -1)
    )
    cr.copy_expert(f"COPY {load} ({col_list}) FROM STDIN WITH (FORMAT binary)", io.BytesIO(payload))
    return load, labels


def decode_float8(col, date_columns=(), text_columns=(), integer_columns=()):
    """SQL of a column read back, with its type, from a table loaded by
    :func:`copy_float8` (aliased ``l``)."""
    value = f"NULLIF(l.{col}, 'NaN')"
    if col in date_columns:
        return f"DATE '1970-01-01' + {value}::int4 AS {col}"
    if col in text_columns:
        # label index -1 (none) reads element 0 of a 1-based array: NULL
        return f"(%(labels_{col})s::varchar[])[{value}::int4 + 1] AS {col}"
    if col in integer_columns:
        return f"ROUND({value})::int4 AS {col}"
    return f"{value} AS {col}"


@contextmanager
def without_jit(cr):
    """Run the block's queries without PostgreSQL's JIT compilation, then restore the
    setting (an error's rollback restores it too). For reads of many short queries on big
    tables, such as the KPI dashboard's: their cost estimates pass the JIT thresholds, and
    compiling them takes longer than running them (seconds at 100,000 customers)."""
    # the setting read and changed in one round trip (select items run in order)
    cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
    jit = cr.fetchone()[0]
    yield
    cr.execute("SELECT set_config('jit', %s, true)", [jit])
