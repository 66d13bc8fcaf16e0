"""Benchmark of crm_customer_management on generated data.

    python tools/bench.py -c odoo.conf --customers 100000 [--repeat 3] [--only value]

Builds once (and then reuses) a benchmark database ``ccm_bench_<customers>``: a fresh
database with the addon installed and the generator's data (``tools/generate_data.py``).
Each measured operation runs ``--repeat`` times inside a savepoint that is rolled back, so
every run sees the same data; the median wall time and the peak memory (resident set of this
process, sampled every 5 ms) are printed with the ratio to a bare-SQL baseline on the same
data, and the target where the issue sets one. Results are also written as JSON to
``<cache>/bench-<customers>.json``. It exits 1 when a target is missed, unless
``--report-only``.

Operations register themselves in ``OPERATIONS`` (name -> function(env, ctx) returning a
callable and the baseline's name); each feature adds its own.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", action="append", default=[], help="operation name prefix")
    parser.add_argument("--rebuild", action="store_true", help="drop and regenerate the data")
    parser.add_argument(
        "--no-upgrade", action="store_true", help="do not upgrade the addon in a reused database"
    )
    parser.add_argument("--output", default=None, help="JSON result file")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="exit 0 even when a target is missed (the misses are still printed)",
    )
    parser.add_argument(
        "--posts", type=int, default=1000, help="invoices posted to measure the posting overhead"
    )
    return parser.parse_args(argv)


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


class PeakMemory:
    """Peak resident memory of this process while the block runs."""

    def __enter__(self):
        self.peak = rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss())
            self._stop.wait(0.005)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())


VACUUMED = [
    "crm_customer_value",
    "res_partner",
    "crm_customer_lifecycle_history",
    "mail_message",
    "crm_complaint",
    "mail_activity",
]


def vacuum(db):
    """Clean the dead rows a rolled-back run leaves, so that every run sees the same tables."""
    args = ["vacuumdb", "-q", "-d", db]
    for table in VACUUMED:
        args += ["-t", table]
    subprocess.run(args, check=True)


def measure(env, func, repeat, setup=None):
    """Median wall time (s) and peak memory (bytes) of ``func`` over ``repeat`` runs, each
    in a transaction rolled back afterwards (after ``setup``, which is not timed)."""
    times, peaks = [], []
    for _ in range(repeat):
        env.invalidate_all()
        env.registry.clear_cache()
        env.cr.execute("SAVEPOINT bench")
        if setup:
            setup()
            env.flush_all()
            env.invalidate_all()
        with PeakMemory() as mem:
            t = time.perf_counter()
            func()
            env.flush_all()
            times.append(time.perf_counter() - t)
        env.cr.rollback()
        env.invalidate_all()
        peaks.append(mem.peak)
        if times[-1] > 0.5:
            vacuum(env.cr.dbname)
    return statistics.median(times), max(peaks)


# ----------------------------------------------------------------------------------------
# Baselines: one bare SQL statement over the same rows the operation reads.
# ----------------------------------------------------------------------------------------

BASELINES = {
    "orders by customer": """
        SELECT p.commercial_partner_id, MIN(so.date_order), MAX(so.date_order), COUNT(*)
          FROM sale_order so
          JOIN res_partner p ON p.id = so.partner_id
         WHERE so.state = 'sale' AND so.company_id = %(company_id)s
         GROUP BY p.commercial_partner_id
    """,
    "invoice lines by customer": """
        SELECT m.commercial_partner_id, SUM(l.balance), SUM(l.quantity), COUNT(*)
          FROM account_move_line l
          JOIN account_move m ON m.id = l.move_id
         WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
           AND m.company_id = %(company_id)s
         GROUP BY m.commercial_partner_id
    """,
}


def baseline(env, name, ctx):
    query = BASELINES[name]

    def run():
        env.cr.execute(query, {"company_id": ctx["company"].id})
        env.cr.fetchall()

    return run


# ----------------------------------------------------------------------------------------
# Operations (each returns (callable, baseline name or None, target text or None))
# ----------------------------------------------------------------------------------------


def check_parallel_gather(env, ctx):
    """The full refresh gathers its figures on parallel connections; check once, on this
    data, that they are exactly what the one-statement gather of a single cursor reads."""
    import pandas as pd  # noqa: PLC0415

    model = env["crm.customer.value"]
    today = ctx["today"]
    cls = type(model)
    original = cls._query_frames_parallel
    used = []

    def spy(self, queries, params):
        frames = original(self, queries, params)
        used.append(frames is not None)
        return frames

    cls._query_frames_parallel = spy
    try:
        parallel = model._gather(ctx["company"], today, None)
        cls._query_frames_parallel = lambda self, queries, params: None
        single = model._gather(ctx["company"], today, None)
    finally:
        cls._query_frames_parallel = original
    assert used == [True], "the full refresh did not gather in parallel"
    pd.testing.assert_frame_equal(parallel, single)
    env.cr.rollback()
    print(f"parallel gather checked against the one-statement gather: {len(single):,} rows equal")


def op_value_full_refresh(env, ctx):
    model = env["crm.customer.value"]
    from freezegun import freeze_time  # noqa: PLC0415 - a test dependency of Odoo

    check_parallel_gather(env, ctx)

    def run():
        # the next night: recency and time alive move for every customer, every row changes
        with freeze_time(ctx["today"] + timedelta(days=1)):
            model._refresh(ctx["company"])

    return (
        run,
        "invoice lines by customer",
        {"seconds": 20, "memory_mb": 1536, "ratio": 4},
    )


def op_value_single_refresh(env, ctx):
    model = env["crm.customer.value"]
    ids = ctx["sample_partner_ids"]
    it = iter(ids * 100)

    def run():
        model._refresh(ctx["company"], [next(it)])

    return run, None, {"seconds": 0.050}


def reset_lifecycle(env, company):
    """Forget every stage and history row: the next evaluation is a first classification."""
    env.cr.execute("DELETE FROM crm_customer_lifecycle_history WHERE company_id = %s", [company.id])
    env.cr.execute(
        "UPDATE res_partner SET lifecycle_stage = NULL, lifecycle_stage_date = NULL "
        "WHERE lifecycle_stage IS NOT NULL"
    )


def op_lifecycle_first(env, ctx):
    """The first run after installation: every customer gets a stage and a history row."""
    service = env["crm.customer.lifecycle"]

    def setup():
        reset_lifecycle(env, ctx["company"])

    return lambda: service._evaluate(ctx["company"]), "orders by customer", {"seconds": 10}, setup


def op_lifecycle_nightly(env, ctx):
    """The next night's run once every customer has a stage."""
    service = env["crm.customer.lifecycle"]
    from freezegun import freeze_time  # noqa: PLC0415 - a test dependency of Odoo

    def run():
        with freeze_time(ctx["today"] + timedelta(days=1)):
            service._evaluate(ctx["company"])

    def setup():
        service._evaluate(ctx["company"])

    return run, "orders by customer", {"seconds": 30}, setup


