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
from datetime import date, datetime, timedelta
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
        "--database", default=None, help="benchmark database (default ccm_bench_<customers>)"
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
    "crm_customer_text",
    "crm_customer_segment_member_rel",
    "crm_customer_segment_change",
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


def op_kpi_dashboard_page(env, ctx):
    """The dashboard's one call on the first paint: every KPI of last month with its twelve
    months of sparkline, the charts and the filters' options."""
    kpi = env["crm.customer.kpi"].with_company(ctx["company"])
    filters = {"period": "last_month", "company_id": ctx["company"].id}
    return lambda: kpi.get_dashboard_data(filters), None, {"seconds": 2}


def op_kpi_dashboard_period(env, ctx):
    """The dashboard's one call when the period changes to the last quarter."""
    kpi = env["crm.customer.kpi"].with_company(ctx["company"])
    filters = {"period": "last_quarter", "company_id": ctx["company"].id}
    return lambda: kpi.get_dashboard_data(filters), None, {"seconds": 2}


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


# -- churn model and text mining (issue 14, parts 3 and 4) ---------------------------------


def op_churn_train(env, ctx):
    """Training with evaluation: features at two cut-offs, the model, BG/NBD and recency
    measured on the hold-out, the customers scored with the best."""
    service = env["crm.customer.churn"]
    run = service._train(ctx["company"])
    print(
        f"churn model: {run.n_train:,} training / {run.n_test:,} hold-out customers, "
        f"churn rate {run.churn_rate:.1%}; AUC / top-decile lift: model "
        f"{run.auc_model:.3f} / {run.lift_model:.2f}, BG/NBD {run.auc_bgnbd:.3f} / "
        f"{run.lift_bgnbd:.2f}, recency {run.auc_recency:.3f} / {run.lift_recency:.2f}; "
        f"chosen: {run.chosen} {run.note or ''}",
        flush=True,
    )
    env.cr.rollback()
    return lambda: service._train(ctx["company"]), None, {"seconds": 30}


def _today(model):
    """Today as the nightly run sees it (the date in its user's time zone)."""
    from odoo import fields  # noqa: PLC0415

    return fields.Date.context_today(model)


def churn_model_of_the_night(env, ctx):
    """The company's churn model as the night leaves it: the values refreshed today (the
    nightly run refreshes them before it trains and scores), the model trained, both
    committed once."""
    service = env["crm.customer.churn"]
    company = ctx["company"]
    if not service._profiles_current(company, _today(service)):
        env["crm.customer.value"]._refresh(company)
        env.cr.commit()
        vacuum(env.cr.dbname)
    if not company.ccm_churn_model_id.params:
        service._train(company)
        env.cr.commit()
        vacuum(env.cr.dbname)
    return company.ccm_churn_model_id


def op_churn_score(env, ctx):
    """Scoring all customers with the night's model, as the nightly run scores them: in a
    transaction of its own that has written nothing yet (features as of today gathered side
    by side, deliveries, returns and payment delay read from the values refreshed earlier
    that night, one COPY, one UPDATE). Scoring in the training's own transaction would
    rewrite rows it has just written, whose foreign keys PostgreSQL then checks again (2.5 s
    of the 8.6 s measured that way)."""
    service = env["crm.customer.churn"]
    company = ctx["company"]
    model = churn_model_of_the_night(env, ctx)

    today = _today(service)

    def run():
        service._score(company, model, today)

    return run, None, {"seconds": 3}


def op_churn_score_stale(env, ctx):
    """The same when the values were not refreshed that day (the nightly value refresh
    failed or has not run yet): every feature gathered from the documents. Measured as the
    scoring of the next day, for which today's values are not current. No target: the
    night refreshes the values first."""
    service = env["crm.customer.churn"]
    company = ctx["company"]
    model = churn_model_of_the_night(env, ctx)

    tomorrow = _today(service) + timedelta(days=1)

    def run():
        service._score(company, model, tomorrow)

    return run, None, None


