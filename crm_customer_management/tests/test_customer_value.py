from datetime import date

import numpy as np
import pandas as pd
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import TODAY
from .test_access_company import DedicatedCompanyCase


@tagged("post_install", "-at_install", "crm_customer_management")
class TestCustomerValue(DedicatedCompanyCase):
    """Value profiles computed from real orders, deliveries, returns, invoices, credit notes
    and payments; every expected figure is computed by hand in the comments. In a company
    of their own: tiers and quintiles are relative to the company's customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.ccm_mvc_share = 50.0
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create({"name": "Alpha Ltd", "is_company": True})
        cls.alice = Partner.create({"name": "Alice", "parent_id": cls.alpha.id})
        cls.bruno = Partner.create({"name": "Bruno"})
        cls.carla = Partner.create({"name": "Carla"})
        foreign = cls.env.ref("base.EUR")
        if foreign == cls.company.currency_id:
            foreign = cls.env.ref("base.USD")
        foreign.active = True
        cls.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "name": "2025-01-01",
                "rate": 2.0,
                "company_id": cls.company.id,
            }
        )
        cls.foreign_pricelist = cls.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": foreign.id}
        )

    def _alpha_history(self):
        # Alpha, through its contact Alice: 10 x 100 (cost 60) on Jan 10, 5 x 100 on Mar 15
        so1 = self.confirm_order(self.alice, "2026-01-10", 10, 100.0)
        pick1 = self.deliver(so1, "2026-01-12")
        self.return_goods(pick1, 3, "2026-01-20")
        so2 = self.confirm_order(self.alpha, "2026-03-15", 5, 100.0)
        self.deliver(so2, "2026-03-16")
        inv1 = self.invoice(so1, date(2026, 1, 10), date(2026, 2, 9))
        self.pay(inv1, date(2026, 2, 19))  # 10 days late
        self.credit_note(inv1, date(2026, 2, 20), 1)  # 100 credited
        inv2 = self.invoice(so2, date(2026, 3, 15), date(2026, 4, 14))
        self.pay(inv2, date(2026, 4, 4), amount=200.0)  # partial, 300 left, overdue 77 days
        return so1, so2, inv1, inv2

    def _bruno_history(self):
        # 4 x 200 in the foreign currency at 2 per company unit: 400, margin (800-480)/2=160
        so3 = self.confirm_order(self.bruno, "2026-05-01", 4, 200.0, self.foreign_pricelist)
        self.invoice(so3, date(2026, 5, 1), date(2026, 5, 31))  # unpaid, overdue 30 days
        return so3

    def _ignored_documents(self):
        draft = self.confirm_order(self.carla, "2026-02-01", 1, 100.0)
        draft._action_cancel()
        with freeze_time("2026-02-02"):
            self.env["sale.order"].create(
                {
                    "partner_id": self.carla.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 7})],
                }
            )

    def test_full_refresh_exact_figures(self):
        self._alpha_history()
        self._bruno_history()
        self._ignored_documents()
        self.refresh(TODAY)

        alpha = self.profile(self.alpha)
        self.assertEqual(len(alpha), 1)
        self.assertFalse(self.profile(self.alice), "contacts roll up to their company")
        self.assertFalse(self.profile(self.carla), "cancelled and draft documents are ignored")
        self.assertEqual(alpha.order_count, 2)
        self.assertEqual(alpha.first_order_date, date(2026, 1, 10))
        self.assertEqual(alpha.last_order_date, date(2026, 3, 15))
        self.assertAlmostEqual(alpha.avg_order_value, 750.0)
        self.assertAlmostEqual(alpha.margin, 600.0)  # (100-60)*10 + (100-60)*5
        self.assertAlmostEqual(alpha.margin_12m, 600.0)
        self.assertAlmostEqual(alpha.revenue, 1400.0)  # 1000 + 500 - 100 credit note
        self.assertAlmostEqual(alpha.revenue_12m, 1400.0)
        self.assertAlmostEqual(alpha.avg_payment_delay, 10.0)  # only invoice 1 is paid
        self.assertEqual(alpha.paid_count, 1)
        self.assertAlmostEqual(alpha.late_payment_share, 100.0)
        self.assertAlmostEqual(alpha.overdue_amount, 300.0)
        self.assertAlmostEqual(alpha.delivered_qty, 15.0)
        self.assertAlmostEqual(alpha.returned_qty, 3.0)
        self.assertAlmostEqual(alpha.return_rate, 20.0)
        self.assertEqual(alpha.delivery_count, 2)
        self.assertEqual(alpha.return_count, 1)
        # 2 orders x 10 + 2 deliveries x 5 + 1 return x 20
        # + (1000 x 10 late days + 300 x 77 overdue days) x 36.5 % / 365 = 50 + 33.1
        self.assertAlmostEqual(alpha.cost_to_serve, 83.1)
        self.assertAlmostEqual(alpha.net_value, 516.9)
        self.assertEqual(alpha.recency_days, 107)

        bruno = self.profile(self.bruno)
        self.assertEqual(bruno.order_count, 1)
        self.assertAlmostEqual(bruno.order_amount, 400.0)
        self.assertAlmostEqual(bruno.margin, 160.0)
        self.assertAlmostEqual(bruno.revenue, 400.0)
        self.assertAlmostEqual(bruno.overdue_amount, 400.0)
        self.assertEqual(bruno.paid_count, 0)
        self.assertAlmostEqual(bruno.cost_to_serve, 22.0)  # 10 + 400 x 30 x 0.1 %
        self.assertAlmostEqual(bruno.net_value, 138.0)
        self.assertEqual(bruno.recency_days, 60)

        # 50 % of the 2 customers with a positive net value are most valuable
        self.assertEqual(alpha.value_tier, "mvc")
        self.assertEqual(bruno.value_tier, "maintain")
        self.assertEqual(len(alpha.rfm_score), 3)
        # the partner and its contact show the company's profile
        self.assertEqual(self.alpha.value_tier, "mvc")
        self.assertEqual(self.alice.customer_value_id, alpha)
        self.assertEqual(
            self.env["res.partner"].search(
                [
                    ("customer_value_id.value_tier", "=", "mvc"),
                    ("id", "in", (self.alpha | self.bruno).ids),
                ]
            ),
            self.alpha,
        )

    def test_churn_features_of_today_are_the_profiles_figures(self):
        # Alpha: 15 delivered, 3 returned, invoice 1 paid 10 days late (test above); Bruno
        # pays on July 5, after the refresh date: not paid yet as of June 30, for the
        # profile as for the churn features
        self._alpha_history()
        self.pay(self._bruno_history().invoice_ids, date(2026, 7, 5))
        self.refresh(TODAY)
        bruno = self.profile(self.bruno)
        self.assertEqual(bruno.paid_count, 0)
        self.assertFalse(bruno.avg_payment_delay)
        Churn = self.env["crm.customer.churn"]
        columns = ["delivered_qty", "returned_qty", "payment_delay"]
        expected = pd.DataFrame(
            {
                "delivered_qty": [15.0, np.nan],
                "returned_qty": [3.0, np.nan],
                "payment_delay": [10.0, np.nan],
            },
            index=pd.Index([self.alpha.id, self.bruno.id], dtype="int64", name="partner_id"),
        )
        # the profiles hold the figures as of June 30: read from them
        self.assertEqual(self.company.ccm_value_state["as_of"], "2026-06-30")
        self.assertTrue(Churn._profiles_current(self.company, TODAY))
        current = Churn._gather(self.company, TODAY, None)
        # as of the day before (or written by a version that did not say): gathered from
        # the moves and payments
        self.company.ccm_value_state = {**self.company.ccm_value_state, "as_of": "2026-06-29"}
        self.assertFalse(Churn._profiles_current(self.company, TODAY))
        gathered = Churn._gather(self.company, TODAY, None)
        self.company.ccm_value_state = {
            k: v for k, v in self.company.ccm_value_state.items() if k != "as_of"
        }
        self.assertFalse(Churn._profiles_current(self.company, TODAY))
        for frame in (current, gathered):
            pd.testing.assert_frame_equal(frame[columns].sort_index(), expected, check_names=False)
        pd.testing.assert_frame_equal(current, gathered[current.columns])
        # the ordered figures as of June 30: Alpha's last purchase 107 days before, on two
        # days 64 days apart, 1,500 ordered (all in the half-year before: trend +100 %)
        alpha = current.loc[self.alpha.id]
        self.assertEqual(
            (alpha.recency_days, alpha.purchase_days, alpha.span_days), (107.0, 2.0, 64.0)
        )
        self.assertAlmostEqual(alpha.amount, 1500.0)
        self.assertAlmostEqual(alpha.amount_recent, 1500.0)
        self.assertTrue(np.isnan(alpha.amount_prior))
        self.assertTrue(np.isnan(alpha.days_to_next))

    def test_refresh_is_idempotent_and_below_zero_tier(self):
        self._bruno_history()
        self.company.ccm_cost_per_order = 500.0
        self.assertEqual(self.refresh(TODAY), 1)
        first = self.profile(self.bruno).read(["net_value", "value_tier"])
        self.assertEqual(self.refresh(TODAY), 1)
        self.assertEqual(self.profile(self.bruno).read(["net_value", "value_tier"]), first)
        self.assertEqual(
            self.env["crm.customer.value"].search_count([("partner_id", "=", self.bruno.id)]), 1
        )
        self.assertAlmostEqual(first[0]["net_value"], 160.0 - 512.0)
        self.assertEqual(first[0]["value_tier"], "bz")

    def test_tier_change_logged_on_the_profile(self):
        self._bruno_history()
        self.refresh(TODAY)
        self.assertEqual(self.profile(self.bruno).value_tier, "maintain")
        self.company.ccm_cost_per_order = 500.0
        self.refresh(TODAY)
        self.assertEqual(self.profile(self.bruno).value_tier, "bz")
        # on the profile (read by whoever may read the profile), not on the shared partner
        profile = self.profile(self.bruno)
        messages = profile.message_ids.filtered(lambda m: "Value tier changed" in m.body)
        self.assertEqual(len(messages), 1)
        self.assertIn("Maintain", messages.body)
        self.assertIn("Below zero", messages.body)
        self.assertTrue(messages.is_internal)
        self.assertFalse(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", self.bruno.id),
                    ("body", "ilike", "Value tier changed"),
                ]
            )
        )

    def test_too_few_repeat_buyers_say_why_nothing_is_predicted(self):
        # Alpha bought twice (one repeat buyer), Bruno once: 1 of the 10 needed for a fit
        self._alpha_history()
        self._bruno_history()
        self.refresh(TODAY)
        note = (
            "Not enough repeat purchases to predict: 1 customers bought more than once, at"
            " least 10 are needed. Churn probability and predicted CLV stay empty until then."
        )
        self.assertEqual(self.company.ccm_value_fit_note, note)
        profile = self.profile(self.alpha)
        self.assertEqual(profile.prediction_note, note)
        self.assertFalse(profile.clv_predicted)

    def test_single_customer_refresh_costs_a_fixed_number_of_queries(self):
        self._alpha_history()
        self._bruno_history()
        self.refresh(TODAY)
        Value = self.env["crm.customer.value"]
        with freeze_time(TODAY):
            Value._refresh(self.company, [self.alpha.id])  # warm-up
            # set-based: the same queries for one customer or several, whatever their history
            # (the figures of sales, accounting and inventory in one; contacts and
            # satisfaction answers in another; JIT compilation off around the first and
            # back on after it)
            with self.assertQueryCount(10):
                Value._refresh(self.company, [self.alpha.id])
            with self.assertQueryCount(10):
                Value._refresh(self.company, [self.alpha.id, self.bruno.id])

    def test_documents_dated_in_the_future_do_not_count_yet(self):
        # Bruno: 4 x 200 foreign = 400 on May 1; then an order and an invoice dated July 10,
        # ten days after the refresh date (a typo, or a pre-dated document)
        self._bruno_history()
        later = self.confirm_order(self.bruno, "2026-07-10", 1, 100.0)
        self.invoice(later, date(2026, 7, 10), date(2026, 8, 9))
        self.refresh(TODAY)
        profile = self.profile(self.bruno)
        self.assertEqual(profile.order_count, 1)
        self.assertAlmostEqual(profile.order_amount, 400.0)
        self.assertAlmostEqual(profile.revenue, 400.0)
        self.assertEqual(profile.last_order_date, date(2026, 5, 1))
        self.assertEqual(profile.recency_days, 60)  # May 1 -> June 30, never negative
        # once their date has come, they count
        self.refresh(date(2026, 7, 10))
        profile = self.profile(self.bruno)
        self.assertEqual(profile.order_count, 2)
        self.assertAlmostEqual(profile.revenue, 500.0)
        self.assertEqual(profile.recency_days, 0)

    def test_single_customer_refresh_after_posting(self):
        self._alpha_history()
        self._bruno_history()
        self.refresh(TODAY)
        bruno_stamp = self.profile(self.bruno).refreshed_at
        so4 = self.confirm_order(self.alpha, "2026-06-30", 1, 100.0)
        self.invoice(so4, date(2026, 6, 30), date(2026, 7, 30))
        self.process_events("2026-06-30")  # what follows the commit of the posting
        alpha = self.profile(self.alpha)
        self.assertEqual(alpha.order_count, 3)
        self.assertAlmostEqual(alpha.revenue, 1500.0)
        self.assertAlmostEqual(alpha.margin, 640.0)
        self.assertEqual(alpha.recency_days, 0)
        self.assertEqual(self.profile(self.bruno).refreshed_at, bruno_stamp)

    def test_undoing_a_payment_an_invoice_or_an_order_refreshes_the_customer(self):
        # Alpha's invoice 1 was paid 10 days late; Bruno has one order of 400, invoiced
        inv1 = self._alpha_history()[2]
        so3 = self._bruno_history()
        self.process_events("2026-06-30")  # the documents' own events, done
        self.assertEqual(self.profile(self.alpha).paid_count, 1)
        Event = self.env["crm.customer.event"].sudo()
        ours = [("company_id", "=", self.company.id), ("state", "=", "pending")]
        self.assertEqual(Event.search_count(ours), 0)
        # the payment unreconciled: invoice 1 is open again, 1,000 overdue
        inv1.line_ids.remove_move_reconcile()
        self.process_events("2026-06-30")
        alpha = self.profile(self.alpha)
        self.assertEqual(alpha.paid_count, 0)
        self.assertFalse(alpha.avg_payment_delay)
        self.assertAlmostEqual(alpha.overdue_amount, 1300.0)  # 1,000 + 300 of invoice 2
        # Bruno's invoice reset to draft: no revenue, nothing overdue; his order stays
        so3.invoice_ids.button_draft()
        self.process_events("2026-06-30")
        bruno = self.profile(self.bruno)
        self.assertAlmostEqual(bruno.revenue, 0.0)
        self.assertAlmostEqual(bruno.overdue_amount, 0.0)
        self.assertEqual(bruno.order_count, 1)
        # then his order cancelled: nothing of his counts any more
        so3._action_cancel()
        self.process_events("2026-06-30")
        self.assertFalse(self.profile(self.bruno), "no confirmed order nor posted invoice left")

    def test_two_companies_stay_apart(self):
        self._alpha_history()
        company2 = self.env["res.company"].create({"name": "CCM Second Company"})
        self.env.user.company_ids |= company2
        self.confirm_order(self.alpha, "2026-04-01", 3, 333.0, company=company2)
        self.refresh(TODAY)
        self.refresh(TODAY, company=company2)
        self.assertEqual(self.profile(self.alpha).order_count, 2)
        second = self.profile(self.alpha, company2)
        self.assertEqual(second.order_count, 1)
        self.assertAlmostEqual(second.order_amount, 999.0)
        self.assertEqual(self.alpha.with_company(company2).customer_value_id, second)
        # a user of the first company only does not see the second company's profile
        self.assertFalse(
            self.env["crm.customer.value"]
            .with_user(self.salesman)
            .search([("company_id", "=", company2.id)])
        )

    def test_salesman_reads_own_tiers_but_cannot_refresh_all(self):
        """An own-documents salesman reads the profile of his customers (and of those
        without salesperson), not another salesperson's customers."""
        self._alpha_history()
        self._bruno_history()
        self.alpha.user_id = self.salesman
        self.bruno.user_id = self.sales_manager
        self.refresh(TODAY)
        partners = self.env["res.partner"].with_user(self.salesman)
        alpha, bruno = partners.browse(self.alpha.id), partners.browse(self.bruno.id)
        self.assertEqual(alpha.customer_value_id, self.profile(self.alpha))
        self.assertEqual(alpha.value_tier, "mvc")
        self.assertAlmostEqual(alpha.net_value, 516.9)
        self.assertFalse(bruno.customer_value_id)
        self.assertFalse(bruno.value_tier)
        self.assertFalse(bruno.net_value)
        profiles = self.env["crm.customer.value"].with_user(self.salesman)
        self.assertEqual(
            profiles.search([("partner_id", "in", (self.alpha | self.bruno).ids)]).partner_id,
            self.alpha,
        )
        with self.assertRaises(AccessError):
            self.profile(self.bruno).with_user(self.salesman).read(["net_value"])
        self.bruno.user_id = False  # a customer without salesperson: anyone's
        self.assertEqual(
            profiles.search([("partner_id", "in", (self.alpha | self.bruno).ids)]).partner_id,
            self.alpha | self.bruno,
        )
        with self.assertRaises(UserError):
            profiles.action_refresh_all()

    def test_manager_refreshes_all(self):
        self._bruno_history()
        action = self.env["crm.customer.value"].with_user(self.sales_manager).action_refresh_all()
        self.assertEqual(action["tag"], "display_notification")
        self.assertTrue(self.company.ccm_value_refreshed_at)
        self.assertTrue(self.profile(self.bruno))

    def test_portal_user_never_sees_monetary_figures(self):
        self._bruno_history()
        self.refresh(TODAY)
        profile = self.profile(self.bruno)
        with self.assertRaises(AccessError):
            profile.with_user(self.portal_user).read(["net_value"])
        with self.assertRaises(AccessError):
            self.bruno.with_user(self.portal_user).read(["clv_predicted"])

    def test_invalid_settings_are_refused(self):
        with self.assertRaises(ValidationError):
            self.company.ccm_cost_per_order = -1
        with self.assertRaises(ValidationError):
            self.company.ccm_clv_horizon_months = 0
        with self.assertRaises(ValidationError):
            self.company.ccm_mvc_share = 120