def op_lifecycle_single(env, ctx):
    service = env["crm.customer.lifecycle"]
    it = iter(ctx["sample_partner_ids"] * 100)
    return lambda: service._evaluate(ctx["company"], [next(it)], "event"), None, None


def op_kpi_dashboard(env, ctx):
    """The dashboard's figures: every KPI for last month and the month before."""
    kpi = env["crm.customer.kpi"]
    end = ctx["today"].replace(day=1) - timedelta(days=1)
    return lambda: kpi._compare(ctx["company"], end.replace(day=1), end), None, {"seconds": 2}


def op_kpi_staff(env, ctx):
    """The staff scorecard: every salesperson's KPIs for last month (and the month before
    for the net value growth)."""
    kpi = env["crm.customer.kpi"]
    end = ctx["today"].replace(day=1) - timedelta(days=1)
    return lambda: kpi._staff(ctx["company"], end.replace(day=1), end), None, {"seconds": 2}


def _grouped_read(env, model, groupby, aggregates, domain=()):
    def run():
        env[model]._read_group(list(domain), groupby, aggregates)

    return run


def op_report_cohorts(env, ctx):
    run = _grouped_read(
        env, "crm.customer.cohort.report", ["cohort_month:month", "month_offset"], ["retention:sum"]
    )
    return run, None, {"seconds": 0.5}