def behaviour_ari(env, company):
    """Adjusted Rand index of the customers' clusters against the generator's latent
    behaviour profiles (partner reference ``behaviour:<name>``), or None without them."""
    from sklearn.metrics import adjusted_rand_score  # noqa: PLC0415

    env.cr.execute(
        """SELECT v.cluster_id, p.ref FROM crm_customer_value v
             JOIN res_partner p ON p.id = v.partner_id
            WHERE v.company_id = %s AND v.cluster_id IS NOT NULL
              AND p.ref LIKE 'behaviour:%%'""",
        [company.id],
    )
    rows = env.cr.fetchall()
    if not rows:
        return None
    truth = [r[1] for r in rows]
    return adjusted_rand_score(truth, [r[0] for r in rows]), len(rows), set(truth)


def op_clusters(env, ctx):
    Cluster = env["crm.customer.cluster"]
    result = Cluster._run(ctx["company"])
    ari = behaviour_ari(env, ctx["company"])
    clusters = Cluster.search([("company_id", "=", ctx["company"].id)])
    print(f"clustering: k = {result.k} (silhouette {result.silhouette:.2f})")
    for c in clusters:
        print(f"  {c.name:12s} {c.size:>8,} customers  {c.description}")
    if ari:
        print(f"clustering against the latent behaviour profiles: ARI {ari[0]:.3f} on {ari[1]:,}")
        # the same with k set to the generator's number of profiles
        env.cr.rollback()
        ctx["company"].ccm_cluster_count = len(ari[2])
        Cluster._run(ctx["company"])
        ari_k = behaviour_ari(env, ctx["company"])
        print(f"  with k = {len(ari[2])} (the number of profiles): ARI {ari_k[0]:.3f}")
    env.cr.rollback()
    env.invalidate_all()

    def run():
        Cluster._run(ctx["company"])

    return run, None, {"seconds": 10, "memory_mb": 1024}


def _segments_of_the_benchmark(env, company):
    """Beside the seeded examples, the kinds of rules people write: the rule segments of
    ``company`` once these are created (in the caller's savepoint)."""
    Segment = env["crm.customer.segment"]
    countries = env["crm.customer.value"]._read_group(
        [("company_id", "=", company.id)],
        ["country_id"],
        ["__count"],
        order="__count desc",
        limit=2,
    )
    extra = [
        {
            "name": f"Top 20 % in {country.name}",
            "kind": "geographic",
            "top_percent": 20,
            "rule_domain": str([("country_id", "=", country.id)]),
        }
        for country, _count in countries
    ] + [
        {"name": "Most valuable", "rule_domain": "[('value_tier', '=', 'mvc')]"},
        {
            "name": "At risk RFM",
            "rule_domain": "[('rfm_segment', 'in', ['at_risk', 'cannot_lose'])]",
        },
        {"name": "Big baskets", "rule_domain": "[('avg_order_value', '>', 1000)]"},
        {
            "name": "Companies paying late",
            "rule_domain": str(
                [("partner_id.is_company", "=", True), ("late_payment_share", ">", 50)]
            ),
        },
    ]
    Segment.create([dict(vals, company_id=company.id) for vals in extra])
    return Segment.search([("company_id", "=", company.id), ("kind", "!=", "manual")])


def _print_segments_once(ctx, key, result):
    if not ctx.get(key):  # once, a few microseconds
        ctx[key] = True
        entered = sum(e for e, _left in result.values())
        left = sum(gone for _e, gone in result.values())
        print(f"{key}: {len(result)} rule segments, {entered:,} members entered, {left:,} left")


