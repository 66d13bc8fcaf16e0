from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common import CustomerManagementCase


@tagged("post_install", "-at_install", "crm_customer_management")
class TestTimeline(CustomerManagementCase):
    """One customer walked through the interaction features: an order, its delivery,
    invoice and payment, a logged inbound call answered by a call activity marked done,
    an e-mail in and the salesperson's reply, all on the timeline with channel and
    direction; the interaction figures of the value profile (contacts, response time,
    days since the last contact, the cost of the contacts); a detractor NPS answer on the
    timeline that makes the customer dissatisfied with a recovery call; and nothing of it
    for an own-documents salesman of another team or a user of another company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sally = cls.salesman
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Timeline Team",
                "user_id": cls.sales_manager.id,
                "crm_team_member_ids": [Command.create({"user_id": cls.sally.id})],
            }
        )
        cls.otto = new_test_user(
            cls.env, login="ccm_tl_otto", name="Otto Other", groups="sales_team.group_sale_salesman"
        )
        cls.env["crm.team"].create(
            {
                "name": "Timeline Other",
                "crm_team_member_ids": [Command.create({"user_id": cls.otto.id})],
            }
        )
        cls.company2 = cls.env["res.company"].create({"name": "CCM Timeline Other"})
        cls.cora = new_test_user(
            cls.env,
            login="ccm_tl_cora",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.company2.id,
            company_ids=[Command.set(cls.company2.ids)],
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Teapot Traders",
                "is_company": True,
                "email": "hello@teapot.example.com",
                "phone": "+32 2 555 02 02",
                "user_id": cls.sally.id,
                "company_id": cls.company.id,
            }
        )
        cls.tess = cls.env["res.partner"].create(
            {
                "name": "Tess Teapot",
                "email": "tess@teapot.example.com",
                "parent_id": cls.customer.id,
            }
        )
        cls.company.ccm_cost_per_contact = 2.5
        cls.Timeline = cls.env["crm.customer.timeline"]
        cls.phone = cls.env.ref("crm_customer_management.crm_customer_channel_phone")
        cls.email = cls.env.ref("crm_customer_management.crm_customer_channel_email")

    def timeline(self, user=None, domain=()):
        Timeline = self.Timeline.with_user(user) if user else self.Timeline
        return Timeline.search([("partner_id", "=", self.customer.id), *domain])

    def test_walk_one_customer_through_the_timeline(self):
        order = self.confirm_order(self.customer, "2026-03-02 09:00:00", 2, 100.0)
        self.deliver(order, "2026-03-03 09:00:00")
        invoice = self.invoice(order, "2026-03-03", "2026-04-02")
        self.pay(invoice, "2026-03-20")
        # processed at noon: after the payment (dated midnight), never tied with it (rows
        # of one date are ordered by id, and ids of two sources compare by chance)
        self.process_events("2026-03-20 12:00:00")

        # a logged inbound call: one click from the partner, the quick-log form
        with freeze_time("2026-03-05 10:00:00"):
            action = self.customer.with_user(self.sally).action_ccm_log_touchpoint()
            self.assertEqual(action["res_model"], "crm.customer.touchpoint")
            Touchpoint = self.env["crm.customer.touchpoint"].with_user(self.sally)
            with Form(
                Touchpoint.with_context(**action["context"]),
                view="crm_customer_management.crm_customer_touchpoint_view_form_quick",
            ) as form:
                form.channel_id = self.phone
                form.direction = "in"
                form.name = "Asks about a bigger teapot"
                form.outcome = "follow_up"
            call_in = form.record
        self.assertEqual(call_in.commercial_partner_id, self.customer)
        self.assertEqual(call_in.user_id, self.sally)
        # the salesperson calls back: the call activity marked done is the touchpoint
        with freeze_time("2026-03-05 14:00:00"):
            activity = self.customer.activity_schedule(
                "mail.mail_activity_data_call", summary="Call back Tess", user_id=self.sally.id
            )
            activity.with_user(self.sally).action_feedback(feedback="Offered the 2-litre model")
        call_out = self.env["crm.customer.touchpoint"].search(
            [("commercial_partner_id", "=", self.customer.id), ("direction", "=", "out")]
        )
        self.assertEqual(call_out.channel_id, self.phone)
        self.assertEqual(call_out.name, "Call back Tess")
        self.assertIn("Offered the 2-litre model", str(call_out.note))
        # an e-mail in from the customer's contact, the salesperson's answer two hours later
        with freeze_time("2026-03-06 09:00:00"):
            self.customer.message_post(
                body="Can you send the price list?",
                message_type="email",
                subtype_xmlid="mail.mt_comment",
                author_id=self.tess.id,
            )
        with freeze_time("2026-03-06 11:00:00"):
            self.customer.with_user(self.sally).message_post(
                body="Here it is.", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        # an internal note is no contact
        self.customer.message_post(body="Likes green tea", subtype_xmlid="mail.mt_note")

        rows = self.timeline(self.sally)
        self.assertEqual(
            [(r.kind, r.channel_id.code or None, r.direction) for r in rows],
            [
                ("lifecycle", None, "internal"),  # acquired, when the events were processed
                ("payment", None, "in"),
                ("email", "email", "out"),
                ("email", "email", "in"),
                ("touchpoint", "phone", "out"),
                ("touchpoint", "phone", "in"),
                ("delivery", None, "out"),
                ("invoice", None, "out"),
                ("order", None, "in"),
            ],
        )
        payment = rows.filtered(lambda r: r.kind == "payment")
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.direction, "in")
        self.assertEqual(payment.amount, 200.0)
        self.assertEqual(rows.filtered(lambda r: r.kind == "email")[1].contact_id, self.tess)
        # filters by channel and kind, newest first
        self.assertEqual(len(self.timeline(self.sally, [("channel_id", "=", self.phone.id)])), 2)
        self.assertEqual(
            self.timeline(self.sally, [("kind", "=", "email")]).mapped("direction"), ["out", "in"]
        )
        # each row opens its document
        order_row = rows.filtered(lambda r: r.kind == "order")
        opened = order_row.with_user(self.sally).action_open_document()
        self.assertEqual((opened["res_model"], opened["res_id"]), ("sale.order", order.id))
        email_row = rows.filtered(lambda r: r.kind == "email")[0]
        opened = email_row.with_user(self.sally).action_open_document()
        self.assertEqual((opened["res_model"], opened["res_id"]), ("res.partner", self.customer.id))
        # the Customer tab shows the latest entries
        html = str(self.customer.with_user(self.sally).ccm_timeline_html)
        self.assertIn("Here it is.", html)
        self.assertIn(f"/odoo/sale.order/{order.id}", html)

        # the interaction figures: 2 calls + 2 e-mails, the inbound ones answered after
        # 4 and 2 hours; each contact costs 2.5 (order 10 + delivery 5 + 4 x 2.5 = 25)
        self.refresh("2026-03-31")
        profile = self.profile(self.customer)
        self.assertEqual(profile.contact_count, 4)
        self.assertEqual(profile.contact_count_12m, 4)
        self.assertEqual(profile.inbound_count_12m, 2)
        self.assertAlmostEqual(profile.response_hours, 3.0)
        self.assertEqual(str(profile.last_contact_date), "2026-03-06")
        self.assertEqual(profile.contact_recency_days, 25)
        self.assertAlmostEqual(profile.cost_to_serve, 25.0)

        # a detractor NPS answer from the customer's contact: on the timeline with its
        # score; the customer dissatisfied, a recovery call for the team leader
        nps = self.env.ref("crm_customer_management.survey_nps")
        before = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
        )
        with freeze_time("2026-04-02 10:00:00"):
            answer = self.env["survey.user_input"].create(
                {"survey_id": nps.id, "partner_id": self.tess.id}
            )
            answer._save_lines(nps.question_ids.filtered(lambda q: q.question_type == "scale"), "3")
            answer._mark_done()
        self.process_events("2026-04-02 10:05:00")
        self.assertEqual(self.customer.lifecycle_stage, "dissatisfied")
        recovery = (
            self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
            )
            - before
        )
        self.assertEqual(recovery.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(recovery.user_id, self.sales_manager)
        survey_row = self.timeline(self.sally, [("kind", "=", "survey")])
        self.assertEqual((survey_row.score, survey_row.direction), (3, "in"))
        self.assertEqual(survey_row.contact_id, self.tess)
        moves = self.timeline(self.sally, [("kind", "=", "lifecycle")])
        self.assertEqual(moves[0].stage_to, "dissatisfied")
        profile = self.profile(self.customer)
        self.assertEqual((profile.last_nps_score, profile.nps_category), (3, "detractor"))
        self.assertFalse(profile.advocacy_candidate)

        # nobody else sees any of it: another team's own-documents salesman, another company
        for user in (self.otto, self.cora):
            self.assertFalse(self.timeline(user), user.login)
            self.assertFalse(
                self.env["crm.customer.touchpoint"]
                .with_user(user)
                .search([("commercial_partner_id", "=", self.customer.id)]),
                user.login,
            )
        self.assertEqual(len(self.timeline(self.sales_manager)), len(self.timeline(self.sally)))

    def test_a_user_outside_customer_management_marks_a_call_done(self):
        """Marking an activity done never fails for the touchpoint: an internal user of no
        sales or Customer Management group (an accountant) may close a call on a partner."""
        clerk = new_test_user(self.env, login="ccm_tl_clerk", groups="base.group_user")
        self.assertFalse(clerk.has_group("crm_customer_management.group_user"))
        activity = self.customer.activity_schedule(
            "mail.mail_activity_data_call", summary="Confirm the address", user_id=clerk.id
        )
        activity.with_user(clerk).action_feedback(feedback="Address confirmed")
        touchpoint = self.env["crm.customer.touchpoint"].search(
            [("commercial_partner_id", "=", self.customer.id), ("name", "=", "Confirm the address")]
        )
        self.assertEqual(touchpoint.channel_id, self.phone)
        self.assertEqual(touchpoint.user_id, clerk)

    def test_one_query_for_a_page_of_the_timeline(self):
        channel = self.phone
        self.env["crm.customer.touchpoint"].create(
            [
                {
                    "name": f"Call {i}",
                    "channel_id": channel.id,
                    "partner_id": self.customer.id,
                    "direction": "out",
                    "date": f"2026-01-{1 + i % 28:02d} 10:00:00",
                }
                for i in range(60)
            ]
        )
        self.env.flush_all()
        Timeline = self.Timeline.with_user(self.sally)
        Timeline.search_fetch([("partner_id", "=", self.customer.id)], ["date"], limit=1)
        with self.assertQueryCount(1):
            rows = Timeline.search_fetch(
                [("partner_id", "=", self.customer.id)], ["date", "kind", "channel_id"], limit=20
            )
        self.assertEqual(len(rows), 20)
        self.assertEqual(rows.mapped("date"), sorted(rows.mapped("date"), reverse=True))
        self.assertEqual(Timeline.search_count([("partner_id", "=", self.customer.id)]), 60)
