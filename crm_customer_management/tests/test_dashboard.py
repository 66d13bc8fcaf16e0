from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..const import LIFECYCLE_STAGES
from .test_access_company import DedicatedCompanyCase


@tagged("post_install", "-at_install", "crm_customer_management")
class TestDashboard(DedicatedCompanyCase):
    """The dashboard's one call: figures, previous period, judged change, sparklines and
    charts of the caller's scope; its drill-down action; Refresh now in the background.
    Sally's customer A ordered in January (1 x 100) and in March 2026 (2 x 100), Manny's D in
    March; the dashboard is read on 15 April 2026 for last month (March)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.a = Partner.create({"name": "Dash A", "is_company": True, "user_id": cls.salesman.id})
        cls.d = Partner.create(
            {"name": "Dash D", "is_company": True, "user_id": cls.sales_manager.id}
        )
        cls.kpi = cls.env["crm.customer.kpi"]

    def data(self, user, **filters):
        with freeze_time("2026-04-15"):
            return self.kpi.with_user(user).get_dashboard_data(
                {"company_id": self.company.id, **filters}
            )

    def test_figures_previous_sparkline_and_judgement(self):
        self.confirm_order(self.a, "2026-01-10", 1, 100.0)
        order = self.confirm_order(self.a, "2026-03-05", 2, 100.0)
        self.confirm_order(self.d, "2026-03-07", 1, 100.0)
        self.return_goods(self.deliver(order, "2026-03-06"), 1, "2026-03-09")
        self.refresh(date(2026, 4, 1))
        data = self.data(self.sales_manager)
        self.assertEqual(
            (data["filters"]["date_from"], data["filters"]["date_to"]), ("2026-03-01", "2026-03-31")
        )
        cards = {c["key"]: c for c in data["kpis"]}
        acquired = cards["customers_acquired"]
        # D acquired in March, A in January; sparkline April 2025 .. March 2026
        self.assertEqual((acquired["value"], acquired["previous"]), (1, 0))
        self.assertEqual(len(acquired["sparkline"]), 12)
        self.assertEqual(acquired["sparkline"][-3:], [1, 0, 1])  # January, February, March
        self.assertEqual(data["spark_labels"][0], "2025-04-01")
        # one return in March, none in February: a rise, judged bad (no trend from 0)
        self.assertEqual((cards["returns"]["value"], cards["returns"]["previous"]), (1, 0))
        self.assertEqual(cards["returns"]["direction"], -1)
        self.assertEqual(cards["churn_rate"]["direction"], -1)
        self.assertEqual(cards["retention_rate"]["direction"], 1)
        # CLV is a snapshot of the last refresh: no previous period, no sparkline
        clv = cards["clv_historical"]
        self.assertTrue(clv["snapshot"])
        self.assertIsNone(clv["previous"])
        self.assertEqual(clv["sparkline"], [])
        self.assertAlmostEqual(clv["value"], (120.0 + 40.0) / 2)  # A 3 x 40, D 40
        # so is CLV / CAC, which divides it: "as of the last refresh", not "previous: none"
        ratio = cards["clv_cac_ratio"]
        self.assertEqual(
            (ratio["snapshot"], ratio["previous"], ratio["sparkline"]), (True, None, [])
        )
        # charts: the tiers of the two customers, the cohorts of January and March
        self.assertEqual(sum(t["count"] for t in data["charts"]["tiers"]), 2)
        cohorts = data["charts"]["cohorts"]
        self.assertEqual(len(cohorts), 12)
        self.assertEqual(cohorts[-1]["label"], "2026-03")
        self.assertEqual((cohorts[-3]["size"], cohorts[-3]["cells"]), (1, [100.0, 0.0, 100.0]))
        self.assertEqual((cohorts[-1]["size"], cohorts[-1]["cells"]), (1, [100.0]))
        self.assertEqual(  # every stage, in the cycle's order
            [s["key"] for s in data["charts"]["funnel"]], [k for k, __ in LIFECYCLE_STAGES]
        )
        # an own-documents salesman: his customer A only; A's first order was in January
        own = self.data(self.salesman)
        self.assertEqual(own["filters"]["user_id"], self.salesman.id)
        own_cards = {c["key"]: c for c in own["kpis"]}
        self.assertEqual(own_cards["customers_acquired"]["sparkline"][-3:], [1, 0, 0])
        self.assertEqual([u["id"] for u in own["options"]["users"]], [self.salesman.id])

    def test_judgement_of_a_change(self):
        """A fall of late deliveries is good, a fall of retention bad."""
        self.confirm_order(self.a, "2026-02-10", 1, 100.0)
        self.confirm_order(self.d, "2026-02-11", 1, 100.0)
        self.confirm_order(self.a, "2026-03-05", 1, 100.0)
        cards = {c["key"]: c for c in self.data(self.sales_manager)["kpis"]}
        acquired = cards["customers_acquired"]  # 2 in February, 0 in March
        self.assertEqual((acquired["value"], acquired["previous"]), (0, 2))
        self.assertAlmostEqual(acquired["trend"], -100.0)
        self.assertEqual(acquired["judgement"], "bad")

    def test_scope_is_checked(self):
        with self.assertRaises(UserError):
            self.data(self.salesman, user_id=self.sales_manager.id)
        other = self.env["res.company"].create({"name": "CCM Dashboard Elsewhere"})
        with self.assertRaises(AccessError):
            self.data(self.sales_manager, company_id=other.id)
        with self.assertRaises(UserError):
            self.data(
                self.sales_manager, period="custom", date_from="2026-03-31", date_to="2026-03-01"
            )
        with self.assertRaises(UserError):
            self.data(self.sales_manager, period="next_week")
        with self.assertRaises(AccessError):
            self.kpi.with_user(self.portal_user).get_dashboard_data({})

    def test_drill_down_opens_what_is_counted_named_after_the_kpi(self):
        self.confirm_order(self.a, "2026-03-05", 1, 100.0)
        self.confirm_order(self.d, "2026-03-07", 1, 100.0)
        filters = {"company_id": self.company.id, "period": "custom"}
        filters.update(date_from="2026-03-01", date_to="2026-03-31")
        action = self.kpi.with_user(self.salesman).action_open_kpi("customers_acquired", filters)
        self.assertEqual(action["name"], "Customers acquired")
        self.assertEqual(action["res_model"], "res.partner")
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.a)
        with self.assertRaises(UserError):
            self.kpi.action_open_kpi("acquisition_cost", filters)

    def test_refresh_now_runs_in_the_background(self):
        self.confirm_order(self.a, "2026-03-05", 1, 100.0)
        with self.assertRaises(UserError):
            self.kpi.with_user(self.salesman).action_refresh_now(self.company.id)
        cron = self.env.ref("crm_customer_management.ir_cron_customer_dashboard_refresh")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        status = self.kpi.with_user(self.sales_manager).action_refresh_now(self.company.id)
        self.assertTrue(status["requested"])
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1
        )
        self.assertFalse(self.profile(self.a))  # nothing refreshed yet: queued
        self.assertEqual(self.data(self.sales_manager)["refresh"]["requested"], True)
        self.assertEqual(self.kpi._cron_refresh_requested(), {})
        self.assertFalse(self.company.ccm_refresh_requested)
        self.assertEqual(self.profile(self.a).order_count, 1)
        self.assertTrue(self.data(self.sales_manager)["refresh"]["refreshed_at"])