def op_segments(env, ctx):
    """The nightly refresh of every rule segment of the company: the members as the last
    night left them, of whom a tenth changed since (the customers whose id ends in 0
    enter again every segment they belong to, those ending in 1 leave the segments they
    were wrongly in: what a night's new values would move, over a tenth of the customers
    each way)."""
    company = ctx["company"]
    segments = []

    def setup():  # inside the run's savepoint
        segments[:] = [_segments_of_the_benchmark(env, company)]
        segments[0]._refresh_members()
        env.cr.execute(
            """
            WITH gone AS (
                DELETE FROM crm_customer_segment_member_rel
                 WHERE segment_id = ANY(%(ids)s) AND partner_id %% 10 = 0
            )
            INSERT INTO crm_customer_segment_member_rel (segment_id, partner_id)
            SELECT s.id, v.partner_id
              FROM crm_customer_value v
             CROSS JOIN unnest(%(ids)s::int[]) AS s(id)
             WHERE v.company_id = %(company)s AND v.partner_id %% 10 = 1
            ON CONFLICT DO NOTHING
            """,
            {"ids": segments[0].ids, "company": company.id},
        )

    def run():
        _print_segments_once(ctx, "segments (night)", segments[0]._refresh_members())

    return run, None, {"seconds": 3}, setup


def op_segments_first(env, ctx):
    """The first refresh of every rule segment, from empty: every member enters and is
    written to the history. No target: each member is a row of Odoo's relation table, whose
    insert and two foreign-key checks (PostgreSQL checks them row by row) are about 20 of
    the 25 µs a member costs."""
    company = ctx["company"]
    segments = []

    def setup():  # inside the run's savepoint
        segments[:] = [_segments_of_the_benchmark(env, company)]
        env.cr.execute(
            "DELETE FROM crm_customer_segment_member_rel WHERE segment_id = ANY(%s)",
            [segments[0].ids],
        )

    def run():
        _print_segments_once(ctx, "segments (first)", segments[0]._refresh_members())

    return run, None, None, setup


TEXT_COUNT = 100_000
LABELLED_SHARE = 5  # one text in five is a labelled survey comment
PRAISE = [
    "great service, thank you",
    "fast delivery and good quality",
    "very happy with the support team",
    "excellent product, I recommend it",
    "خیلی عالی بود، ممنون",
    "ارسال سریع و کیفیت خوب",
    "پشتیبانی مودب و حرفه ای",
    "از خرید راضی هستم",
]
CRITICISM = [
    "terrible, the box arrived broken",
    "late delivery and rude courier",
    "awful support, never again",
    "defective unit, I want a refund",
    "کالا خراب و دیر رسید",
    "پاسخگو نبودند، افتضاح",
    "کیفیت بد و گران",
    "از خرید ناراضی هستم",
]
FILLER = ["order", "today", "سفارش", "امروز", "again", "please", "لطفا", "box"]


def ensure_texts(env, company):
    """100,000 customer texts written set-based, once: praise and criticism in Persian and
    English with filler words, one in five a survey comment labelled by its score."""
    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM crm_customer_text WHERE company_id = %s", [company.id])
    if cr.fetchone()[0] >= TEXT_COUNT:
        return
    t = time.time()
    cr.execute(
        "SELECT ARRAY_AGG(partner_id) FROM crm_customer_value WHERE company_id = %s", [company.id]
    )
    partners = cr.fetchone()[0]
    cr.execute(
        """
        INSERT INTO crm_customer_text
               (company_id, partner_id, source, res_id, date, period, body, label,
                create_uid, create_date, write_uid, write_date)
        SELECT %(company)s, p,
               CASE WHEN i %% %(share)s = 0 THEN 'survey' ELSE 'complaint_message' END,
               -i, d, date_trunc('month', d)::date,
               CASE WHEN positive THEN (%(praise)s::text[])[1 + (i * 7) %% 8]
                    ELSE (%(criticism)s::text[])[1 + (i * 7) %% 8] END
                   || ' ' || (%(filler)s::text[])[1 + (i * 13) %% 8] || ' ' || i,
               CASE WHEN i %% %(share)s = 0 THEN
                    CASE WHEN positive THEN 'positive' ELSE 'negative' END END,
               1, NOW(), 1, NOW()
          FROM generate_series(1, %(total)s) AS i
         CROSS JOIN LATERAL (
               SELECT (%(partners)s::int[])[1 + i %% CARDINALITY(%(partners)s::int[])] AS p,
                      (i * 31) %% 100 < 60 AS positive,
                      NOW() AT TIME ZONE 'UTC' - (i %% 365) * INTERVAL '1 day' AS d
         ) x
        """,
        {
            "company": company.id,
            "share": LABELLED_SHARE,
            "praise": PRAISE,
            "criticism": CRITICISM,
            "filler": FILLER,
            "total": TEXT_COUNT,
            "partners": partners,
        },
    )
    cr.commit()
    print(f"  {TEXT_COUNT:,} customer texts written in {time.time() - t:.0f} s", flush=True)


