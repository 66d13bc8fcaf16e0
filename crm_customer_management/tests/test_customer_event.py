from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import sql_db
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..tools.cron import try_lock_company
from .common import TODAY, CustomerManagementCase

QUEUE = "odoo.addons.crm_customer_management.models.crm_customer_event"
CRON = "odoo.addons.crm_customer_management.tools.cron"


@tagged("post_install", "-at_install", "crm_customer_management")
class TestCustomerEventQueue(CustomerManagementCase):
    """Documents record which customers changed; the analytics run after the commit, in
    batches, and a fault in them never reaches the document nor the other customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["crm.customer.event"]
        cls.alpha = cls.env["res.partner"].create({"name": "Alpha Queue", "is_company": True})
        cls.alpha_contact = cls.env["res.partner"].create(
            {"name": "Ann Alpha", "parent_id": cls.alpha.id}
        )
        cls.bruno = cls.env["res.partner"].create({"name": "Bruno Queue", "is_company": True})
        cls.company_b = cls.env["res.company"].create({"name": "CCM Queue B"})
        cls.env.user.company_ids |= cls.company_b

    def pending(self, partners):
        """The events of these partners, once the transaction's recorded events are written
        (as its commit writes them)."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        return self.Event.search([("partner_id", "in", partners.ids)])

    def faulty_refresh(self, fails):
        """The value refresh, failing for the companies or customers ``fails`` says."""
        original = self.registry["crm.customer.value"]._refresh

        def refresh(model, company, partner_ids=None):
            if fails(company, partner_ids):
                raise ValueError("injected fault")
            return original(model, company, partner_ids)

        return patch.object(self.registry["crm.customer.value"], "_refresh", refresh)

    def test_posting_records_the_customer_and_the_queue_updates_it(self):
        order = self.confirm_order(self.alpha_contact, "2026-06-01", 2, 100.0)
        self.invoice(order, date(2026, 6, 1), date(2026, 7, 1))
        # nothing of the analytics ran in the posting transaction
        self.assertFalse(self.profile(self.alpha))
        events = self.pending(self.alpha_contact | self.alpha)
        # one event per (company, partner) and transaction, with its first document: the
        # order names the contact, the invoice its commercial partner
        common = {"company_id": self.company.id, "state": "pending", "attempts": 0}
        self.assertRecordValues(
            events,
            [
                dict(
                    common,
                    partner_id=self.alpha_contact.id,
                    res_model="sale.order",
                    res_id=order.id,
                    refresh_value=True,
                    evaluate_lifecycle=True,
                ),
                dict(
                    common,
                    partner_id=self.alpha.id,
                    res_model="account.move",
                    res_id=order.invoice_ids.id,
                    refresh_value=True,
                    evaluate_lifecycle=True,
                ),
            ],
        )
        trigger = self.env["ir.cron.trigger"].search(
            [
                (
                    "cron_id",
                    "=",
                    self.env.ref("crm_customer_management.ir_cron_customer_event_process").id,
                )
            ]
        )
        self.assertTrue(trigger)
        self.assertGreaterEqual(self.process_events(TODAY), 2)
        self.assertFalse(self.pending(self.alpha_contact | self.alpha))
        # rolled up to the commercial partner: 2 x 100 ordered and invoiced, cost 60 each
        profile = self.profile(self.alpha)
        self.assertRecordValues(
            profile,
            [{"order_count": 1, "revenue": 200.0, "margin": 80.0, "order_amount": 200.0}],
        )
        self.assertEqual(self.alpha.lifecycle_stage, "acquired")

    def test_recording_costs_no_query_and_one_at_commit(self):
        # warm-up: the scheduled action's id is looked up once per server
        self.env["crm.customer.value"]._schedule_refresh([(self.company.id, self.bruno.id)])
        self.pending(self.bruno).unlink()
        with self.assertQueryCount(0, flush=False):
            self.env["crm.customer.value"]._schedule_refresh(
                [(self.company.id, self.alpha.id), (self.company.id, self.bruno.id)]
            )
            self.env["crm.customer.lifecycle"]._schedule_evaluation(
                [(self.company.id, self.alpha.id, None)]
            )
        with self.assertQueryCount(1, flush=False):
            self.env.cr.precommit.run()
        events = self.pending(self.alpha | self.bruno)
        self.assertEqual(
            sorted((e.partner_id.name, e.refresh_value, e.evaluate_lifecycle) for e in events),
            [("Alpha Queue", True, True), ("Bruno Queue", True, False)],
        )

    @mute_logger(QUEUE)
    def test_a_fault_never_fails_the_posting_and_is_retried(self):
        order = self.confirm_order(self.alpha, "2026-06-01", 1, 100.0)
        with self.faulty_refresh(lambda company, ids: True):
            # the posting itself goes through
            invoice = self.invoice(order, date(2026, 6, 1), date(2026, 7, 1))
            self.assertEqual(invoice.state, "posted")
            self.process_events(TODAY)
        event = self.pending(self.alpha)
        self.assertRecordValues(event, [{"state": "pending", "attempts": 1}])
        self.assertIn("injected fault", event.error)
        self.assertFalse(self.profile(self.alpha), "nothing written half-way")
        # retried when due: four more faults make it failed, shown to the managers
        with self.faulty_refresh(lambda company, ids: True):
            for attempt in range(2, 6):
                event.sudo().next_attempt = "2000-01-01"
                self.process_events(TODAY)
                self.assertEqual(event.attempts, attempt)
        self.assertEqual(event.state, "failed")
        event.sudo().next_attempt = "2000-01-01"
        self.assertEqual(self.process_events(TODAY), 0, "a failed event waits for a manager")
        # a manager retries it once the cause is mended
        event.action_retry()
        self.assertEqual(self.process_events(TODAY), 1)
        self.assertFalse(event.exists())
        self.assertEqual(self.profile(self.alpha).order_count, 1)

    @mute_logger(QUEUE)
    def test_one_faulty_customer_holds_neither_its_batch_nor_another_company(self):
        self.confirm_order(self.alpha, "2026-06-01", 1, 100.0)
        self.confirm_order(self.bruno, "2026-06-02", 1, 100.0)
        self.confirm_order(self.bruno, "2026-06-03", 1, 50.0, company=self.company_b)
        alpha_id = self.alpha.id
        with self.faulty_refresh(lambda company, ids: alpha_id in (ids or [])):
            self.process_events(TODAY)
        # alpha failed alone; bruno was refreshed in both companies
        event = self.pending(self.alpha)
        self.assertRecordValues(event, [{"state": "pending", "attempts": 1}])
        self.assertFalse(self.profile(self.alpha))
        self.assertEqual(self.profile(self.bruno).order_amount, 100.0)
        self.assertEqual(self.profile(self.bruno, self.company_b).order_amount, 50.0)
        self.assertFalse(self.pending(self.bruno))
        # a later run catches up
        event.sudo().next_attempt = "2000-01-01"
        self.process_events(TODAY)
        self.assertEqual(self.profile(self.alpha).order_amount, 100.0)
        self.assertFalse(self.pending(self.alpha))

    def test_events_wait_while_a_nightly_run_holds_the_company(self):
        self.confirm_order(self.alpha, "2026-06-01", 1, 100.0)
        self.confirm_order(self.bruno, "2026-06-03", 1, 50.0, company=self.company_b)
        db = sql_db.db_connect(self.env.cr.dbname)
        with db.cursor() as nightly:
            # another connection (a nightly run) holds the main company
            self.assertTrue(try_lock_company(nightly, self.company.id))
            self.process_events(TODAY)
            nightly.rollback()
        # the other company went through; the held one waits, with no failure counted
        self.assertEqual(self.profile(self.bruno, self.company_b).order_amount, 50.0)
        event = self.pending(self.alpha)
        self.assertRecordValues(event, [{"state": "pending", "attempts": 0, "error": False}])
        self.assertTrue(event.next_attempt)
        self.assertFalse(self.profile(self.alpha))
        event.sudo().next_attempt = "2000-01-01"
        self.process_events(TODAY)
        self.assertEqual(self.profile(self.alpha).order_amount, 100.0)

    @mute_logger(CRON)
    def test_nightly_refresh_and_evaluation_go_on_after_a_failing_company(self):
        self.confirm_order(self.alpha, "2026-06-01", 1, 100.0)
        self.confirm_order(self.bruno, "2026-06-03", 1, 50.0, company=self.company_b)
        self.env.cr.precommit.clear()  # no events: the nightly runs alone
        company_b = self.company_b
        Value = self.env["crm.customer.value"]
        with self.faulty_refresh(lambda company, ids: company == company_b), freeze_time(TODAY):
            failures = Value._cron_refresh_all()
        self.assertEqual(list(failures), [company_b.id])
        self.assertEqual(self.profile(self.alpha).order_amount, 100.0)
        self.assertFalse(self.profile(self.bruno, company_b), "nothing written half-way")
        self.assertEqual(company_b.ccm_value_cron_error, "ValueError: injected fault")
        self.assertFalse(self.company.ccm_value_cron_error)
        # the next night catches up and clears the error
        with freeze_time(TODAY):
            self.assertEqual(Value._cron_refresh_all(), {})
        self.assertEqual(self.profile(self.bruno, company_b).order_amount, 50.0)
        self.assertFalse(company_b.ccm_value_cron_error)
        # the lifecycle evaluation likewise
        Lifecycle = self.registry["crm.customer.lifecycle"]
        original = Lifecycle._evaluate

        def evaluate(model, company, *args, **kwargs):
            if company == company_b:
                raise ValueError("injected fault")
            return original(model, company, *args, **kwargs)

        with patch.object(Lifecycle, "_evaluate", evaluate), freeze_time(TODAY):
            failures = self.env["crm.customer.lifecycle"]._cron_evaluate_all()
        self.assertEqual(list(failures), [company_b.id])
        self.assertEqual(self.alpha.lifecycle_stage, "acquired")
        self.assertEqual(company_b.ccm_lifecycle_cron_error, "ValueError: injected fault")

    def test_only_managers_process_or_retry(self):
        salesman = self.salesman
        portal = self.portal_user
        for user in (salesman, portal):
            with self.assertRaises(AccessError):
                self.Event.with_user(user)._process_queue()
        self.env["crm.customer.value"]._schedule_refresh([(self.company.id, self.alpha.id)])
        events = self.pending(self.alpha)
        with self.assertRaises(AccessError):
            events.with_user(salesman).read(["state"])
        manager = new_test_user(
            self.env, login="ccm_queue_manager", groups="crm_customer_management.group_manager"
        )
        self.assertEqual(events.with_user(manager).read(["state"])[0]["state"], "pending")