def op_report_funnel(env, ctx):
    run = _grouped_read(
        env,
        "crm.customer.lifecycle.report",
        ["stage", "user_id"],
        ["__count", "days_in_stage:avg"],
        [("is_current", "=", True)],
    )

    def setup():
        env["crm.customer.lifecycle"]._evaluate(ctx["company"])

    return run, None, {"seconds": 0.5}, setup


def op_report_values(env, ctx):
    run = _grouped_read(
        env, "crm.customer.value", ["value_tier", "rfm_segment"], ["__count", "net_value:sum"]
    )
    return run, None, {"seconds": 0.5}


def op_report_deliveries(env, ctx):
    run = _grouped_read(
        env,
        "crm.customer.delivery.report",
        ["value_tier", "kind"],
        ["__count", "late:avg", "delay_days:avg"],
    )
    return run, None, {"seconds": 0.5}


def op_report_receivables(env, ctx):
    run = _grouped_read(
        env,
        "crm.customer.receivable.report",
        ["value_tier", "aging"],
        ["__count", "residual:sum", "overdue:sum"],
    )
    return run, None, {"seconds": 0.5}


def op_complaint_escalation(env, ctx):
    """The escalation cron over the open complaints, 1 % of them newly breached."""
    model = env["crm.complaint"]
    return model._cron_escalate, None, {"seconds": 10}


def op_complaint_report(env, ctx):
    run = _grouped_read(
        env,
        "crm.complaint.report",
        ["root_cause_id", "severity"],
        ["__count", "hours_to_resolution:avg", "sla_met:avg", "compensation_amount:sum"],
    )
    return run, None, {"seconds": 0.5}


def op_events_drain(env, ctx):
    """The customer event queue drained: 10,000 changed customers (each refreshed, then
    evaluated), as the queue's scheduled action does after a busy hour."""
    queue = env["crm.customer.event"]

    def setup():
        env.cr.execute(
            """INSERT INTO crm_customer_event (company_id, partner_id, state, attempts,
                                               refresh_value, evaluate_lifecycle)
               SELECT company_id, partner_id, 'pending', 0, TRUE, TRUE
                 FROM crm_customer_value WHERE company_id = %s
                ORDER BY partner_id LIMIT 10000""",
            [ctx["company"].id],
        )

    return queue._process_queue, None, {"seconds": 10}, setup


OPERATIONS = {
    "value: full refresh": op_value_full_refresh,
    "value: single-customer refresh": op_value_single_refresh,
    "lifecycle: first classification": op_lifecycle_first,
    "lifecycle: nightly evaluation": op_lifecycle_nightly,
    "lifecycle: single-customer event": op_lifecycle_single,
    "kpi: dashboard (one period + previous)": op_kpi_dashboard,
    "kpi: staff scorecard (one period)": op_kpi_staff,
    "report: cohort retention grouped read": op_report_cohorts,
    "report: lifecycle funnel grouped read": op_report_funnel,
    "report: customer values grouped read": op_report_values,
    "report: deliveries by segment grouped read": op_report_deliveries,
    "report: receivables by tier grouped read": op_report_receivables,
    "complaints: escalation cron": op_complaint_escalation,
    "complaints: analysis grouped read": op_complaint_report,
    "events: queue drain (10,000 customers)": op_events_drain,
}

# Operations run many times instead of --repeat (cheap ones get a stable median).
REPEAT_OVERRIDE = {
    "value: single-customer refresh": 25,
    "lifecycle: single-customer event": 25,
}