def ensure_texts_scored(env, company):
    """The texts as a nightly run leaves them: scored, committed and vacuumed. Otherwise the
    one-new-text operation's setup rewrote 100,000 rows in its own transaction, and the
    search for the unscored text walked their 100,000 old versions (still unscored)."""
    cr = env.cr
    cr.execute(
        "UPDATE crm_customer_text SET sentiment = 'neutral', sentiment_score = 0"
        " WHERE company_id = %s AND sentiment IS NULL",
        [company.id],
    )
    if cr.rowcount:
        cr.commit()
        subprocess.run(
            ["vacuumdb", "-q", "-z", "-d", cr.dbname, "-t", "crm_customer_text"], check=True
        )


def op_text_train(env, ctx):
    """The sentiment model trained on the labelled comments, with 5-fold cross-validation."""
    service = env["crm.customer.sentiment"]
    run = service._train(ctx["company"])
    accuracy = f"{run.accuracy:.3f}" if run.method == "model" else "-"
    print(
        f"sentiment model: {run.method}, {run.labelled_count:,} labelled texts, "
        f"cross-validated accuracy {accuracy}, lexicon accuracy {run.lexicon_accuracy:.3f}",
        flush=True,
    )
    env.cr.rollback()
    return lambda: service._train(ctx["company"]), None, None


def op_text_bulk(env, ctx):
    """Sentiment of every text of the company (100,000), written back in bulk."""
    service = env["crm.customer.sentiment"]
    state = {}

    def setup():
        state["run"] = service._train(ctx["company"])

    return (
        lambda: service._score(ctx["company"], state["run"], only_new=False),
        None,
        {"seconds": 20},
        setup,
    )


def op_text_one(env, ctx):
    """One new text scored with the company's trained model (held by the server once
    trained) and written back."""
    from odoo.addons.crm_customer_management.analytics import text  # noqa: PLC0415
    from odoo.addons.crm_customer_management.models import (  # noqa: PLC0415
        crm_customer_sentiment,
    )

    service = env["crm.customer.sentiment"]
    company = ctx["company"]
    model, _accuracy = text.train(*service._labelled(company), folds=0)
    state = {}

    def setup():
        run = env["crm.customer.sentiment.model"].create(
            {"company_id": company.id, "date": datetime.now(), "method": "model"}
        )
        crm_customer_sentiment._MODELS[env.cr.dbname, company.id, run.id] = model
        state["run"] = run
        # every text scored (a bulk run before was rolled back) but the newest one
        env.cr.execute(
            "UPDATE crm_customer_text SET sentiment = 'neutral', sentiment_score = 0"
            " WHERE company_id = %s AND sentiment IS NULL",
            [company.id],
        )
        env.cr.execute(
            "UPDATE crm_customer_text SET sentiment = NULL WHERE id = ("
            " SELECT MAX(id) FROM crm_customer_text WHERE company_id = %s)",
            [company.id],
        )

    def run():
        assert service._score(company, state["run"], only_new=True) == 1

    return run, None, {"seconds": 0.020}, setup


def op_text_themes(env, ctx):
    """Monthly themes (NMF) of a year of complaint texts."""
    service = env["crm.customer.sentiment"]
    return lambda: service._build_themes(ctx["company"]), None, None


