from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import TODAY
from .test_access_company import DedicatedCompanyCase

# today 2026-06-30, horizon 90 days: hold-out cut-off 2026-04-01, training cut-off 2026-01-01
LOYAL_DAYS = ("2025-10-15", "2025-12-15", "2026-02-15", "2026-05-15")
LEAVING_DAYS = ("2025-06-01", "2025-07-01")
PRAISE = ("Great service, thank you", "ارسال سریع و کیفیت خوب")
CRITICISM = ("Terrible, it arrived broken", "کالا خراب و دیر رسید")
COURIER = ("late delivery, the courier delay again", "the courier was late, slow delivery")
SCREEN = ("broken screen, a defective unit", "the screen arrived broken, defective")
EMAIL = """Return-Path: <{sender}>
To: complaints@flow.example.com
From: {sender}
Subject: Screen
Message-ID: <flow-screen@flow.example.com>
Date: Sat, 20 Jun 2026 09:00:00 +0000
Content-Type: text/plain; charset=utf-8

The screen arrived broken, defective.
"""


@tagged("post_install", "-at_install", "crm_customer_management")
class TestAnalyticalFlow(DedicatedCompanyCase):
    """The analytical CRM end to end, in a company of its own: survey answers and
    complaints come in through Odoo's flows; the nightly work turns them into value
    profiles, a churn model and its scores, clusters, the texts' sentiment and themes, and
    segments over all of it; the salesman of the customers' team sees it, a salesman of
    another team (own documents) sees none of it.

    Twelve loyal customers buy on 2025-10-15, 2025-12-15, 2026-02-15 and 2026-05-15, twelve
    leaving ones on 2025-06-01 and 2025-07-01 (one service at 100 each time), all of them
    Sally's. On 2026-06-10 each loyal customer answers the NPS survey twice with 10 and a
    praise, each leaving one twice with 2 and a criticism: 48 labelled comments, 24 of
    each side. On 2026-06-20 every leaving customer complains: six about the courier, six
    about a broken screen, one of the screen complaints by e-mail, qualified by a person."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["product.product"].create(
            {
                "name": "CCM Flow Service",
                "type": "service",
                "list_price": 100.0,
                "standard_price": 60.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        cls.sally = cls.company_user(
            "ccm_flow_sally", "sales_team.group_sale_salesman", name="Sally Flow"
        )
        cls.otto = cls.company_user(
            "ccm_flow_otto", "sales_team.group_sale_salesman", name="Otto Flow"
        )
        Team = cls.env["crm.team"]
        cls.team_a = Team.create(
            {
                "name": "CCM Flow Team A",
                "company_id": cls.company.id,
                "user_id": cls.sales_manager.id,
                "crm_team_member_ids": [Command.create({"user_id": cls.sally.id})],
            }
        )
        cls.team_b = Team.create(
            {
                "name": "CCM Flow Team B",
                "company_id": cls.company.id,
                "crm_team_member_ids": [Command.create({"user_id": cls.otto.id})],
            }
        )
        Partner = cls.env["res.partner"]
        cls.loyal = Partner.create(
            [
                {"name": f"Flow Loyal {i:02d}", "is_company": True, "user_id": cls.sally.id}
                for i in range(12)
            ]
        )
        cls.leaving = Partner.create(
            [
                {
                    "name": f"Flow Leaving {i:02d}",
                    "is_company": True,
                    "user_id": cls.sally.id,
                    "email": f"leaving{i:02d}@flow.example.com",
                }
                for i in range(12)
            ]
        )
        cls.customers = cls.loyal | cls.leaving
        cls.company.write({"ccm_churn_horizon_days": 90, "ccm_theme_count": 2})

    # -- Odoo's flows ----------------------------------------------------------------
    def orders(self, partners, days):
        self.confirm_orders(partners, days, self.service)

    def answer_surveys(self):
        nps = self.env.ref("crm_customer_management.survey_nps")
        score_question = nps.question_ids.filtered(lambda q: q.question_type == "scale")
        comment_question = nps.question_ids.filtered(lambda q: q.question_type == "text_box")
        with freeze_time("2026-06-10"):
            for partners, score, pool in ((self.loyal, 10, PRAISE), (self.leaving, 2, CRITICISM)):
                for i, partner in enumerate(partners):
                    for comment in pool:
                        answer = self.env["survey.user_input"].create(
                            {"survey_id": nps.id, "partner_id": partner.id}
                        )
                        answer._save_lines(score_question, str(score))
                        answer._save_lines(comment_question, f"{comment} ({i})")
                        answer._mark_done()

    def complain(self):
        """Eleven complaints made by the staff, one e-mailed and qualified."""
        Complaint = self.env["crm.complaint"]
        with freeze_time("2026-06-20 09:00:00"):
            complaints = Complaint.create(
                [
                    {
                        "subject": "Courier" if i < 6 else "Screen",
                        "partner_id": partner.id,
                        "company_id": self.company.id,
                        "severity": "low",
                        "description": COURIER[i % 2] if i < 6 else SCREEN[i % 2],
                    }
                    for i, partner in enumerate(self.leaving[:11])
                ]
            )
            mailed = Complaint.browse(
                self.env["mail.thread"].message_process(
                    "crm.complaint",
                    EMAIL.format(sender=self.leaving[11].email),
                    custom_values={"company_id": self.company.id},
                )
            )
            self.assertEqual(mailed.intake_state, "to_qualify")
            self.assertEqual(mailed.partner_id, self.leaving[11])
            mailed.with_user(self.sales_manager).action_qualify()
        return complaints | mailed

    def nightly(self):
        """The nightly work in its order: values, texts, churn, clusters, segments."""
        self.refresh(TODAY)
        with freeze_time(TODAY):
            sentiment = self.env["crm.customer.sentiment"]._mine(self.company)
            churn = self.env["crm.customer.churn"]._train(self.company)
            clusters = self.env["crm.customer.cluster"]._run(self.company, k=2)
        return sentiment, churn, clusters

    def segment(self, name, rule):
        with freeze_time(TODAY):
            return self.env["crm.customer.segment"].create(
                {"name": name, "company_id": self.company.id, "rule_domain": str(rule)}
            )

    # -- the flow ----------------------------------------------------------------------
    def test_answers_and_complaints_in_segments_scores_and_themes_out(self):
        self.orders(self.loyal, LOYAL_DAYS)
        self.orders(self.leaving, LEAVING_DAYS)
        self.answer_surveys()
        complaints = self.complain()
        sentiment, churn, clustering = self.nightly()

        # values: 4 or 2 orders of 100 with a margin of 40 each
        loyal, leaving = self.profile(self.loyal[0]), self.profile(self.leaving[0])
        self.assertEqual((loyal.order_count, loyal.order_amount), (4, 400.0))
        self.assertEqual((leaving.order_count, leaving.order_amount), (2, 200.0))
        self.assertEqual((loyal.recency_days, leaving.recency_days), (46, 364))
        self.assertEqual((loyal.complaint_count, leaving.complaint_count), (0, 1))

        # churn: at both cut-offs every loyal customer buys again within 90 days and no
        # leaving one does; recency tells them apart perfectly (AUC 1, the top decile of
        # ceil(2.4) = 3 customers all churners: lift 1 / 0.5 = 2)
        self.assertEqual((churn.n_train, churn.n_test, churn.scored_count), (24, 24, 24))
        self.assertEqual((churn.auc_model, churn.lift_model), (1.0, 2.0))
        self.assertEqual(churn.chosen, "model")
        scores = {p: self.profile(p).churn_score for p in self.customers}
        self.assertTrue(all(scores[p] < 0.5 for p in self.loyal), scores)
        self.assertTrue(all(scores[p] > 0.5 for p in self.leaving), scores)

        # clusters: the loyal and the leaving, twelve each
        self.assertEqual(clustering.k, 2)
        loyal_cluster, leaving_cluster = loyal.cluster_id, leaving.cluster_id
        self.assertNotEqual(loyal_cluster, leaving_cluster)
        Value = self.env["crm.customer.value"]
        for partners, cluster in ((self.loyal, loyal_cluster), (self.leaving, leaving_cluster)):
            self.assertEqual(Value.search([("cluster_id", "=", cluster.id)]).partner_id, partners)
            self.assertEqual(cluster.size, 12)
        self.assertIn("buys often", loyal_cluster.description)
        self.assertIn("buys rarely", leaving_cluster.description)
        self.assertIn("has not bought for long", leaving_cluster.description)

        # texts: 48 survey comments, 12 complaints and the e-mail that brought one in; the
        # model learnt from the comments (24 / 24) and scores each as its answer does
        self.assertEqual(sentiment.method, "model")
        self.assertEqual((sentiment.labelled_count, sentiment.positive_count), (48, 24))
        self.assertEqual(sentiment.text_count, 61)
        Text = self.env["crm.customer.text"]
        surveys = Text.search([("company_id", "=", self.company.id), ("source", "=", "survey")])
        self.assertEqual(len(surveys), 48)
        self.assertEqual(surveys.mapped("sentiment"), surveys.mapped("label"))
        # the profiles: the sentiment of the customer's last text (a praise for the loyal,
        # the complaint for the leaving ones) and the average score of the 90 days' texts
        for partner in self.customers:
            texts = Text.search([("partner_id", "=", partner.id)], order="date desc, id desc")
            self.assertEqual(
                len(texts), 2 if partner in self.loyal else 3 + (partner == self.leaving[11])
            )
            value = self.profile(partner)
            self.assertEqual(value.last_sentiment, texts[0].sentiment)
            self.assertAlmostEqual(
                value.sentiment_score, sum(texts.mapped("sentiment_score")) / len(texts), 2
            )
            if partner in self.loyal:
                self.assertEqual(value.last_sentiment, "positive")
        # themes of June: the courier complaints in one, the screen ones in the other
        courier = complaints[:6].customer_text_ids.theme_id
        screen = complaints[6:].customer_text_ids.theme_id
        self.assertEqual((len(courier), len(screen)), (1, 1))
        self.assertIn("courier", courier.name)
        self.assertIn("screen", screen.name)
        self.assertEqual((courier.period, screen.period), (date(2026, 6, 1),) * 2)
        self.assertEqual(courier.text_count, 6)

        # segments over all of it
        at_risk = self.segment("Churn score above one half", [("churn_score", ">", 0.5)])
        leavers = self.segment("Leaving cluster", [("cluster_id", "=", leaving_cluster.id)])
        happy = self.segment("Positive last text", [("last_sentiment", "=", "positive")])
        screens = self.segment(
            "Screen complaints",
            [("partner_id.ccm_complaint_ids", "any", [("subject", "=", "Screen")])],
        )
        for segment, members in (
            (at_risk, self.leaving),
            (leavers, self.leaving),
            (
                happy,
                self.loyal
                | self.leaving.filtered(lambda p: self.profile(p).last_sentiment == "positive"),
            ),
            (screens, self.leaving[6:]),
        ):
            self.assertEqual(segment.sudo().partner_ids, members, segment.name)
            self.assertEqual(segment.member_count, len(members))

        # Sally, of the customers' team, sees all of it
        Member = self.env["crm.customer.segment.member"]
        self.assertEqual(Value.with_user(self.sally).search_count([]), 24)
        self.assertEqual(
            Member.with_user(self.sally).search([("segment_id", "=", at_risk.id)]).partner_id,
            self.leaving,
        )
        self.assertEqual(Text.with_user(self.sally).search_count([]), 61)
        self.assertEqual(self.env["crm.complaint"].with_user(self.sally).search([]), complaints)
        sally_sees = self.leaving[0].with_user(self.sally).with_company(self.company)
        self.assertGreater(sally_sees.churn_score, 0.5)
        self.assertEqual(sally_sees.last_sentiment, leaving.last_sentiment)
        self.assertIn("no order for", sally_sees.churn_drivers)
        # Otto, own documents in another team, sees none of it
        self.assertEqual(Value.with_user(self.otto).search_count([]), 0)
        self.assertEqual(Member.with_user(self.otto).search_count([]), 0)
        self.assertEqual(Text.with_user(self.otto).search_count([]), 0)
        self.assertEqual(self.env["crm.complaint"].with_user(self.otto).search_count([]), 0)
        self.assertEqual(
            self.env["crm.customer.segment.history"].with_user(self.otto).search_count([]), 0
        )
