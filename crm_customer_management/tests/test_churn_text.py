from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..analytics import text as text_core
from .common import TODAY
from .test_access_company import DedicatedCompanyCase

# today 2026-06-30, horizon 90 days: hold-out cut-off 2026-04-01, training cut-off 2026-01-01
LOYAL_DAYS = ("2025-10-15", "2025-12-15", "2026-02-15", "2026-05-15")
LEAVING_DAYS = ("2025-06-01", "2025-07-01")


@tagged("post_install", "-at_install", "crm_customer_management")
class TestChurnAndText(DedicatedCompanyCase):
    """The churn model trained and measured on constructed histories, a customer's negative
    message moving them at risk, and who sees it; in a company of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["product.product"].create(
            {
                "name": "CCM Service",
                "type": "service",
                "list_price": 100.0,
                "standard_price": 60.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        Partner = cls.env["res.partner"]
        cls.loyal = Partner.create(
            [
                {"name": f"Loyal {i}", "is_company": True, "user_id": cls.salesman.id}
                for i in range(12)
            ]
        )
        cls.leaving = Partner.create(
            [
                {"name": f"Leaving {i}", "is_company": True, "user_id": cls.salesman.id}
                for i in range(12)
            ]
        )
        cls.other_salesman = new_test_user(
            cls.env,
            login="ccm_other_salesman",
            name="Otto Other",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.company.ccm_churn_horizon_days = 90

    def orders(self, partners, days):
        self.confirm_orders(partners, days, self.service)

    def test_churn_model_trained_measured_and_scored(self):
        self.orders(self.loyal, LOYAL_DAYS)
        self.orders(self.leaving, LEAVING_DAYS)
        self.refresh(TODAY)
        with freeze_time(TODAY):
            run = self.env["crm.customer.churn"]._train(self.company)
        # at both cut-offs every loyal customer buys within 90 days (45 and 44 days later)
        # and no leaving one does: 24 customers, half churned, perfectly told apart by
        # recency; the top decile (ceil(2.4) = 3 customers) holds churners only: 1 / 0.5
        self.assertEqual((run.n_train, run.n_test), (24, 24))
        self.assertEqual(run.train_cutoff, date(2026, 1, 1))
        self.assertEqual(run.test_cutoff, date(2026, 4, 1))
        self.assertAlmostEqual(run.churn_rate, 0.5)
        self.assertAlmostEqual(run.auc_model, 1.0)
        self.assertAlmostEqual(run.lift_model, 2.0)
        self.assertAlmostEqual(run.auc_recency, 1.0)
        self.assertAlmostEqual(run.lift_recency, 2.0)
        # BG/NBD as of the hold-out cut-off: loyal x=2, t_x=123, T=168; leaving x=1, t_x=30,
        # T=304: every leaving customer less likely alive
        self.assertAlmostEqual(run.auc_bgnbd, 1.0)
        self.assertEqual(run.chosen, "model")  # a tie goes to the model
        self.assertEqual(run.scored_count, 24)
        self.assertEqual(self.company.ccm_churn_model_id, run)
        # today: the loyal bought 46 days ago, the leaving 364 days ago
        loyal = self.profile(self.loyal[0])
        leaving = self.profile(self.leaving[0])
        self.assertLess(loyal.churn_score, 0.5)
        self.assertGreater(leaving.churn_score, 0.5)
        self.assertEqual(len(leaving.churn_drivers_data), 3)
        self.assertIn("no order for", leaving.churn_drivers)
        self.assertAlmostEqual(
            self.leaving[0].with_company(self.company).churn_score, leaving.churn_score, places=3
        )

    def test_too_little_history_is_told(self):
        self.orders(self.loyal[:3], LOYAL_DAYS)
        self.refresh(TODAY)
        with freeze_time(TODAY):
            run = self.env["crm.customer.churn"]._train(self.company)
        self.assertFalse(run.chosen)
        self.assertIn("Not enough history", run.note)
        self.assertFalse(self.company.ccm_churn_model_id)

    def _closed_complaint(self, partner, on):
        with freeze_time(on):
            complaint = self.env["crm.complaint"].create(
                {
                    "subject": "Parcel number",
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "severity": "low",
                    "description": "<p>Which parcel number is on the label?</p>",
                }
            )
            closed = self.env["crm.complaint.stage"].search([("is_closed", "=", True)], limit=1)
            complaint.stage_id = closed
        return complaint

    def test_negative_message_puts_customer_at_risk(self):
        customer = self.loyal[0]
        self.orders(customer, ("2026-06-01", "2026-06-20"))
        self.refresh(TODAY)
        Lifecycle = self.env["crm.customer.lifecycle"]
        with freeze_time(TODAY):
            Lifecycle._evaluate(self.company, [customer.id])
        self.assertEqual(customer.with_company(self.company).lifecycle_stage, "acquired")
        complaint = self._closed_complaint(customer, datetime(2026, 6, 29, 10))
        Sentiment = self.env["crm.customer.sentiment"]
        with freeze_time(datetime(2026, 6, 30, 9)):
            complaint.message_post(
                body="Terrible service, the replacement arrived broken again. Never again!",
                author_id=customer.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            self.env.flush_all()
            # the complaint (neutral) and the customer's message (negative), by the lexicon
            self.assertEqual(Sentiment._process_new(self.company), 2)
        texts = complaint.customer_text_ids.sorted("date")
        self.assertEqual(texts.mapped("source"), ["complaint", "complaint_message"])
        self.assertEqual(texts[0].sentiment, "neutral")
        self.assertEqual(texts[1].sentiment, "negative")
        self.assertEqual(texts[1].sentiment_method, "lexicon")
        self.assertEqual(complaint.sentiment, "negative")
        partner = customer.with_company(self.company)
        self.assertEqual(partner.lifecycle_stage, "at_risk")
        self.assertEqual(partner.last_sentiment, "negative")
        move = self.env["crm.customer.lifecycle.history"].search(
            [("partner_id", "=", customer.id), ("company_id", "=", self.company.id)], limit=1
        )
        self.assertEqual(move.stage_to, "at_risk")
        self.assertEqual((move.res_model, move.res_id), ("crm.complaint", complaint.id))
        self.assertIn("arrived broken again", move.reason)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", customer.id)]
        )
        # the at-risk stage's retention playbook ran, and the recovery call was added
        self.assertEqual(len(activities), 2)
        activity = activities.filtered(lambda a: a.summary == "Recovery call: negative feedback")
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn("arrived broken again", str(activity.note))
        # the nightly evaluation keeps the customer at risk until they buy again
        with freeze_time(TODAY):
            self.assertEqual(Lifecycle._evaluate(self.company, [customer.id]), 0)
            # processed once: nothing new to do
            self.assertEqual(Sentiment._process_new(self.company), 0)

        # the customer's salesman sees it all; a salesman of another team sees none of it
        self.assertEqual(
            self.env["crm.customer.text"]
            .with_user(self.salesman)
            .search_count([("partner_id", "=", customer.id)]),
            2,
        )
        other = self.other_salesman
        self.assertFalse(
            self.env["crm.customer.text"]
            .with_user(other)
            .search([("partner_id", "=", customer.id)])
        )
        self.assertFalse(
            self.env["crm.customer.value"]
            .with_user(other)
            .search([("partner_id", "=", customer.id)])
        )
        with self.assertRaises(AccessError):
            self.env["crm.customer.churn.model"].with_user(other).search([])
        with self.assertRaises(AccessError):
            self.env["crm.customer.churn.model"].with_user(other).action_train()

    def test_sentiment_model_trained_on_labelled_comments_and_themes(self):
        customers = self.loyal | self.leaving
        self.orders(customers, ("2026-05-01",))
        self.refresh(TODAY)
        nps = self.env.ref("crm_customer_management.survey_nps")
        score_question = nps.question_ids.filtered(lambda q: q.question_type == "scale")
        comment_question = nps.question_ids.filtered(lambda q: q.question_type == "text_box")
        praise = [
            "Great service, thank you",
            "خيلي عالي بود، ممنون",  # Arabic yeh: normalised
            "ارسال سریع و کیفیت خوب",
            "Fast delivery, very happy",
        ]
        criticism = [
            "Terrible, it arrived broken",
            "کالا خراب و دیر رسید",
            "پاسخگو نبودند، افتضاح",
            "Awful support, never again",
        ]
        with freeze_time("2026-06-10"):
            for i, customer in enumerate(customers):
                for score, pool in ((10, praise), (2, criticism)):
                    answer = self.env["survey.user_input"].create(
                        {"survey_id": nps.id, "partner_id": customer.id}
                    )
                    answer._save_lines(score_question, str(score))
                    answer._save_lines(comment_question, f"{pool[i % 4]} {customer.name}")
                    answer._mark_done()
        complaints = self.env["crm.complaint"]
        with freeze_time("2026-06-20"):
            for i, customer in enumerate(customers[:10]):
                complaints |= self.env["crm.complaint"].create(
                    {
                        "subject": "Courier" if i < 5 else "Screen",
                        "partner_id": customer.id,
                        "company_id": self.company.id,
                        "severity": "low",
                        "description": "late delivery courier delay"
                        if i < 5
                        else "broken screen defective unit",
                    }
                )
        self.company.ccm_theme_count = 2
        Sentiment = self.env["crm.customer.sentiment"]
        with freeze_time(TODAY):
            run = Sentiment._mine(self.company)
        # 48 comments, 24 of promoters (10) and 24 of detractors (2), plus 10 complaints
        self.assertEqual(run.method, "model")
        self.assertEqual((run.labelled_count, run.positive_count), (48, 24))
        self.assertGreaterEqual(run.accuracy, 0.9)
        self.assertEqual(run.text_count, 58)
        self.assertIn("cross-validated accuracy", run.note)
        Text = self.env["crm.customer.text"]
        surveys = Text.search([("company_id", "=", self.company.id), ("source", "=", "survey")])
        self.assertEqual(len(surveys), 48)
        self.assertEqual(set(surveys.mapped("sentiment_method")), {"model"})
        for text_row in surveys:
            self.assertEqual(text_row.sentiment, text_row.label, text_row.body)
        model = Sentiment._model(self.company, run)
        scores = text_core.predict(model, ["ممنون، خیلی عالی", "It arrived broken, terrible"])
        self.assertGreater(scores[0], 0)
        self.assertLess(scores[1], 0)
        # themes of June: the courier complaints in one, the screen ones in the other
        themes = self.env["crm.customer.theme"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(themes), 2)
        self.assertEqual(set(themes.mapped("period")), {date(2026, 6, 1)})
        courier = complaints[:5].customer_text_ids.theme_id
        screen = complaints[5:].customer_text_ids.theme_id
        self.assertEqual((len(courier), len(screen)), (1, 1))
        self.assertNotEqual(courier, screen)
        self.assertIn("courier", courier.name)
        self.assertIn("screen", screen.name)
        self.assertEqual((courier.text_count, screen.text_count), (5, 5))
