from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CustomerManagementCase

EMAIL = """Return-Path: <{sender}>
To: complaints@example.com
From: {sender}
Subject: {subject}
Message-ID: <{msgid}@mail.example.com>
Date: Mon, 02 Mar 2026 09:00:00 +0000
Content-Type: text/plain; charset=utf-8

Everything arrived broken.
"""


@tagged("post_install", "-at_install", "crm_customer_management")
class TestComplaintIntake(CustomerManagementCase):
    """Finding 5: an e-mail drives no customer automation until a person qualifies it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.ccm_cost_per_complaint = 15.0
        cls.company2 = cls.env["res.company"].create({"name": "CCM Intake Co 2"})
        cls.walker = cls.env["res.partner"].create(
            {"name": "Intake Walker Ltd", "is_company": True, "email": "info@iwalker.example.com"}
        )
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Intake Walker Buyer",
                "parent_id": cls.walker.id,
                "email": "buyer@iwalker.example.com",
            }
        )
        cls.foreign = cls.env["res.partner"].create(
            {
                "name": "Company 2 Customer",
                "is_company": True,
                "email": "boss@co2customer.example.com",
                "company_id": cls.company2.id,
            }
        )
        cls.salesman.partner_id.email = "sally@ccm-staff.example.com"
        cls.team = cls.env["crm.team"].create(
            {"name": "Intake Team", "user_id": cls.sales_manager.id}
        )

    def mail_in(self, sender, subject, msgid, defaults=None):
        with freeze_time("2026-03-02 09:00:00"):
            raw = EMAIL.format(sender=sender, subject=subject, msgid=msgid)
            complaint_id = self.env["mail.thread"].message_process(
                "crm.complaint", raw, custom_values=defaults
            )
        return self.env["crm.complaint"].browse(complaint_id)

    def setUp(self):
        super().setUp()
        # the customer events the fixtures recorded are written; count only later ones
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM crm_customer_event")
        self.event_floor = self.env.cr.fetchone()[0]

    def commit_events(self, on):
        self.process_events(on)

    def scheduled(self):
        """The customer events this test recorded and that wait to be processed:
        {(company id, partner id): (refresh value, evaluate lifecycle)}."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        events = self.env["crm.customer.event"].search([("id", ">", self.event_floor)])
        return {
            (e.company_id.id, e.partner_id.id): (e.refresh_value, e.evaluate_lifecycle)
            for e in events
        }

    def test_outsider_creates_no_partner_and_no_effect(self):
        sender = "stranger@outsider.example.com"
        complaint = self.mail_in(sender, "You are all crooks", "outsider-1")
        self.assertEqual(complaint.intake_state, "to_qualify")
        self.assertFalse(complaint.partner_id)
        self.assertEqual(complaint.email_from, sender)
        self.assertEqual(complaint.company_id, self.company)
        self.assertFalse(complaint.user_id)
        self.assertFalse(
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("email_normalized", "=", sender)])
        )
        self.assertEqual(self.scheduled(), {})
        # out of the analysis until qualified
        self.assertFalse(
            self.env["crm.complaint.report"].search([("complaint_id", "=", complaint.id)])
        )
        # qualifying needs a customer
        with self.assertRaisesRegex(UserError, "customer"):
            complaint.with_user(self.salesman).action_qualify()

    def test_other_company_partner_is_not_linked(self):
        complaint = self.mail_in("boss@co2customer.example.com", "Late", "foreign-1")
        self.assertFalse(complaint.partner_id)
        self.assertEqual(complaint.intake_state, "to_qualify")
        self.assertEqual(complaint.company_id, self.company)

    def test_employee_sender_is_not_the_assignee(self):
        complaint = self.mail_in("sally@ccm-staff.example.com", "On behalf", "staff-1")
        self.assertNotEqual(complaint.user_id, self.salesman)
        self.assertFalse(complaint.user_id)
        # with a team in the alias defaults: the team leader
        complaint = self.mail_in(
            "sally@ccm-staff.example.com", "On behalf 2", "staff-2", {"team_id": self.team.id}
        )
        self.assertEqual(complaint.team_id, self.team)
        self.assertEqual(complaint.user_id, self.sales_manager)

    def test_qualification_runs_the_effects_once(self):
        order = self.confirm_order(self.walker, "2026-02-20", 2, 100.0)
        self.deliver(order, "2026-02-21")
        self.commit_events("2026-02-21")
        self.assertEqual(self.walker.lifecycle_stage, "acquired")

        complaint = self.mail_in("buyer@iwalker.example.com", "Broken widgets", "walker-1")
        self.assertEqual(complaint.partner_id, self.buyer)  # same company (or none): linked
        self.assertEqual(complaint.intake_state, "to_qualify")
        self.assertEqual(self.scheduled(), {})
        self.commit_events("2026-03-02 10:00:00")
        self.assertEqual(self.walker.lifecycle_stage, "acquired")
        self.assertFalse(complaint.survey_answer_id)
        # the dashboard's complaints of March open what its figure counts: not this one yet
        dashboard = self.env["crm.customer.dashboard"].create(
            {"company_id": self.company.id, "date_from": "2026-03-01", "date_to": "2026-03-31"}
        )

        def drill_down():
            domain = dashboard.action_open_complaints()["domain"]
            return self.env["crm.complaint"].search(domain + [("id", "=", complaint.id)])

        self.assertFalse(drill_down())

        with freeze_time("2026-03-02 10:00:00"):
            complaint.with_user(self.salesman).action_qualify()
        self.assertEqual(drill_down(), complaint)
        self.assertEqual(complaint.intake_state, "qualified")
        self.assertTrue(self.scheduled())
        self.commit_events("2026-03-02 10:00:00")
        self.assertEqual(self.walker.lifecycle_stage, "dissatisfied")
        with self.assertRaisesRegex(UserError, "already qualified"):
            complaint.with_user(self.salesman).action_qualify()
        self.assertEqual(self.scheduled(), {})
        self.assertTrue(
            self.env["crm.complaint.report"].search([("complaint_id", "=", complaint.id)])
        )
        # the cost to serve: order 10 + delivery 5 + one complaint 15
        self.refresh("2026-03-10", partners=self.walker)
        profile = self.profile(self.walker)
        self.assertEqual(profile.complaint_count, 1)
        self.assertAlmostEqual(profile.cost_to_serve, 30.0)

    def test_back_office_and_portal_complaints_are_qualified(self):
        complaint = (
            self.env["crm.complaint"]
            .with_user(self.salesman)
            .create({"subject": "By phone", "partner_id": self.walker.id})
        )
        self.assertEqual(complaint.intake_state, "qualified")
        self.assertTrue(self.scheduled())
        # partner required once qualified
        with self.assertRaisesRegex(ValidationError, "customer"):
            self.env["crm.complaint"].create({"subject": "Nobody"})

    def test_unqualified_resolution_sends_no_survey(self):
        complaint = self.mail_in("buyer@iwalker.example.com", "Spam", "walker-spam")
        closed = self.env.ref("crm_customer_management.complaint_stage_closed")
        complaint.write({"stage_id": closed.id})
        self.assertFalse(complaint.survey_answer_id)
        self.assertEqual(self.scheduled(), {})
