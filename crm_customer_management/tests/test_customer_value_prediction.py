from datetime import date, timedelta

import pandas as pd

from odoo.tests import tagged

from ..analytics import profile
from .common import TODAY
from .test_access_company import DedicatedCompanyCase

START = date(2025, 7, 1)
# Eighteen customers, each (days from START to the first order, days between the orders that
# follow, price of the first order); the k-th order costs price + 10 x (k mod 3). Fourteen of
# them buy again: enough for BG/NBD and Gamma-Gamma to fit (at least 10 are needed).
HISTORIES = [
    (0, [10, 12, 9, 11, 14, 10], 120.0),
    (5, [60, 70], 90.0),
    (12, [15], 200.0),
    (20, [], 150.0),
    (30, [7, 8, 6, 9, 7], 80.0),
    (40, [100], 110.0),
    (45, [30, 30, 30], 130.0),
    (60, [], 70.0),
    (75, [20, 25], 160.0),
    (90, [5], 140.0),
    (100, [45, 50, 40], 100.0),
    (120, [], 95.0),
    (150, [14, 16, 12], 115.0),
    (170, [80], 175.0),
    (200, [10, 9], 60.0),
    (230, [], 85.0),
    (260, [21, 19], 145.0),
    (300, [6], 125.0),
]


def orders_of(history):
    """[(day, untaxed amount)] of one customer's orders."""
    offset, gaps, price = history
    days = [START + timedelta(days=offset)]
    for gap in gaps:
        days.append(days[-1] + timedelta(days=gap))
    return [(day, price + 10.0 * (k % 3)) for k, day in enumerate(days)]


@tagged("post_install", "-at_install", "crm_customer_management")
class TestValuePrediction(DedicatedCompanyCase):
    """Predicted CLV and churn probability end to end: real confirmed orders in, the stored
    profile out, checked against the core fed with the same histories written out here by
    hand (order days, first and last order day, amount after the first day) - not with what
    the refresh gathered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Buyer {i:02d}"} for i in range(len(HISTORIES))]
        )

    def expected(self):
        rows = {}
        for customer, history in zip(self.customers, HISTORIES, strict=True):
            orders = orders_of(history)
            rows[customer.id] = {
                "order_count": len(orders),
                "order_amount": sum(amount for _day, amount in orders),
                "order_days": len(orders),  # one order a day
                "first_order_date": pd.Timestamp(orders[0][0]),
                "last_order_date": pd.Timestamp(orders[-1][0]),
                "repeat_amount": sum(amount for _day, amount in orders[1:]),
            }
        raw = pd.DataFrame.from_dict(rows, orient="index")
        out, state = profile.build_profiles(
            raw, pd.Timestamp(TODAY), self.company._ccm_value_config()
        )
        return out, state

    def test_predicted_clv_and_churn_match_the_core_on_the_same_histories(self):
        for customer, history in zip(self.customers, HISTORIES, strict=True):
            for day, amount in orders_of(history):
                self.confirm_order(customer, day.isoformat(), 1, amount)
        self.refresh(TODAY)
        out, state = self.expected()
        self.assertIsNone(state["fit_note"])
        self.assertFalse(self.company.ccm_value_fit_note)
        profiles = self.env["crm.customer.value"].search(
            [("company_id", "=", self.company.id), ("partner_id", "in", self.customers.ids)]
        )
        self.assertEqual(len(profiles), len(HISTORIES))
        for p in profiles:
            want = out.loc[p.partner_id.id]
            with self.subTest(customer=p.partner_id.name):
                self.assertAlmostEqual(p.churn_probability, want["churn_probability"], places=3)
                self.assertAlmostEqual(p.probability_alive, want["probability_alive"], places=3)
                self.assertAlmostEqual(p.clv_predicted, want["clv_predicted"], places=2)
                self.assertFalse(p.prediction_note)
        # by hand: BG/NBD says a customer who never bought again has not dropped out yet
        once = profiles.filtered(lambda p: p.order_count == 1)
        self.assertEqual(len(once), 4)
        self.assertEqual(set(once.mapped("churn_probability")), {0.0})
        # and the figures are not degenerate: someone is predicted to be gone, someone's
        # future is worth something
        self.assertGreater(max(profiles.mapped("churn_probability")), 0.9)
        self.assertGreater(max(profiles.mapped("clv_predicted")), 50.0)