@tagged("post_install", "-at_install", "crm_customer_management")
class TestCustomerEventWorkers(CustomerManagementCase):
    """Two workers (two real database connections) never claim the same events."""

    def test_two_workers_claim_disjoint_batches(self):
        db = sql_db.db_connect(self.env.cr.dbname)
        company_id = self.env.ref("base.main_company").id
        with db.cursor() as setup:
            # partners committed before this test (visible to the other connections)
            setup.execute("SELECT id FROM res_partner ORDER BY id LIMIT 6")
            partners = [row[0] for row in setup.fetchall()]
            setup.execute(
                """INSERT INTO crm_customer_event (company_id, partner_id, state, attempts,
                                                  refresh_value, evaluate_lifecycle)
                   SELECT %s, p, 'pending', 0, TRUE, FALSE FROM UNNEST(%s::int4[]) p
                   RETURNING id""",
                [company_id, partners],
            )
            ids = [row[0] for row in setup.fetchall()]
            setup.commit()
        try:
            with db.cursor() as one, db.cursor() as two:
                env_one = self.env(cr=one, su=True)
                env_two = self.env(cr=two, su=True)
                first = env_one["crm.customer.event"].browse()._claim(3)
                second = env_two["crm.customer.event"].browse()._claim(3)
                # each worker holds its own batch; none is taken twice
                self.assertGreaterEqual(len(first), 3)
                self.assertGreaterEqual(len(second), 3)
                self.assertFalse(set(first.ids) & set(second.ids))
                one.rollback()
                two.rollback()
        finally:
            with db.cursor() as cleanup:
                cleanup.execute("DELETE FROM crm_customer_event WHERE id = ANY(%s)", [ids])
                cleanup.commit()