# ----------------------------------------------------------------------------------------


def posting_overhead(env, ctx, posts):
    """Median time of posting one customer invoice (and the work its commit runs) with the
    addon's customer events recorded and with the recording switched off, on the same
    invoices: each draft is posted both ways, in turn, each time rolled back."""
    company = ctx["company"]
    rng = random.Random(7)
    ids = ctx["all_partner_ids"]
    partners = env["res.partner"].browse(rng.sample(ids, min(posts, len(ids))))
    product = env["product.product"].search(
        [("sale_ok", "=", True), ("company_id", "in", [company.id, False])], limit=1
    )
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": ctx["today"],
                "invoice_line_ids": [
                    (0, 0, {"product_id": product.id, "quantity": 1, "price_unit": 100.0})
                ],
            }
            for partner in partners
        ]
    )
    env.flush_all()
    cls = type(env["crm.customer.event"])
    recording = cls._record
    times = {True: [], False: []}
    for i, move in enumerate(moves):
        for on in (True, False) if i % 2 else (False, True):
            cls._record = recording if on else (lambda self, *a, **k: None)
            env.cr.execute("SAVEPOINT post")
            env.invalidate_all()
            t = time.perf_counter()
            move.action_post()
            env.flush_all()
            env.cr.precommit.run()  # what the commit runs: the events' INSERT
            times[on].append(time.perf_counter() - t)
            env.cr.execute("ROLLBACK TO SAVEPOINT post")
    cls._record = recording
    env.invalidate_all()
    return statistics.median(times[True]), statistics.median(times[False])


def report_posting_overhead(env, ctx, args, results, failed):
    with_events, without = posting_overhead(env, ctx, args.posts)
    overhead = with_events / without - 1
    ok = overhead <= 0.05
    results["operations"]["events: invoice post overhead"] = {
        "median_with_s": round(with_events, 4),
        "median_without_s": round(without, 4),
        "posts": args.posts,
        "overhead": round(overhead, 4),
        "met": ok,
    }
    print(
        f"{'events: invoice post, events recorded':40s} {with_events:>9.4f}s"
        f"\n{'events: invoice post, recording off':40s} {without:>9.4f}s"
        f"\n{'events: posting overhead':40s} {overhead:>+9.1%}"
        f"  over {args.posts:,} posts each, <= 5 % {'OK' if ok else 'MISSED'}",
        flush=True,
    )
    if not ok:
        failed.append("events: invoice post overhead")
    env.cr.rollback()


def selected(args):
    return [n for n in OPERATIONS if not args.only or any(n.startswith(p) for p in args.only)]


def database_ready(db, customers):
    from odoo.sql_db import db_connect  # noqa: PLC0415

    try:
        with db_connect(db).cursor() as cr:
            cr.execute(
                "SELECT value FROM ir_config_parameter WHERE key = %s",
                ["crm_customer_management.bench_customers"],
            )
            row = cr.fetchone()
            return bool(row) and int(row[0]) == customers
    except Exception:  # noqa: BLE001 - database absent or not initialised
        return False


def build_database(args, db):
    env = dict(os.environ)
    # no NOTICE when there is nothing to drop, no WARNING for the shared catalogs that
    # only a superuser may vacuum
    env["PGOPTIONS"] = "-c client_min_messages=error"
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=True, env=env)
    print(f"building {db}: installing the addon ...", flush=True)
    t = time.time()
    subprocess.run(
        [
            str(ROOT / "bin" / "odoo"),
            "-d",
            db,
            "-i",
            "crm_customer_management",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
        env=env,
    )
    print(
        f"  installed in {time.time() - t:.0f} s; generating {args.customers} customers", flush=True
    )
    t = time.time()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "generate_data.py"),
            "-c",
            args.config,
            "-d",
            db,
            "--customers",
            str(args.customers),
            "--seed",
            str(args.seed),
        ],
        check=True,
        env=env,
    )
    print(f"  generated in {time.time() - t:.0f} s", flush=True)
    subprocess.run(
        [
            "psql",
            "-q",
            "-d",
            db,
            "-c",
            "INSERT INTO ir_config_parameter (key, value) VALUES "
            f"('crm_customer_management.bench_customers', '{args.customers}')",
        ],
        check=True,
        env=env,
    )
    subprocess.run(["vacuumdb", "-q", "-z", "-d", db], check=True, env=env)


