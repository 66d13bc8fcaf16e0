import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..const import CCM_MANAGER
from ..tools.cron import try_lock_company

_logger = logging.getLogger(__name__)

# key of the events a transaction records, in ``cr.precommit.data``
PENDING_KEY = "crm_customer_management.events"
BATCH_SIZE = 2000
MAX_ATTEMPTS = 5
# minutes before a failed event is tried again, times the number of attempts so far
RETRY_MINUTES = 5
STATES = [("pending", "Pending"), ("failed", "Failed")]


class CrmCustomerEvent(models.Model):
    """A customer changed: the queue between the documents of sales, accounting and
    inventory and the customer analytics.

    Posting an invoice, registering a payment, confirming an order, validating a delivery,
    engaging a lead, answering a survey or opening a complaint only records which
    (company, customer) changed, in one INSERT at the end of that transaction; nothing of
    the analytics runs inside it, so nothing of it can fail or slow the user's document.
    A scheduled action, triggered right after the commit, claims the events in batches
    (``FOR UPDATE SKIP LOCKED``: several workers never take the same batch), refreshes the
    customers' value profiles, then evaluates their lifecycle stage, and deletes the
    events in the same transaction: an event is done exactly once in effect, the refresh
    and the evaluation being idempotent. A failing batch is retried customer by customer,
    so that one faulty customer does not hold the others; what keeps failing is marked
    failed, logged and listed for the managers, never lost."""

    _name = "crm.customer.event"
    _description = "Customer Event"
    _order = "id"

    company_id = fields.Many2one(
        "res.company",
        readonly=True,
        index=True,
        ondelete="cascade",
        help="Empty: every company the customer is known in (e.g. a survey answer).",
    )
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    res_model = fields.Char("Document Model", readonly=True)
    res_id = fields.Many2oneReference("Document ID", model_field="res_model", readonly=True)
    refresh_value = fields.Boolean(readonly=True)
    evaluate_lifecycle = fields.Boolean(readonly=True)
    state = fields.Selection(STATES, default="pending", required=True, readonly=True, index=True)
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(readonly=True)
    error = fields.Text(readonly=True)

    # ------------------------------------------------------------------
    # Recording (inside the user's transaction: nothing but ids in memory)
    # ------------------------------------------------------------------

    @api.model
    def _record(self, items, refresh_value=False, evaluate_lifecycle=False):
        """Remember that these customers changed; written in one INSERT when the
        transaction commits. ``items``: iterable of (company id or None, partner id,
        document record or None). Reads nothing: the caller passes ids it holds."""
        data = self.env.cr.precommit.data
        pending = data.get(PENDING_KEY)
        if pending is None:
            pending = data[PENDING_KEY] = {}
            self.env.cr.precommit.add(self._flush_recorded)
        for company_id, partner_id, document in items:
            if not partner_id:
                continue
            key = (company_id or None, partner_id)
            entry = pending.get(key)
            if entry is None:
                ref = (document._name, document.id) if document else (None, None)
                entry = pending[key] = [ref[0], ref[1], False, False]
            elif entry[0] is None and document:
                entry[0], entry[1] = document._name, document.id
            entry[2] = entry[2] or refresh_value
            entry[3] = entry[3] or evaluate_lifecycle

    def _flush_recorded(self):
        """Precommit: the recorded events in one INSERT, and one trigger of the queue's
        scheduled action for right after the commit (both in the same statement)."""
        pending = self.env.cr.precommit.data.pop(PENDING_KEY, None)
        if not pending:
            return
        # the id from the registry's cache (no query; ``env.ref`` would check it exists)
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "crm_customer_management.ir_cron_customer_event_process", raise_if_not_found=False
        )
        keys = list(pending)
        rows = [pending[k] for k in keys]
        # A raw INSERT on purpose: this runs in every posting's commit, and must neither
        # read the customer as the current user nor cost more than one statement.
        self.env.cr.execute(
            SQL(
                """
            WITH ev AS (
                INSERT INTO crm_customer_event
                       (company_id, partner_id, res_model, res_id, refresh_value,
                        evaluate_lifecycle, state, attempts, create_uid, create_date,
                        write_uid, write_date)
                SELECT c, p, m, r, v, l, 'pending', 0, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM UNNEST(%(companies)s::int4[], %(partners)s::int4[],
                              %(models)s::varchar[], %(ids)s::int4[], %(values)s::bool[],
                              %(lifecycles)s::bool[]) AS t(c, p, m, r, v, l)
                RETURNING 1
            )
            INSERT INTO ir_cron_trigger (cron_id, call_at, create_uid, create_date,
                                         write_uid, write_date)
            SELECT %(cron)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC',
                   %(uid)s, NOW() AT TIME ZONE 'UTC'
             WHERE %(cron)s IS NOT NULL AND EXISTS (SELECT 1 FROM ev)
            """,
                uid=self.env.uid,
                companies=[k[0] for k in keys],
                partners=[k[1] for k in keys],
                models=[r[0] for r in rows],
                ids=[r[1] for r in rows],
                values=[r[2] for r in rows],
                lifecycles=[r[3] for r in rows],
                cron=cron_id or None,
            )
        )
        if cron_id:
            # wake the cron workers once committed, as ir.cron._trigger does
            self.env.cr.postcommit.add(self.env["ir.cron"].browse(cron_id)._notifydb)

    # ------------------------------------------------------------------
    # Processing (the queue's scheduled action)
    # ------------------------------------------------------------------

    @api.model
    def _cron_process_queue(self):
        """One batch per call; the cron runner commits and calls again while the progress
        it is told says events remain (``ir.cron._notify_progress``)."""
        done = self._process_batch(BATCH_SIZE)
        self.env.cr.execute(
            "SELECT COUNT(*) FROM crm_customer_event WHERE state = 'pending'"
            " AND (next_attempt IS NULL OR next_attempt <= NOW() AT TIME ZONE 'UTC')"
        )
        remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        self._schedule_retry()

    @api.model
    def _process_queue(self, batch_size=BATCH_SIZE):
        """Process every due event, batch after batch, in this transaction (a manager's
        button, the tests). Returns the number of events done."""
        self._check_manager()
        total = 0
        while True:
            done = self._process_batch(batch_size)
            if not done:
                return total
            total += done

    def _schedule_retry(self):
        """Wake the queue again when the next failed event is due."""
        self.env.cr.execute(
            "SELECT MIN(next_attempt) FROM crm_customer_event WHERE state = 'pending'"
            " AND next_attempt > NOW() AT TIME ZONE 'UTC'"
        )
        due = self.env.cr.fetchone()[0]
        if due:
            self.env.ref("crm_customer_management.ir_cron_customer_event_process")._trigger(due)

    def _claim(self, batch_size):
        """Lock up to ``batch_size`` due events that no other worker holds, and every other
        pending event of the same customers (so that one customer is done once)."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """
            SELECT id, partner_id FROM crm_customer_event
             WHERE state = 'pending'
               AND (next_attempt IS NULL OR next_attempt <= NOW() AT TIME ZONE 'UTC')
             ORDER BY id LIMIT %s
               FOR UPDATE SKIP LOCKED
            """,
            [batch_size],
        )
        rows = cr.fetchall()
        if not rows:
            return self.browse()
        ids = [row[0] for row in rows]
        cr.execute(
            """
            SELECT id FROM crm_customer_event
             WHERE state = 'pending' AND partner_id = ANY(%s) AND NOT id = ANY(%s)
               FOR UPDATE SKIP LOCKED
            """,
            [list({row[1] for row in rows}), ids],
        )
        return self.browse(sorted(ids + [row[0] for row in cr.fetchall()]))

    def _process_batch(self, batch_size):
        events = self._claim(batch_size)
        if not events:
            return 0
        failed = {}
        busy = []
        for company, items in events._group_by_company().items():
            if not try_lock_company(self.env.cr, company.id):
                # a nightly run holds the company: these wait for the next round
                busy += [eid for item in items for eid in item.event_ids]
                continue
            try:
                with self.env.cr.savepoint():
                    self._apply(company, items)
            except Exception:  # noqa: BLE001 - retried customer by customer below
                self.env.invalidate_all()
                failed.update(self._apply_one_by_one(company, items))
        if busy:
            self.env.cr.execute(
                "UPDATE crm_customer_event SET next_attempt = NOW() AT TIME ZONE 'UTC'"
                " + INTERVAL '1 minute' WHERE id = ANY(%s)",
                [busy],
            )
        # what was done is gone, in the transaction that did it; failures stay, marked
        kept = set(failed).union(busy)
        done = [eid for eid in events.ids if eid not in kept]
        if done:
            self.env.cr.execute("DELETE FROM crm_customer_event WHERE id = ANY(%s)", [done])
        for error, ids in _by_error(failed).items():
            self.browse(ids)._mark_failed(error)
        self.invalidate_model()
        return len(events)

    def _group_by_company(self):
        """{company: [_Customer]}: the events' commercial partners with what to do for each,
        read in one query (no record per event); company-less events go to every company
        the customer has a profile or a stage in."""
        self.env.cr.execute(
            """
            SELECT e.id, e.company_id, p.commercial_partner_id, e.res_model, e.res_id,
                   e.refresh_value, e.evaluate_lifecycle
              FROM crm_customer_event e JOIN res_partner p ON p.id = e.partner_id
             WHERE e.id = ANY(%s)
             ORDER BY e.id
            """,
            [self.ids],
        )
        rows = self.env.cr.fetchall()
        companyless = {row[2] for row in rows if not row[1]}
        known = defaultdict(list)
        if companyless:
            self.env.cr.execute(
                """
                SELECT partner_id, company_id FROM crm_customer_value
                 WHERE partner_id = ANY(%(ids)s)
                 UNION
                SELECT partner_id, company_id FROM crm_customer_lifecycle_history
                 WHERE partner_id = ANY(%(ids)s)
                 ORDER BY 1, 2
                """,
                {"ids": list(companyless)},
            )
            for partner_id, company_id in self.env.cr.fetchall():
                known[partner_id].append(company_id)
        groups = defaultdict(dict)
        for event_id, company_id, commercial_id, model, res_id, refresh, evaluate in rows:
            for cid in [company_id] if company_id else known[commercial_id]:
                customer = groups[cid].get(commercial_id)
                if customer is None:
                    customer = groups[cid][commercial_id] = _Customer(commercial_id)
                customer.add(event_id, model, res_id, refresh, evaluate)
        # events of customers known in no company need nothing: deleted with the batch
        companies = self.env["res.company"].browse(list(groups))
        return {c: list(groups[c.id].values()) for c in companies}

    def _apply(self, company, items):
        """Refresh the value profiles, then evaluate the lifecycle (which reads the fresh
        churn probability) of these customers of ``company``."""
        refresh = [item.partner_id for item in items if item.refresh]
        documents = {item.partner_id: item.document for item in items if item.evaluate}
        if refresh:
            self.env["crm.customer.value"].sudo()._refresh(company, refresh)
        if documents:
            self.env["crm.customer.lifecycle"].sudo()._evaluate(
                company, list(documents), "event", documents
            )

    def _apply_one_by_one(self, company, items):
        """{event id: error} of the customers that fail on their own."""
        failed = {}
        for item in items:
            try:
                with self.env.cr.savepoint():
                    self._apply(company, [item])
            except Exception as error:  # noqa: BLE001 - logged, kept and retried later
                self.env.invalidate_all()
                _logger.exception(
                    "Customer event of %s (customer %s) failed", company.name, item.partner_id
                )
                message = f"{company.name}: {type(error).__name__}: {error}"[:2000]
                failed.update(dict.fromkeys(item.event_ids, message))
        return failed

    def _mark_failed(self, error):
        self.env.cr.execute(
            """
            UPDATE crm_customer_event
               SET attempts = attempts + 1,
                   state = CASE WHEN attempts + 1 >= %(max)s THEN 'failed' ELSE 'pending' END,
                   next_attempt = NOW() AT TIME ZONE 'UTC'
                                  + make_interval(mins => %(minutes)s * (attempts + 1)),
                   error = %(error)s, write_date = NOW() AT TIME ZONE 'UTC'
             WHERE id = ANY(%(ids)s)
            """,
            {"max": MAX_ATTEMPTS, "minutes": RETRY_MINUTES, "error": error, "ids": self.ids},
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_manager(self):
        if not (self.env.su or self.env.user.has_group(CCM_MANAGER)):
            raise AccessError(
                self.env._("Only Customer Management managers can process customer events.")
            )

    def action_retry(self):
        """Put failed events back in the queue, due now, and wake the queue."""
        self._check_manager()
        self.sudo().write({"state": "pending", "attempts": 0, "next_attempt": False})
        self.env.ref("crm_customer_management.ir_cron_customer_event_process").sudo()._trigger()
        return True


class _Customer:
    """What a batch asks for one customer of one company: its events, whether to refresh
    its value and evaluate its stage, and the first document of its lifecycle events."""

    __slots__ = ("document", "evaluate", "event_ids", "partner_id", "refresh")

    def __init__(self, partner_id):
        self.partner_id = partner_id
        self.event_ids = []
        self.refresh = self.evaluate = False
        self.document = None

    def add(self, event_id, model, res_id, refresh, evaluate):
        self.event_ids.append(event_id)
        self.refresh = self.refresh or refresh
        if evaluate:
            self.evaluate = True
            if self.document is None and model:
                self.document = (model, res_id)


def _by_error(failed):
    """{error: [event ids]} of {event id: error}."""
    groups = defaultdict(list)
    for event_id, error in failed.items():
        groups[error].append(event_id)
    return groups