def op_offer_rules(env, ctx):
    """Association rules over the window's confirmed order lines: baskets = orders and
    baskets = customers, stored with the population figures of the suggestions."""
    service = env["crm.customer.basket"]
    lines = service._gather_lines(ctx["company"])
    service._mine(ctx["company"])
    rules = env["crm.customer.product.rule"].search([("company_id", "=", ctx["company"].id)])
    kinds = {k: len(rules.filtered(lambda r, k=k: r.kind == k)) for k in ("order", "customer")}
    print(
        f"basket analysis: {len(lines):,} order lines, {lines['order_id'].nunique():,} orders, "
        f"{lines['partner_id'].nunique():,} customers, {lines['product_id'].nunique():,} "
        f"products; rules kept: {kinds['order']:,} by order, {kinds['customer']:,} by customer",
        flush=True,
    )
    env.cr.rollback()
    env.invalidate_all()
    return lambda: service._mine(ctx["company"]), None, {"seconds": 20, "memory_mb": 1536}


def op_offer_one(env, ctx):
    """Next best offers of one customer (its lines, the rules of its products, one upsert),
    after the night's mining."""
    service = env["crm.customer.basket"]
    it = iter(ctx["sample_partner_ids"] * 100)

    def setup():
        service._mine(ctx["company"])

    def run():
        service._suggest(ctx["company"], [next(it)])

    return run, None, {"seconds": 0.050}, setup


def op_offer_all(env, ctx):
    """Next best offers of every customer in the nightly run: the night after a first one
    (the suggestions exist; those made again as they were are not rewritten). The first
    night, which writes every suggestion, is timed in the setup and printed."""
    service = env["crm.customer.basket"]

    def setup():
        lines = service._mine(ctx["company"])
        started = time.perf_counter()
        count = service._suggest(ctx["company"], lines=lines)
        env.flush_all()
        print(
            f"  first night: {count:,} next best offers written in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )

    def run():
        service._suggest(ctx["company"])

    return run, None, {"seconds": 20}, setup


# -- the CRM committee and the handover (issue 16) -----------------------------------------


def _bench_user(env, login):
    return env["res.users"].create(
        {"name": login, "login": login, "groups_id": [(6, 0, [env.ref("base.group_user").id])]}
    )


def op_committee_agenda(env, ctx):
    """The agenda of a committee meeting built for today: the KPIs of last month against the
    month before, root causes and themes on the rise, most valuable customers at risk, 50
    open decisions and 50 suggestions waiting."""
    company, state = ctx["company"], {}

    def setup():
        chair = _bench_user(env, "bench.chair")
        department = env.ref("crm_customer_management.department_warehouse")
        department.manager_id = chair
        committee = env["crm.customer.committee"].create(
            {"name": "Bench committee", "company_id": company.id, "chair_id": chair.id}
        )
        env["crm.customer.decision"].create(
            [
                {
                    "name": f"Decision {i}",
                    "company_id": company.id,
                    "department_id": department.id,
                    "user_id": chair.id,
                    "due_date": ctx["today"] + timedelta(days=i - 25),
                    "date": ctx["today"] - timedelta(days=60),
                }
                for i in range(50)
            ]
        )
        category = env.ref("crm_customer_management.suggestion_category_delivery")
        env["crm.customer.suggestion"].create(
            [
                {"name": f"Suggestion {i}", "category_id": category.id, "company_id": company.id}
                for i in range(50)
            ]
        )
        state["meeting"] = env["calendar.event"].create(
            {
                "name": "Bench meeting",
                "start": datetime.combine(ctx["today"], datetime.min.time()),
                "stop": datetime.combine(ctx["today"], datetime.min.time()) + timedelta(hours=2),
                "ccm_committee_id": committee.id,
            }
        )

    return lambda: state["meeting"]._ccm_build_agenda(), None, {"seconds": 3}, setup


def op_handover(env, ctx):
    """A salesperson holding 10,000 customers and 50,000 activities hands over to two
    successors: the most valuable customers each with a note, half of them (and all their
    documents) to the second successor, the rest to the first."""
    state = {}

    def setup():
        leaving, first, second = (
            _bench_user(env, login) for login in ("bench.leaving", "bench.first", "bench.second")
        )
        ids = ctx["all_partner_ids"][:10000]
        env.cr.execute("UPDATE res_partner SET user_id = %s WHERE id = ANY(%s)", [leaving.id, ids])
        model_id = env["ir.model"]._get_id("res.partner")
        todo = env.ref("mail.mail_activity_data_todo").id
        env.cr.execute(
            """INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id,
                                          summary, date_deadline, user_id, create_uid,
                                          write_uid, create_date, write_date)
               SELECT %s, 'res.partner', p.id, %s, 'Call ' || n, CURRENT_DATE + n, %s, 1, 1,
                      now(), now()
                 FROM unnest(%s::int[]) AS p(id), generate_series(1, 5) AS n""",
            [model_id, todo, leaving.id, ids],
        )
        env.invalidate_all()
        Wizard = env["res.users.handover"]
        mvc = Wizard._mvc_ids(leaving)
        state["wizard"] = Wizard.create(
            {
                "user_id": leaving.id,
                "successor_id": first.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "partner_id": pid,
                            "must_note": True,
                            "successor_id": second.id if i % 2 else False,
                            "note": "Knows the buyer; prefers calls in the morning.",
                        },
                    )
                    for i, pid in enumerate(mvc)
                ],
            }
        )

    return lambda: state["wizard"].action_confirm(), None, {"seconds": 30}, setup