# Complaints per generated customer: 10 (1,000,000 at 100,000 customers), one open in ten,
# one customer in a hundred with an open complaint past its first-response deadline.
COMPLAINTS_PER_CUSTOMER = 10


def complaint_counts(customers):
    """(total, open, breached) benchmark complaints for a database of ``customers``."""
    return customers * COMPLAINTS_PER_CUSTOMER, customers, max(customers // 100, 1)


def ensure_complaints(env, company, customers):
    """10 complaints per customer written set-based, once for a size: one in ten open (one
    customer in a hundred past its first-response deadline, not escalated yet), the rest
    resolved and closed over two years. A database holding another count (an older run's
    fixed 1,000,000) gets its benchmark complaints rewritten."""
    total, open_count, breached = complaint_counts(customers)
    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM crm_complaint WHERE name LIKE %s", ["CMPB/%"])
    existing = cr.fetchone()[0]
    if existing == total:
        return
    if existing:
        cr.execute("DELETE FROM crm_complaint WHERE name LIKE %s", ["CMPB/%"])
    t = time.time()
    ref = env.ref
    stages = {
        key: ref(f"crm_customer_management.complaint_stage_{key}").id
        for key in ("new", "investigating", "closed")
    }
    cr.execute(
        "SELECT ARRAY_AGG(partner_id) FROM crm_customer_value WHERE company_id = %s", [company.id]
    )
    partners = cr.fetchone()[0]
    cr.execute("SELECT ARRAY_AGG(id) FROM crm_complaint_category")
    categories = cr.fetchone()[0]
    cr.execute("SELECT ARRAY_AGG(id) FROM crm_complaint_root_cause")
    causes = cr.fetchone()[0]
    cr.execute(
        """
        INSERT INTO crm_complaint
               (name, subject, partner_id, commercial_partner_id, company_id, channel,
                category_id, severity, priority, stage_id, is_closed, date_open,
                first_response_deadline, resolution_deadline, date_first_response,
                date_resolved, date_closed, root_cause_id, compensation_amount, csat_score,
                outcome, escalation_level, intake_state, create_uid, create_date, write_uid,
                write_date)
        SELECT 'CMPB/' || i, 'Benchmark complaint ' || i, p.id, p.id, %(company)s,
               (ARRAY['email', 'phone', 'portal', 'chat'])[1 + i %% 4],
               (%(categories)s::int[])[1 + i %% CARDINALITY(%(categories)s::int[])],
               (ARRAY['low', 'medium', 'high', 'critical'])[1 + (i * 7) %% 4], '0',
               CASE WHEN i <= %(open)s THEN
                    CASE WHEN i %% 2 = 0 THEN %(new)s ELSE %(investigating)s END
                    ELSE %(closed)s END,
               i > %(open)s, o.opened,
               o.opened + INTERVAL '8 hours', o.opened + INTERVAL '40 hours',
               CASE WHEN i > %(open)s OR i %% 2 = 1 THEN o.opened + INTERVAL '3 hours' END,
               CASE WHEN i > %(open)s THEN o.opened + (i %% 60) * INTERVAL '1 hour' END,
               CASE WHEN i > %(open)s THEN o.opened + (i %% 60 + 2) * INTERVAL '1 hour' END,
               CASE WHEN i > %(open)s
                    THEN (%(causes)s::int[])[1 + i %% CARDINALITY(%(causes)s::int[])] END,
               CASE WHEN i %% 10 = 0 THEN (i %% 200)::numeric ELSE 0 END,
               CASE WHEN i > %(open)s THEN 1 + i %% 5 ELSE 0 END,
               CASE WHEN i > %(open)s THEN
                    (ARRAY['retained', 'retained', 'won_back', 'lost'])[1 + i %% 4] END,
               0, 'qualified', 1, NOW(), 1, NOW()
          FROM generate_series(1, %(total)s) AS i
          JOIN res_partner p
               ON p.id = (%(partners)s::int[])[1 + i %% CARDINALITY(%(partners)s::int[])]
         CROSS JOIN LATERAL (
               SELECT CASE
                   WHEN i <= %(breached)s THEN NOW() AT TIME ZONE 'UTC' - INTERVAL '9 hours'
                   WHEN i <= %(open)s THEN NOW() AT TIME ZONE 'UTC' - (i %% 5) * INTERVAL '1 hour'
                   ELSE NOW() AT TIME ZONE 'UTC' - (i %% 730) * INTERVAL '1 day' END AS opened
         ) o
        """,
        {
            "company": company.id,
            "categories": categories,
            "causes": causes,
            "partners": partners,
            "total": total,
            "open": open_count,
            "breached": breached,
            **stages,
        },
    )
    cr.commit()
    print(f"  {total:,} complaints written in {time.time() - t:.0f} s", flush=True)
    subprocess.run(["vacuumdb", "-q", "-z", "-d", cr.dbname, "-t", "crm_complaint"], check=True)


def ensure_lifecycle_current(env, company):
    """Complaints written in SQL bypass the events that make their customers dissatisfied:
    classify the customers once more, as a first run (no playbook), so that the nightly run
    measures an ordinary night and not a catch-up of 100,000 moves and their playbooks."""
    cr = env.cr
    key = "crm_customer_management.bench_classified_with_complaints"
    cr.execute("SELECT COUNT(*) FROM crm_complaint")
    complaints = str(cr.fetchone()[0])
    params = env["ir.config_parameter"].sudo()
    if complaints == "0" or params.get_param(key) == complaints:
        return
    t = time.time()
    reset_lifecycle(env, company)
    env.invalidate_all()
    env["crm.customer.lifecycle"]._evaluate(company)
    params.set_param(key, complaints)
    cr.commit()
    print(f"  customers classified with their complaints in {time.time() - t:.0f} s", flush=True)


def data_sizes(env, company):
    cr = env.cr
    cr.execute(
        """SELECT (SELECT COUNT(*) FROM res_partner WHERE customer_rank > 0
                                                 AND id = commercial_partner_id),
                  (SELECT COUNT(*) FROM sale_order WHERE state = 'sale'),
                  (SELECT COUNT(*) FROM sale_order_line),
                  (SELECT COUNT(*) FROM account_move
                    WHERE move_type IN ('out_invoice', 'out_refund') AND state = 'posted'),
                  (SELECT COUNT(*) FROM account_move_line l JOIN account_move m ON m.id = l.move_id
                    WHERE m.move_type IN ('out_invoice', 'out_refund') AND m.state = 'posted'),
                  (SELECT COUNT(*) FROM stock_move),
                  (SELECT COUNT(*) FROM crm_customer_value WHERE company_id = %s),
                  (SELECT COUNT(*) FROM crm_complaint),
                  (SELECT COUNT(*) FROM crm_complaint WHERE NOT is_closed)""",
        [company.id],
    )
    keys = (
        "customers",
        "confirmed orders",
        "order lines",
        "posted invoices+credit notes",
        "their journal items",
        "stock moves",
        "value profiles",
        "complaints",
        "open complaints",
    )
    return dict(zip(keys, cr.fetchone(), strict=True))


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    import odoo  # noqa: PLC0415 - importable once PYTHONPATH points at the Odoo source
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", args.config, "--log-level=warn"])
    # every client this run starts (odoo-bin, the generator, vacuumdb, psql): no NOTICE, and
    # no WARNING for the shared catalogs that only a superuser may vacuum
    os.environ["PGOPTIONS"] = "-c client_min_messages=error"
    db = f"ccm_bench_{args.customers}"
    if args.rebuild or not database_ready(db, args.customers):
        build_database(args, db)
    elif not args.no_upgrade:
        # the data stays; the addon is brought to the code of this checkout
        subprocess.run(
            [
                str(ROOT / "bin" / "odoo"),
                "-d",
                db,
                "-u",
                "crm_customer_management",
                "--stop-after-init",
                "--log-level=warn",
            ],
            check=True,
        )

    registry = odoo.modules.registry.Registry(db)
    results = {"database": db, "customers": args.customers, "operations": {}}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        cr.execute(
            "SELECT partner_id FROM crm_customer_value WHERE company_id = %s ORDER BY partner_id",
            [company.id],
        )
        ids = [r[0] for r in cr.fetchall()]
        ctx = {
            "company": company,
            "today": date.today(),
            "sample_partner_ids": random.Random(args.seed).sample(ids, min(25, len(ids))),
            "all_partner_ids": ids,
        }
        if any(name.startswith("complaints") for name in selected(args)):
            ensure_complaints(env, company, args.customers)
        ensure_lifecycle_current(env, company)
        sizes = data_sizes(env, company)
        results["data"] = sizes
        print(f"\nbenchmark database {db}, {os.cpu_count()} CPUs")
        for k, v in sizes.items():
            print(f"  {k:32s} {v:>12,}")
        print()
        header = f"{'operation':40s} {'median':>10s} {'peak RSS':>10s} {'baseline':>10s} "
        print(header + f"{'ratio':>7s}  target")
        baseline_cache = {}
        failed = []
        for name, factory in OPERATIONS.items():
            if args.only and not any(name.startswith(p) for p in args.only):
                continue
            func, base_name, target, *setup = factory(env, ctx)
            repeat = REPEAT_OVERRIDE.get(name, args.repeat)
            seconds, peak = measure(env, func, repeat, *setup)
            row = {
                "median_s": round(seconds, 4),
                "peak_rss_mb": round(peak / 2**20),
                "runs": repeat,
            }
            ratio_txt = base_txt = "-"
            if base_name:
                if base_name not in baseline_cache:
                    baseline_cache[base_name] = measure(
                        env, baseline(env, base_name, ctx), max(args.repeat, 3)
                    )[0]
                base = baseline_cache[base_name]
                row.update(
                    baseline=base_name, baseline_s=round(base, 4), ratio=round(seconds / base, 2)
                )
                ratio_txt, base_txt = f"{seconds / base:.1f}x", f"{base:.3f}s"
            ok = True
            target_txt = []
            if target:
                if "seconds" in target:
                    ok &= seconds <= target["seconds"]
                    target_txt.append(f"<= {target['seconds']} s")
                if "memory_mb" in target:
                    ok &= peak / 2**20 <= target["memory_mb"]
                    target_txt.append(f"<= {target['memory_mb']} MB")
                if "ratio" in target and base_name:
                    ok &= seconds / baseline_cache[base_name] <= target["ratio"]
                    target_txt.append(f"<= {target['ratio']}x")
                row["target"] = target
                row["met"] = ok
                if not ok:
                    failed.append(name)
            results["operations"][name] = row
            verdict = "" if not target else ("OK" if ok else "MISSED")
            print(
                f"{name:40s} {seconds:>9.3f}s {peak / 2**20:>8.0f}MB {base_txt:>10s} "
                f"{ratio_txt:>7s}  {', '.join(target_txt)} {verdict}",
                flush=True,
            )
        if any(name.startswith("events") for name in selected(args)) and args.posts:
            report_posting_overhead(env, ctx, args, results, failed)
        cr.rollback()
    out = (
        Path(args.output)
        if args.output
        else Path(config["data_dir"]).parent / f"bench-{args.customers}.json"
    )
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nresults written to {out}")
    if failed:
        print("targets missed: " + ", ".join(failed))
        return 0 if args.report_only else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
