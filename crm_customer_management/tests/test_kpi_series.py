from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from ..analytics import periods
from .test_access_company import DedicatedCompanyCase

# the dashboard's sparkline of March 2026: April 2025 .. March 2026
MONTHS = periods.last_periods(date(2026, 3, 31), "month", 12)
# periods that overlap, leave gaps and are not whole months
IRREGULAR = [
    (date(2026, 1, 1), date(2026, 3, 31)),
    (date(2026, 2, 1), date(2026, 2, 28)),
    (date(2025, 12, 15), date(2026, 1, 14)),
    (date(2026, 3, 1), date(2026, 3, 31)),
]


@tagged("post_install", "-at_install", "crm_customer_management")
class TestKpiSeries(DedicatedCompanyCase):
    """The KPIs of many periods in one pass (``_compute_series``, the dashboard's
    sparklines) are, period by period, exactly those of each period computed alone.

    Sally's customers A and B, Manny's D. B acquired in November 2025, A in January 2026, D
    in February (a campaign order); A's January order delivered and partly returned in
    February, D's delivered in February. All three developing from 20 November 2025; B lost
    on 15 January and won back on 10 February, D lost on 10 March. NPS answers in January,
    February and March; A's complaint opened in January, closed in February; D's opened in
    March; a lead won in February, one lost in March; a campaign cost in February."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.a, cls.b = Partner.create(
            [{"name": f"Series {x}", "is_company": True, "user_id": cls.salesman.id} for x in "AB"]
        )
        cls.d = Partner.create(
            {"name": "Series D", "is_company": True, "user_id": cls.sales_manager.id}
        )
        cls.kpi = cls.env["crm.customer.kpi"]

    def _answer(self, partner, score, on):
        survey = self.env.ref("crm_customer_management.survey_nps")
        with freeze_time(on):
            answer = self.env["survey.user_input"].create(
                {"survey_id": survey.id, "partner_id": partner.id}
            )
            question = survey.question_ids.filtered(lambda q: q.question_type == "scale")
            answer._save_lines(question, str(score))
            answer._mark_done()

    def _documents(self):
        customers = self.a | self.b | self.d
        self.env["crm.customer.value"].create(
            [{"partner_id": p.id, "company_id": self.company.id} for p in customers]
        )
        self.confirm_order(self.b, "2025-11-10", 1, 100.0)
        order_a = self.confirm_order(self.a, "2026-01-10", 2, 100.0)
        self.confirm_order(self.a, "2026-03-05", 1, 100.0)  # a repeat
        order_d = self.confirm_order(self.d, "2026-02-07", 1, 100.0)
        order_d.campaign_id = self.env["utm.campaign"].create({"name": "Series Spring"})
        self.return_goods(self.deliver(order_a, "2026-01-12"), 1, "2026-02-03")
        self.deliver(order_d, "2026-02-08")
        service = self.env["crm.customer.lifecycle"].sudo()
        for on, moves in (
            ("2025-11-20", [(p.id, None, "developing", None) for p in customers]),
            ("2026-01-15", [(self.b.id, "developing", "lost", None)]),
            ("2026-02-10", [(self.b.id, "lost", "developing", None)]),
            ("2026-03-10", [(self.d.id, "developing", "lost", None)]),
        ):
            with freeze_time(on):
                service._apply_moves(self.company, moves, "manual")
        self._answer(self.a, 10, "2026-01-12")
        self._answer(self.d, 3, "2026-02-13")
        self._answer(self.a, 9, "2026-03-12")
        closed = self.env.ref("crm_customer_management.complaint_stage_closed")
        ack = self.env.ref("crm_customer_management.complaint_stage_acknowledged")
        Complaint = self.env["crm.complaint"]
        with freeze_time("2026-01-05 09:00:00"):
            complaint = Complaint.create(
                {"subject": "Late", "partner_id": self.a.id, "severity": "low"}
            )
        complaint.resolution_deadline = datetime(2026, 2, 9, 9, 0)
        with freeze_time("2026-01-05 11:00:00"):
            complaint.stage_id = ack
        with freeze_time("2026-02-02 09:00:00"):
            complaint.write({"stage_id": closed.id, "outcome": "retained"})
        with freeze_time("2026-03-02 09:00:00"):
            Complaint.create({"subject": "Broken", "partner_id": self.d.id, "severity": "low"})
        with freeze_time("2026-01-20"):
            won = self.env["crm.lead"].create(
                {"name": "Won", "partner_id": self.a.id, "user_id": self.salesman.id}
            )
            lost = self.env["crm.lead"].create(
                {"name": "Lost", "partner_id": self.d.id, "user_id": self.sales_manager.id}
            )
        with freeze_time("2026-02-20"):
            won.action_set_won()
        with freeze_time("2026-03-22"):
            lost.action_set_lost()
        self.env["crm.customer.campaign.cost"].create(
            {
                "campaign_id": order_d.campaign_id.id,
                "date": "2026-02-15",
                "name": "Flyers",
                "amount": 300,
            }
        )

    def assertSeriesAreSingles(self, kpi, bounds, user=None):
        series = kpi._compute_series(self.company, bounds, None, user)
        self.assertEqual(len(series), len(bounds))
        for period, values in zip(bounds, series, strict=True):
            self.assertEqual(values, kpi._compute(self.company, *period, None, user), period)
        return series

    def test_twelve_months_are_twelve_single_months(self):
        self._documents()
        series = self.assertSeriesAreSingles(self.kpi, MONTHS)

        def spark(key):
            return [values[key] for values in series]

        # April 2025 .. October 2025 empty; November .. March by hand
        self.assertEqual(spark("customers_acquired"), [0] * 7 + [1, 0, 1, 1, 0])
        self.assertEqual(spark("active_at_start"), [0] * 8 + [3, 3, 2, 3])
        self.assertEqual(spark("customers_lost"), [0] * 9 + [1, 0, 1])
        third = 100.0 * (1 / 3)  # 1 lost of 3, as a percentage
        self.assertEqual(spark("churn_rate")[-4:], [0.0, third, 0.0, third])
        self.assertIsNone(spark("churn_rate")[0])  # nobody at the start: not defined
        self.assertEqual(spark("nps_answers"), [0] * 9 + [1, 1, 1])
        self.assertEqual(spark("nps")[-3:], [100.0, -100.0, 100.0])
        self.assertEqual(spark("complaints"), [0] * 9 + [1, 0, 1])
        self.assertEqual(spark("complaint_first_response_hours")[-3:], [2.0, None, None])
        self.assertEqual(spark("complaint_recovery_rate")[-3:], [None, 100.0, None])
        self.assertEqual(spark("deliveries"), [0] * 9 + [1, 1, 0])
        self.assertEqual(spark("returns"), [0] * 10 + [1, 0])
        self.assertEqual(spark("leads_won"), [0] * 10 + [1, 0])
        self.assertEqual(spark("leads_lost"), [0] * 11 + [1])
        self.assertEqual(spark("campaign_margin"), [0.0] * 10 + [40.0, 0.0])
        self.assertEqual(spark("campaign_cost"), [0.0] * 10 + [300.0, 0.0])
        self.assertEqual(spark("cac")[-3:], [0.0, 300.0, None])
        # the customers at each start are those the drill-down opens
        for (date_from, date_to), values in zip(MONTHS, series, strict=True):
            ids = self.kpi._kpi_partner_ids(self.company, date_from, date_to)
            self.assertEqual(len(ids["active_at_start"]), values["active_at_start"])
            self.assertEqual(len(ids["customers_acquired"]), values["customers_acquired"])

    def test_overlapping_periods_and_an_own_documents_scope(self):
        self._documents()
        series = self.assertSeriesAreSingles(self.kpi, IRREGULAR)
        quarter, february, days, march = series
        self.assertEqual(quarter["customers_acquired"], 2)  # A, D
        self.assertEqual(quarter["active_at_start"], 3)
        self.assertEqual(quarter["customers_lost"], 2)  # B, D
        self.assertEqual(february["customers_acquired"], 1)  # D
        self.assertEqual(days["active_at_start"], 3)  # on 15 December
        self.assertEqual(days["customers_acquired"], 1)  # A on 10 January
        self.assertEqual(march["complaints"], 1)
        # Sally's own documents: A and B only
        sally = self.kpi.with_user(self.salesman)
        own = self.assertSeriesAreSingles(sally, MONTHS, self.salesman)
        self.assertEqual([v["active_at_start"] for v in own][-4:], [2, 2, 1, 2])
        self.assertEqual([v["customers_acquired"] for v in own][-5:], [1, 0, 1, 0, 0])
        # no period, no figures
        self.assertEqual(self.kpi._compute_series(self.company, []), [])