# -- interaction: the timeline and the NPS programme (issue 15, parts 1 and 3) ---------


def op_timeline(env, ctx):
    """One page of the timeline of a customer with 5,000 events (3,000 logged contacts
    and 2,000 e-mails on the partner, written set-based in the setup, besides its orders,
    deliveries, invoices and payments), as the list view reads it: the page and the count
    of the pager, under the record rules of the customer's salesperson."""
    company = ctx["company"]
    partner = env["res.partner"].browse(ctx["sample_partner_ids"][0])
    user = partner.user_id or env.ref("base.user_admin")
    timeline = env["crm.customer.timeline"].with_user(user).with_company(company)
    domain = [("partner_id", "=", partner.id)]
    fields = ["date", "kind", "channel_id", "direction", "name", "summary", "user_id", "score"]

    def setup():
        phone = env.ref("crm_customer_management.crm_customer_channel_phone")
        comment = env.ref("mail.mt_comment")
        env.cr.execute(
            """INSERT INTO crm_customer_touchpoint
                   (name, channel_id, direction, date, user_id, partner_id,
                    commercial_partner_id, company_id, create_uid, create_date, write_uid,
                    write_date)
               SELECT 'Call ' || g, %(phone)s, CASE WHEN MOD(g, 2) = 0 THEN 'in' ELSE 'out' END,
                      NOW() - g * INTERVAL '1 hour', %(user)s, %(partner)s, %(partner)s,
                      %(company)s, 1, NOW(), 1, NOW()
                 FROM generate_series(1, 3000) g""",
            {"phone": phone.id, "user": user.id, "partner": partner.id, "company": company.id},
        )
        env.cr.execute(
            """INSERT INTO mail_message
                   (model, res_id, message_type, subtype_id, body, date, author_id,
                    create_uid, create_date, write_uid, write_date)
               SELECT 'res.partner', %(partner)s, 'email', %(comment)s,
                      '<p>Message ' || g || '</p>', NOW() - g * INTERVAL '90 minutes',
                      CASE WHEN MOD(g, 2) = 0 THEN %(partner)s ELSE %(author)s END,
                      1, NOW(), 1, NOW()
                 FROM generate_series(1, 2000) g""",
            {"partner": partner.id, "comment": comment.id, "author": user.partner_id.id},
        )
        env.cr.execute("ANALYZE crm_customer_touchpoint")

    def run():
        rows = timeline.search_fetch(domain, fields, limit=80)
        total = timeline.search_count(domain)
        if not ctx.get("timeline_printed"):
            ctx["timeline_printed"] = True
            print(f"timeline: {total:,} events of the customer, a page of {len(rows)}")

    return run, None, {"seconds": 0.3}, setup


