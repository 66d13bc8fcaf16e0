from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CustomerManagementCase

RAW_EMAIL = """Return-Path: <buyer@walker.example.com>
To: complaints@example.com
From: Walker Buyer <buyer@walker.example.com>
Subject: Broken widgets
Message-ID: <walker-complaint-1@walker.example.com>
Date: Mon, 02 Mar 2026 09:00:00 +0000
Content-Type: text/plain; charset=utf-8

Two widgets arrived broken.
"""


@tagged("post_install", "-at_install", "crm_customer_management")
class TestComplaint(CustomerManagementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.working_calendar("CCM 8-12 13-17 UTC")
        cls.company.resource_calendar_id = cls.calendar
        cls.company.ccm_cost_per_complaint = 15.0
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Care Team",
                "user_id": cls.sales_manager.id,
                "crm_team_member_ids": [Command.create({"user_id": cls.salesman.id})],
            }
        )
        cls.walker = cls.env["res.partner"].create(
            {"name": "Walker Ltd", "is_company": True, "email": "info@walker.example.com"}
        )
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Walker Buyer",
                "parent_id": cls.walker.id,
                "email": "buyer@walker.example.com",
            }
        )
        cls.other = cls.env["res.partner"].create({"name": "Other Customer", "is_company": True})
        cls.Complaint = cls.env["crm.complaint"]

    def commit_events(self, on):
        self.process_events(on)

    def stage(self, xmlid):
        return self.env.ref(f"crm_customer_management.complaint_stage_{xmlid}")

    def test_whole_flow_from_email_to_recovery(self):
        order = self.confirm_order(self.walker, "2026-02-20", 2, 100.0)
        picking = self.deliver(order, "2026-02-21")
        invoice = self.invoice(order, "2026-02-21", "2026-04-01")
        self.commit_events("2026-02-21")
        self.assertEqual(self.walker.lifecycle_stage, "acquired")

        # intake by e-mail: a complaint for the sender's partner
        with freeze_time("2026-03-02 09:00:00"):
            complaint_id = self.env["mail.thread"].message_process("crm.complaint", RAW_EMAIL)
        complaint = self.Complaint.browse(complaint_id)
        self.assertEqual(complaint.partner_id, self.buyer)
        self.assertEqual(complaint.commercial_partner_id, self.walker)
        self.assertEqual(complaint.channel, "email")
        self.assertTrue(complaint.name.startswith("CMP/2026/"))
        self.assertEqual(complaint.stage_id, self.stage("new"))
        self.assertEqual(complaint.intake_state, "to_qualify")
        with freeze_time("2026-03-02 09:00:00"):
            complaint.action_qualify()
            complaint.write(
                {
                    "severity": "high",
                    "team_id": self.team.id,
                    "user_id": self.salesman.id,
                    "sale_order_id": order.id,
                    "picking_id": picking.id,
                    "invoice_id": invoice.id,
                    "product_id": self.product.id,
                }
            )
        # high: first response in 4 working hours (9-12, 13-14), resolution in 16
        # (Mon 7 h, Tue 8 h, Wed 8-9)
        self.assertEqual(complaint.first_response_deadline, datetime(2026, 3, 2, 14, 0))
        self.assertEqual(complaint.resolution_deadline, datetime(2026, 3, 4, 9, 0))
        self.commit_events("2026-03-02")
        self.assertEqual(self.walker.lifecycle_stage, "dissatisfied")

        # SLA: at risk close to the deadline, breached after it; escalated once
        at = complaint.with_context(ccm_now=datetime(2026, 3, 2, 13, 45))
        self.assertEqual(at.sla_status, "at_risk")
        with freeze_time("2026-03-02 15:00:00"):
            self.assertEqual(
                complaint.with_context(ccm_now=datetime(2026, 3, 2, 15)).sla_status, "breached"
            )
            self.assertEqual(self.Complaint._cron_escalate(), 1)
            self.assertEqual(self.Complaint._cron_escalate(), 0)  # idempotent
        self.assertEqual((complaint.escalation_level, complaint.priority), (1, "2"))
        escalation = complaint.activity_ids
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.user_id, self.sales_manager)  # the team leader

        # compensation through Odoo's wizards: a partial credit note and a return
        with freeze_time("2026-03-03"):
            complaint.write({"stage_id": self.stage("investigating").id})
            action = complaint.action_credit_note()
            wizard = (
                self.env[action["res_model"]]
                .with_context(**action["context"])
                .create({"journal_id": invoice.journal_id.id, "date": date(2026, 3, 3)})
            )
            credit_note = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
            credit_note.invoice_line_ids[0].quantity = 1
            credit_note.action_post()
            action = complaint.action_return()
            wizard = self.env[action["res_model"]].with_context(**action["context"]).create({})
            wizard.product_return_moves.quantity = 1
            ret = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
            ret.move_ids.quantity = 1
            ret.move_ids.picked = True
            ret.button_validate()
        self.assertEqual(credit_note.ccm_complaint_id, complaint)
        self.assertEqual(ret.ccm_complaint_id, complaint)
        self.assertEqual(complaint.credit_note_ids, credit_note)
        self.assertEqual(complaint.return_picking_ids, ret)
        self.assertAlmostEqual(complaint.compensation_amount, 100.0)
        self.assertTrue(complaint.date_first_response)

        # resolved: the satisfaction survey goes out; the customer answers 4 of 5
        with freeze_time("2026-03-04 08:30:00"):
            complaint.write({"stage_id": self.stage("resolved").id})
        self.assertEqual(complaint.date_resolved, datetime(2026, 3, 4, 8, 30))
        answer = complaint.survey_answer_id
        self.assertEqual(answer.partner_id, self.buyer)
        with freeze_time("2026-03-04 10:00:00"):
            question = answer.survey_id.question_ids.filtered(lambda q: q.question_type == "scale")
            answer._save_lines(question, "4")
            answer._mark_done()
        self.assertEqual(complaint.csat_score, 4)

        # closing a high complaint needs its root cause and resolution summary
        with self.assertRaises(ValidationError), mute_logger("odoo.models"):
            complaint.write({"stage_id": self.stage("closed").id})
        with freeze_time("2026-03-04 11:00:00"):
            complaint.write(
                {
                    "root_cause_id": self.env.ref(
                        "crm_customer_management.complaint_root_cause_product"
                    ).id,
                    "resolution_summary": "Credited one widget, took it back.",
                    "outcome": "retained",
                    "stage_id": self.stage("closed").id,
                }
            )
        self.assertTrue(complaint.is_closed)
        # resolved before Wed 09:00, but the first response (Tue) came after Mon 14:00
        self.assertEqual(complaint.sla_status, "breached")
        self.commit_events("2026-03-04")
        self.assertNotEqual(self.walker.lifecycle_stage, "dissatisfied")

        # the complaint analysis
        row = self.env["crm.complaint.report"].search([("complaint_id", "=", complaint.id)])
        self.assertAlmostEqual(row.hours_to_resolution, 47.5)  # Mon 9:00 -> Wed 8:30
        self.assertEqual(row.sla_met, 100.0)
        self.assertEqual(row.recovered, 100.0)
        self.assertAlmostEqual(row.compensation_amount, 100.0)

        # the customer's cost to serve: order 10 + delivery 5 + return 20 + complaint 15
        # + compensation 100 = 150; margin 2 x (100 - 60) = 80 -> net value -70
        self.refresh(date(2026, 3, 10))
        profile = self.profile(self.walker)
        self.assertEqual(profile.complaint_count, 1)
        self.assertAlmostEqual(profile.cost_to_serve, 150.0)
        self.assertAlmostEqual(profile.net_value, -70.0)
        self.assertEqual(profile.value_tier, "bz")

        # a closed complaint can be reopened
        complaint.write({"stage_id": self.stage("investigating").id})
        self.assertFalse(complaint.is_closed)
        self.assertFalse(complaint.date_closed)

    def test_missing_links_are_clear_errors(self):
        complaint = self.Complaint.create({"subject": "Late", "partner_id": self.walker.id})
        with self.assertRaisesRegex(UserError, "no posted invoice"):
            complaint.action_credit_note()
        with self.assertRaisesRegex(UserError, "no done delivery"):
            complaint.action_return()
        # low severity closes without a root cause
        complaint.write({"stage_id": self.stage("closed").id})
        self.assertTrue(complaint.is_closed)

    def test_portal_user_sees_only_own_company_complaints(self):
        own = self.Complaint.create({"subject": "Mine", "partner_id": self.portal_partner.id})
        theirs = self.Complaint.create({"subject": "Theirs", "partner_id": self.other.id})
        as_portal = self.Complaint.with_user(self.portal_user)
        self.assertEqual(as_portal.search([]), own)
        with self.assertRaises(AccessError):
            theirs.with_user(self.portal_user).read(["subject"])
        with self.assertRaises(AccessError):
            own.with_user(self.portal_user).write({"subject": "Changed"})

    def test_salesman_works_complaints_companies_stay_apart(self):
        complaint = self.Complaint.with_user(self.salesman).create(
            {"subject": "Rude driver", "partner_id": self.walker.id, "severity": "low"}
        )
        complaint.with_user(self.salesman).write({"stage_id": self.stage("acknowledged").id})
        company2 = self.env["res.company"].create({"name": "CCM Complaint Co 2"})
        self.env.user.company_ids |= company2
        elsewhere = self.Complaint.with_company(company2).create(
            {"subject": "Elsewhere", "partner_id": self.walker.id, "company_id": company2.id}
        )
        self.assertFalse(
            self.Complaint.with_user(self.salesman).search([("id", "=", elsewhere.id)])
        )