def op_nps_schedule(env, ctx):
    """The relationship NPS wave of a month: the due contacts of every active customer
    selected and queued in one INSERT ... SELECT (every 6 months, 100 % sample, the
    consent and minimum-interval conditions)."""
    company = ctx["company"]
    programme = env["crm.customer.survey.programme"]

    def setup():
        company.write({"ccm_nps_enabled": True, "ccm_nps_sample_percent": 100.0})

    def run():
        count = programme._schedule_nps(company)
        if not ctx.get("nps_printed"):
            ctx["nps_printed"] = True
            print(f"nps: {count:,} invitations queued")

    return run, None, {"seconds": 5}, setup


OPERATIONS = {
    "value: full refresh": op_value_full_refresh,
    "value: single-customer refresh": op_value_single_refresh,
    "lifecycle: first classification": op_lifecycle_first,
    "lifecycle: nightly evaluation": op_lifecycle_nightly,
    "lifecycle: single-customer event": op_lifecycle_single,
    "kpi: dashboard (one period + previous)": op_kpi_dashboard,
    "kpi: dashboard page (KPIs, sparklines, charts)": op_kpi_dashboard_page,
    "kpi: dashboard period change (last quarter)": op_kpi_dashboard_period,
    "kpi: staff scorecard (one period)": op_kpi_staff,
    "report: cohort retention grouped read": op_report_cohorts,
    "report: lifecycle funnel grouped read": op_report_funnel,
    "report: customer values grouped read": op_report_values,
    "report: deliveries by segment grouped read": op_report_deliveries,
    "report: receivables by tier grouped read": op_report_receivables,
    "complaints: escalation cron": op_complaint_escalation,
    "complaints: analysis grouped read": op_complaint_report,
    "events: queue drain (10,000 customers)": op_events_drain,
    "churn: training with evaluation": op_churn_train,
    "churn: scoring all customers": op_churn_score,
    "churn: scoring all customers, values of another day": op_churn_score_stale,
    "text: sentiment model training": op_text_train,
    "text: sentiment of all texts": op_text_bulk,
    "text: sentiment of one new text": op_text_one,
    "text: themes of a year": op_text_themes,
    "clusters: all customers": op_clusters,
    "segments: nightly refresh of all rule segments": op_segments,
    "segments: first refresh of all rule segments, from empty": op_segments_first,
    "offers: association rules over all orders": op_offer_rules,
    "offers: next best offers of one customer": op_offer_one,
    "offers: next best offers of all customers": op_offer_all,
    "committee: agenda of a meeting": op_committee_agenda,
    "committee: handover of 10,000 customers and 50,000 activities": op_handover,
    "timeline: one customer with 5,000 events": op_timeline,
    "nps: scheduling a wave over all contacts": op_nps_schedule,
}

# Operations run many times instead of --repeat (cheap ones get a stable median).
REPEAT_OVERRIDE = {
    "value: single-customer refresh": 25,
    "lifecycle: single-customer event": 25,
    "text: sentiment of one new text": 25,
    "offers: next best offers of one customer": 7,
    "timeline: one customer with 5,000 events": 10,
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


def prepare_data(env, company, args):
    """The data some operations need besides the generator's, written once."""
    if any(name.startswith("complaints") for name in selected(args)):
        ensure_complaints(env, company, args.customers)
    ensure_lifecycle_current(env, company)
    if any(name.startswith("text") for name in selected(args)):
        ensure_texts(env, company)
        ensure_texts_scored(env, company)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    import odoo  # noqa: PLC0415 - importable once PYTHONPATH points at the Odoo source
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", args.config, "--log-level=warn"])
    # every client this run starts (odoo-bin, the generator, vacuumdb, psql): no NOTICE, and
    # no WARNING for the shared catalogs that only a superuser may vacuum
    os.environ["PGOPTIONS"] = "-c client_min_messages=error"
    db = args.database or f"ccm_bench_{args.customers}"
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
        prepare_data(env, company, args)
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