@tagged("post_install", "-at_install", "crm_customer_management")
class TestComplaintPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_a = cls.env["res.partner"].create({"name": "Portal A Ltd", "is_company": True})
        cls.customer_b = cls.env["res.partner"].create({"name": "Portal B Ltd", "is_company": True})
        contact = cls.env["res.partner"].create(
            {"name": "Anna A", "parent_id": cls.customer_a.id, "email": "anna@a.example.com"}
        )
        cls.user_a = new_test_user(
            cls.env,
            login="ccm_portal_a",
            groups="base.group_portal",
            partner_id=contact.id,
            password="ccm_portal_a",
        )
        cls.complaint_a = cls.env["crm.complaint"].create(
            {"subject": "A's broken part", "partner_id": cls.customer_a.id}
        )
        cls.complaint_b = cls.env["crm.complaint"].create(
            {"subject": "B's secret issue", "partner_id": cls.customer_b.id}
        )
        cls.complaint_a.message_post(
            body="internal: customer is difficult", subtype_xmlid="mail.mt_note"
        )

    def test_portal_lists_files_and_isolates(self):
        self.authenticate("ccm_portal_a", "ccm_portal_a")
        listing = self.url_open("/my/complaints")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("A&#39;s broken part", listing.text)
        self.assertNotIn("B&#39;s secret issue", listing.text)
        own = self.url_open(f"/my/complaints/{self.complaint_a.id}")
        self.assertIn(self.complaint_a.name, own.text)
        self.assertNotIn("customer is difficult", own.text)  # internal notes stay internal
        other = self.url_open(f"/my/complaints/{self.complaint_b.id}")
        self.assertNotIn("B&#39;s secret issue", other.text)  # redirected to /my
        self.assertTrue(other.url.endswith("/my"))
        # the form's CSRF token for this test session (what the page would embed)
        response = self.url_open(
            "/my/complaints/new",
            data={
                "subject": "Late again",
                "severity": "high",
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        filed = self.env["crm.complaint"].search([("subject", "=", "Late again")])
        self.assertEqual(filed.commercial_partner_id, self.customer_a)
        self.assertEqual((filed.channel, filed.severity), ("portal", "high"))


@tagged("post_install", "-at_install", "crm_customer_management")
class TestComplaintKpi(CustomerManagementCase):
    def test_complaint_kpis_of_a_period(self):
        Complaint = self.env["crm.complaint"]
        partner = self.env["res.partner"].create({"name": "KPI Complaints"})
        closed = self.env.ref("crm_customer_management.complaint_stage_closed")
        ack = self.env.ref("crm_customer_management.complaint_stage_acknowledged")
        with freeze_time("2026-03-02 09:00:00"):
            a, b, c = Complaint.create(
                [{"subject": s, "partner_id": partner.id, "severity": "low"} for s in "ABC"]
            )
        a.resolution_deadline = b.resolution_deadline = datetime(2026, 3, 5, 9, 0)
        with freeze_time("2026-03-02 11:00:00"):
            (a | b).write({"stage_id": ack.id})  # first response after 2 h
        with freeze_time("2026-03-04 09:00:00"):
            a.write({"stage_id": closed.id, "outcome": "retained"})  # 48 h, in time
        with freeze_time("2026-03-06 09:00:00"):
            b.write({"stage_id": closed.id, "outcome": "lost"})  # 96 h, late
        values = self.env["crm.customer.kpi"]._compute(
            self.company, date(2026, 3, 1), date(2026, 3, 31)
        )
        self.assertEqual(values["complaints"], 3)
        self.assertAlmostEqual(values["complaint_first_response_hours"], 2.0)
        self.assertAlmostEqual(values["complaint_resolution_hours"], 72.0)
        self.assertAlmostEqual(values["complaint_sla_compliance"], 50.0)
        self.assertAlmostEqual(values["complaint_recovery_rate"], 50.0)
        self.assertEqual(values["complaint_compensation"], 0.0)
        april = self.env["crm.customer.kpi"]._compute(
            self.company, date(2026, 4, 1), date(2026, 4, 30)
        )
        self.assertIsNone(april["complaint_sla_compliance"])  # nothing resolved: undefined
        self.assertIsNone(april["complaint_first_response_hours"])
        # C, open and unanswered: counted as opened, in no response, resolution or SLA figure
        self.assertEqual((c.date_first_response, c.date_resolved), (False, False))

    def test_complaint_csat_respects_the_email_consent(self):
        """The CSAT of a resolved complaint goes to the contacts the satisfaction programme
        may e-mail: not to one on the e-mail blacklist, opted out of e-mail, or without an
        address; their complaints say why no survey was sent."""
        email = self.env.ref("crm_customer_management.crm_customer_channel_email")

        def stage(key):
            return self.env.ref(f"crm_customer_management.complaint_stage_{key}")

        Partner = self.env["res.partner"]
        reachable = Partner.create({"name": "CSAT Open", "email": "open@csat.example.com"})
        blacklisted = Partner.create({"name": "CSAT Black", "email": "Black@CSAT.example.com"})
        self.env["mail.blacklist"]._add("black@csat.example.com")
        opted_out = Partner.create(
            {
                "name": "CSAT Quiet",
                "email": "quiet@csat.example.com",
                "ccm_opt_out_channel_ids": [Command.set(email.ids)],
            }
        )
        no_email = Partner.create({"name": "CSAT Nomail"})
        partners = reachable | blacklisted | opted_out | no_email
        with freeze_time("2026-03-02 09:00:00"):
            complaints = self.env["crm.complaint"].create(
                [{"subject": f"Late {p.name}", "partner_id": p.id} for p in partners]
            )
        by_partner = {c.partner_id: c for c in complaints}
        with freeze_time("2026-03-03 09:00:00"):
            complaints.write({"stage_id": stage("resolved").id})
        self.assertEqual(complaints.filtered("survey_answer_id"), by_partner[reachable])
        answer = by_partner[reachable].survey_answer_id
        self.assertEqual(
            (answer.partner_id, answer.survey_id),
            (reachable, self.env.ref("crm_customer_management.survey_csat")),
        )
        self.assertFalse(
            self.env["survey.user_input"].search(
                [("partner_id", "in", (blacklisted | opted_out | no_email).ids)]
            )
        )
        invitation = by_partner[reachable].message_ids.filtered(
            lambda m: answer.access_token in (m.body or "")
        )
        self.assertEqual(invitation.partner_ids, reachable)
        for partner in blacklisted | opted_out | no_email:
            messages = by_partner[partner].message_ids
            self.assertFalse(messages.filtered(lambda m: "Please answer here" in (m.body or "")))
            self.assertFalse(messages.filtered(lambda m, p=partner: p in m.partner_ids))
            note = messages.filtered(lambda m: "No satisfaction survey sent" in (m.body or ""))
            self.assertEqual(len(note), 1)
            self.assertEqual(
                note.body,
                f"<p>No satisfaction survey sent: {partner.name} cannot be e-mailed (no "
                "address, on the e-mail blacklist or opted out of e-mail).</p>",
            )
            self.assertEqual(note.message_type, "notification")
        # the opt-out withdrawn, the complaint closed, reopened and resolved again: sent now
        opted_out.ccm_opt_out_channel_ids = [Command.clear()]
        with freeze_time("2026-03-04 09:00:00"):
            by_partner[opted_out].write({"stage_id": stage("closed").id})
            by_partner[opted_out].write({"stage_id": stage("investigating").id})
            by_partner[opted_out].write({"stage_id": stage("resolved").id})
        self.assertEqual(by_partner[opted_out].survey_answer_id.partner_id, opted_out)
