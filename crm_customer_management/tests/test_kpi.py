from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_access_company import DedicatedCompanyCase

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@tagged("post_install", "-at_install", "crm_customer_management")
class TestKpi(DedicatedCompanyCase):
    """KPIs of March 2026 (previous period: February) on constructed documents, every value
    computed by hand in the comments; in a company of their own (the figures are
    company-wide)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create(
            {
                "name": "KPI Team",
                "user_id": cls.sales_manager.id,
                "crm_team_member_ids": [Command.create({"user_id": cls.salesman.id})],
            }
        )
        cls.other_team = cls.env["crm.team"].create({"name": "Other Team"})
        Partner = cls.env["res.partner"]
        cls.a, cls.b, cls.c = Partner.create(
            [{"name": f"KPI {x}", "is_company": True, "user_id": cls.salesman.id} for x in "ABC"]
        )
        cls.d, cls.e, cls.f = Partner.create([{"name": f"KPI {x}"} for x in "DEF"])
        cls.campaign = cls.env["utm.campaign"].create({"name": "Spring"})
        cls.kpi = cls.env["crm.customer.kpi"]

    def values(self, period=MARCH, team=None, user=None):
        return self.kpi._compute(self.company, *period, team, user)

    def test_cac_from_accounts_and_campaign_costs(self):
        account = self.env["account.account"].create(
            {"name": "Trade fairs", "code": "623100", "account_type": "expense"}
        )
        self.company.ccm_acquisition_account_ids = account
        journal = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company.id)], limit=1
        )
        other = self.env["account.account"].search(
            [("account_type", "=", "liability_current"), ("company_ids", "in", self.company.id)],
            limit=1,
        )
        entry = self.env["account.move"].create(
            {
                "journal_id": journal.id,
                "date": "2026-03-10",
                "line_ids": [
                    Command.create({"account_id": account.id, "debit": 900.0}),
                    Command.create({"account_id": other.id, "credit": 900.0}),
                ],
            }
        )
        entry.action_post()
        draft = entry.copy({"date": "2026-03-11"})  # drafts are no cost
        self.assertEqual(draft.state, "draft")
        self.env["crm.customer.campaign.cost"].create(
            {"campaign_id": self.campaign.id, "date": "2026-03-15", "name": "Flyers", "amount": 300}
        )
        self.confirm_order(self.c, "2026-02-10", 1, 100.0)  # acquired in February
        self.confirm_order(self.a, "2026-03-05", 2, 100.0)
        self.confirm_order(self.b, "2026-03-20", 1, 100.0)
        self.confirm_order(self.c, "2026-03-12", 1, 100.0)  # a repeat, not an acquisition
        values = self.values()
        self.assertEqual(values["customers_acquired"], 2)
        self.assertAlmostEqual(values["acquisition_cost"], 1200.0)  # 900 + 300
        self.assertAlmostEqual(values["cac"], 600.0)
        february = self.values((date(2026, 2, 1), date(2026, 2, 28)))
        self.assertEqual(february["customers_acquired"], 1)
        self.assertEqual(february["cac"], 0.0)
        # no customer acquired: CAC not defined, no division error
        april = self.values((date(2026, 4, 1), date(2026, 4, 30)))
        self.assertEqual(april["customers_acquired"], 0)
        self.assertIsNone(april["cac"])
        self.assertIsNone(april["clv_cac_ratio"])
        # CLV from the value profiles: margins A 2 x 40 = 80, B 40, C 2 x 40 = 80
        self.refresh(date(2026, 4, 1))
        values = self.values()
        self.assertAlmostEqual(values["clv_historical"], 200.0 / 3)
        self.assertAlmostEqual(values["clv_cac_ratio"], 200.0 / 3 / 600.0)
        # a salesperson's scope
        self.assertEqual(self.values(user=self.sales_manager)["customers_acquired"], 0)

    def test_churn_and_retention_from_the_history(self):
        service = self.env["crm.customer.lifecycle"].sudo()
        with freeze_time("2026-02-15"):
            service._apply_moves(
                self.company,
                [
                    (self.d.id, None, "developing", None),
                    (self.e.id, None, "developing", None),
                    (self.f.id, None, "at_risk", None),
                    (self.a.id, None, "lost", None),
                ],
                "manual",
                "setup",
            )
        with freeze_time("2026-03-10"):
            service._apply_moves(
                self.company, [(self.e.id, "developing", "lost", None)], "scheduled"
            )
        values = self.values()
        self.assertEqual(values["active_at_start"], 3)  # D, E, F; A was already lost
        self.assertEqual(values["customers_lost"], 1)
        self.assertAlmostEqual(values["churn_rate"], 100.0 / 3)
        self.assertAlmostEqual(values["retention_rate"], 200.0 / 3)
        february = self.values((date(2026, 2, 1), date(2026, 2, 28)))
        self.assertEqual(february["active_at_start"], 0)
        self.assertIsNone(february["churn_rate"])  # nobody active at the start: not defined
        self.assertIsNone(february["retention_rate"])

    def _answer(self, survey, partner, score, on):
        with freeze_time(on):
            answer = self.env["survey.user_input"].create(
                {"survey_id": survey.id, "partner_id": partner.id}
            )
            question = survey.question_ids.filtered(lambda q: q.question_type == "scale")
            answer._save_lines(question, str(score))
            answer._mark_done()
        return answer

    def _rating(self, record, partner, score, on):
        rating = self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id(record._name),
                "res_id": record.id,
                "partner_id": partner.id,
                "rating": score,
                "consumed": True,
            }
        )
        # write_date is the transaction's clock, which freeze_time does not move: backdate
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE rating_rating SET write_date = %s WHERE id = %s", [on, rating.id]
        )
        return rating

    def test_nps_and_csat(self):
        """The addon's surveys and the complaints' ratings of the company's customers
        (a value profile in the company, or the complaint answered): not the other
        companies' customers, nor other surveys and ratings."""
        Value = self.env["crm.customer.value"]
        Value.create(
            [
                {"partner_id": p.id, "company_id": self.company.id}
                for p in self.a | self.b | self.c | self.d | self.e
            ]
        )
        company2 = self.env["res.company"].create({"name": "CCM KPI Elsewhere"})
        self.env.user.company_ids |= company2
        elsewhere = self.env["res.partner"].create({"name": "KPI Elsewhere"})
        Value.create({"partner_id": elsewhere.id, "company_id": company2.id})
        nobody = self.env["res.partner"].create({"name": "KPI No Customer"})
        nps = self.env.ref("crm_customer_management.survey_nps")
        for partner, score in ((self.a, 10), (self.b, 9), (self.c, 7), (self.d, 3)):
            self._answer(nps, partner, score, "2026-03-12")
        self._answer(nps, self.e, 0, "2026-02-27")  # February
        self._answer(nps, elsewhere, 0, "2026-03-12")  # another company's customer
        self._answer(nps, nobody, 0, "2026-03-12")  # no company's customer
        csat = self.env["survey.survey"].create(
            {
                "title": "How satisfied are you?",
                "ccm_satisfaction_kind": "csat",
                "question_and_page_ids": [
                    Command.create(
                        {
                            "title": "Satisfaction",
                            "question_type": "scale",
                            "scale_min": 1,
                            "scale_max": 5,
                        }
                    )
                ],
            }
        )
        self._answer(csat, self.a, 5, "2026-03-03")
        self._answer(csat, self.b, 2, "2026-03-04")
        # a rating of C's complaint counts; a rating of anything else (helpdesk, live chat,
        # here the partner itself) does not
        complaint = self.env["crm.complaint"].create(
            {"subject": "Late", "partner_id": self.c.id, "severity": "low"}
        )
        self._rating(complaint, self.c, 4, "2026-03-05 09:00:00")
        self._rating(self.c, self.c, 1, "2026-03-05 09:00:00")
        values = self.values()
        # promoters 10, 9 = 50 %; detractor 3 = 25 %
        self.assertEqual(values["nps_answers"], 4)
        self.assertAlmostEqual(values["nps"], 25.0)
        # CSAT: 5 and the complaint's rating 4 satisfied, 2 not: 2 / 3
        self.assertEqual(values["csat_answers"], 3)
        self.assertAlmostEqual(values["csat"], 200.0 / 3)
        february = self.values((date(2026, 2, 1), date(2026, 2, 28)))
        self.assertAlmostEqual(february["nps"], -100.0)
        self.assertIsNone(february["csat"])  # no answer: not defined
        april = self.values((date(2026, 4, 1), date(2026, 4, 30)))
        self.assertIsNone(april["nps"])
        # the other company: its customer's answer only
        other = self.kpi.with_company(company2)._compute(company2, *MARCH)
        self.assertEqual((other["nps_answers"], other["nps"]), (1, -100.0))
        self.assertEqual(other["csat_answers"], 0)
        # the satisfaction report: the NPS of any group is the average of nps_points
        report = self.env["crm.customer.nps.report"]
        customers = self.a | self.b | self.c | self.d | self.e | elsewhere | nobody
        groups = report._read_group(
            [("kind", "=", "nps"), ("partner_id", "in", customers.ids)],
            ["company_id"],
            ["nps_points:avg", "__count"],
        )
        self.assertEqual(
            {company: (points, count) for company, points, count in groups},
            {self.company: ((100 + 100 + 0 - 100 - 100) / 5, 5), company2: (-100.0, 1)},
        )
        # no answer without a company (it would show in every company)
        self.assertFalse(report.search_count([("partner_id", "=", nobody.id)]))
        # a CSAT answer to a complaint belongs to the complaint's company only
        answer = self._answer(csat, self.a, 5, "2026-03-06")
        self.env["crm.complaint"].with_company(company2).create(
            {
                "subject": "Answered",
                "partner_id": self.a.id,
                "severity": "low",
                "company_id": company2.id,
                "survey_answer_id": answer.id,
            }
        )
        self.assertEqual(report.search([("answer_id", "=", answer.id)]).company_id, company2)
        self.assertEqual(self.values()["csat_answers"], 3)

    def test_conversion_campaign_roi_and_operations(self):
        with freeze_time("2026-02-25"):
            l1 = self.env["crm.lead"].create({"name": "L1", "partner_id": self.a.id})
        with freeze_time("2026-03-10"):
            l2 = self.env["crm.lead"].create({"name": "L2", "partner_id": self.b.id})
            l3 = self.env["crm.lead"].create({"name": "L3"})
        # create_date is the transaction's clock, which freeze_time does not move: backdate
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = %s", ["2026-02-25 00:00:00", l1.id]
        )
        with freeze_time("2026-03-05"):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.a.id,
                    "opportunity_id": l1.id,
                    "campaign_id": self.campaign.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 2, "price_unit": 100}
                        )
                    ],
                }
            )
            order.action_confirm()
            l1.action_set_won()
        with freeze_time("2026-03-20"):
            l2.action_set_won()
        with freeze_time("2026-03-22"):
            l3.action_set_lost()
        self.env["crm.customer.campaign.cost"].create(
            {"campaign_id": self.campaign.id, "date": "2026-03-15", "name": "Ads", "amount": 300}
        )
        self.deliver(order, "2026-03-07")  # scheduled on 2026-03-05: late
        order_b = self.confirm_order(self.b, "2026-03-20", 1, 100.0)
        picking_b = self.deliver(order_b, "2026-03-20")  # on time
        self.return_goods(picking_b, 1, "2026-03-25")
        values = self.values()
        self.assertEqual((values["leads_won"], values["leads_lost"]), (2, 1))
        self.assertAlmostEqual(values["conversion_rate"], 200.0 / 3)
        self.assertAlmostEqual(values["lead_to_order_days"], 8.0)  # L1: 25 Feb -> 5 Mar
        # campaign orders: margin 2 x (100 - 60) = 80; ROI (80 - 300) / 300
        self.assertAlmostEqual(values["campaign_margin"], 80.0)
        self.assertAlmostEqual(values["campaign_roi"], -220.0 / 3)
        self.assertEqual(values["deliveries"], 2)
        self.assertAlmostEqual(values["late_delivery_rate"], 50.0)
        self.assertEqual(values["returns"], 1)
        february = self.values((date(2026, 2, 1), date(2026, 2, 28)))
        self.assertIsNone(february["conversion_rate"])
        self.assertIsNone(february["campaign_roi"])  # no cost: not defined
        self.assertIsNone(february["late_delivery_rate"])
        # overdue receivables: A's invoice due on 15 March, unpaid on 1 April
        self.invoice(order, "2026-03-05", "2026-03-15")
        self.refresh(date(2026, 4, 1))
        self.assertAlmostEqual(self.values()["overdue_amount"], 200.0)

    def test_dashboard_previous_period_across_the_year(self):
        self.confirm_order(self.a, "2025-12-15", 1, 100.0)
        self.confirm_order(self.b, "2026-01-10", 1, 100.0)
        self.confirm_order(self.c, "2026-01-20", 1, 100.0)
        dashboard = self.env["crm.customer.dashboard"].create(
            {"date_from": "2026-01-01", "date_to": "2026-01-31"}
        )
        acquired = next(k for k in dashboard.kpis() if k["key"] == "customers_acquired")
        self.assertEqual((acquired["value"], acquired["previous"]), (2, 1))
        self.assertAlmostEqual(acquired["trend"], 100.0)
        self.assertIn("not defined", dashboard.kpi_html)  # e.g. the CAC without costs
        self.assertIn('data-kpi="customers_acquired"', dashboard.kpi_html)
        action = dashboard.action_open_orders()
        self.assertEqual(self.env["sale.order"].search_count(action["domain"]), 2)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_customer_management.report_customer_dashboard", dashboard.ids)[
                0
            ]
            .decode()
        )
        self.assertIn("Customer management report", html)
        self.assertIn("Customers acquired", html)
        with self.assertRaises(UserError):
            dashboard.date_to = "2025-12-01"

    def test_staff_scorecard(self):
        """Per person: portfolio, churn, CSAT and net value growth of the customers whose
        salesperson they are; complaints they resolved."""
        self.company.ccm_cost_per_complaint = 15.0
        self.d.user_id = self.sales_manager
        self.deliver(self.confirm_order(self.b, "2026-02-10", 1, 100.0), "2026-02-11")
        self.deliver(self.confirm_order(self.a, "2026-03-05", 2, 100.0), "2026-03-07")
        self.confirm_order(self.d, "2026-03-12", 1, 100.0)
        service = self.env["crm.customer.lifecycle"].sudo()
        with freeze_time("2026-02-15"):
            service._apply_moves(
                self.company,
                [(self.a.id, None, "developing", None), (self.b.id, None, "developing", None)],
                "manual",
                "setup",
            )
        with freeze_time("2026-03-10"):
            service._apply_moves(
                self.company, [(self.b.id, "developing", "lost", None)], "scheduled"
            )
        closed = self.env.ref("crm_customer_management.complaint_stage_closed")
        with freeze_time("2026-03-02 09:00:00"):
            in_time, late = self.env["crm.complaint"].create(
                [
                    {
                        "subject": s,
                        "partner_id": self.a.id,
                        "severity": "low",
                        "user_id": self.sales_manager.id,
                    }
                    for s in ("in time", "late")
                ]
            )
        (in_time | late).resolution_deadline = datetime(2026, 3, 5, 9, 0)
        with freeze_time("2026-03-04 09:00:00"):
            in_time.write({"stage_id": closed.id, "csat_score": 5})
        with freeze_time("2026-03-06 09:00:00"):
            late.write({"stage_id": closed.id, "csat_score": 2})
        self._rating(in_time, self.a, 5, "2026-03-05 09:00:00")
        self.refresh(date(2026, 4, 1))
        card = self.kpi._staff(self.company, *MARCH)
        sally, manny = card.loc[self.salesman.id], card.loc[self.sales_manager.id]
        self.assertEqual(sally["portfolio"], 2)  # A and B; C never ordered
        self.assertEqual(manny["portfolio"], 1)  # D
        # Sally: A and B active on 1 March, B lost on 10 March
        self.assertAlmostEqual(sally["churn_rate"], 50.0)
        self.assertAlmostEqual(sally["retention_rate"], 50.0)
        self.assertIsNone(manny["churn_rate"])  # D has no history: not defined
        self.assertAlmostEqual(sally["csat"], 100.0)  # the rating 5 of A's complaint
        self.assertIsNone(manny["csat"])
        # net value: March margin 2 x 40 - order 10 - delivery 5 - 2 complaints x 15 = 35;
        # February 40 - 10 - 5 = 25; growth (35 - 25) / 25 = 40 %
        self.assertAlmostEqual(sally["net_value"], 35.0)
        self.assertAlmostEqual(sally["net_value_previous"], 25.0)
        self.assertAlmostEqual(sally["net_value_growth"], 40.0)
        # Manny's D: 40 - 10 = 30, nothing before: growth not defined
        self.assertAlmostEqual(manny["net_value"], 30.0)
        self.assertIsNone(manny["net_value_growth"])
        # the complaints Manny resolved: 1 of 2 in SLA, CSAT 5 and 2 -> 50 %
        self.assertEqual(manny["complaints_handled"], 2)
        self.assertAlmostEqual(manny["complaint_sla_compliance"], 50.0)
        self.assertAlmostEqual(manny["complaint_csat"], 50.0)
        self.assertEqual(sally["complaints_handled"], 0)
        self.assertIsNone(sally["complaint_sla_compliance"])
        # the scorecard in the dashboard and the printed report
        dashboard = self.env["crm.customer.dashboard"].create(
            {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
        self.assertIn("Sally Salesman", dashboard.staff_html)
        self.assertIn('data-kpi="net_value_growth"', dashboard.staff_html)
        self.assertIn("40.0 %", dashboard.staff_html)
        self.assertEqual(dashboard.action_open_staff()["res_id"], dashboard.id)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "crm_customer_management.report_customer_dashboard", dashboard.ids
        )[0]
        self.assertIn("Staff scorecard", html.decode())
        # an own-documents salesman sees his own row only
        own = (
            self.env["crm.customer.dashboard"]
            .with_user(self.salesman)
            .create({"date_from": "2026-03-01", "date_to": "2026-03-31"})
        )
        __, rows = own.staff()
        self.assertEqual([r["user_id"] for r in rows], [self.salesman.id])

    def test_deliveries_and_receivables_by_segment(self):
        """The inventory and accounting figures of the customer team, per customer segment,
        readable by inventory and accounting users."""
        order_a = self.confirm_order(self.a, "2026-03-05", 2, 100.0)
        self.deliver(order_a, "2026-03-07")  # scheduled on 5 March: 2 days late
        order_b = self.confirm_order(self.b, "2026-03-20", 1, 100.0)
        self.return_goods(self.deliver(order_b, "2026-03-20"), 1, "2026-03-25")
        invoice_a = self.invoice(order_a, "2026-03-05", "2026-03-15")
        self.pay(invoice_a, "2026-03-20", 50.0)  # 150 of 200 still open, long overdue
        self.invoice(order_b, "2026-03-20", "2099-12-31")  # not due
        self.refresh(date(2026, 4, 1))
        deliveries = self.env["crm.customer.delivery.report"]
        scope = [("partner_id", "in", (self.a | self.b).ids)]
        rows = {
            partner: (count, late, delay, returns)
            for partner, count, late, delay, returns in deliveries._read_group(
                scope,
                ["partner_id"],
                ["nbr_deliveries:sum", "late:avg", "delay_days:avg", "nbr_returns:sum"],
            )
        }
        self.assertEqual(rows[self.a][:2], (1, 100.0))
        self.assertAlmostEqual(rows[self.a][2], 2.0)
        self.assertEqual(rows[self.b], (1, 0.0, False, 1))  # no late delivery: no delay
        # the tier of each row is the customer's profile tier in the picking's company
        tiers = deliveries._read_group(scope, ["value_tier"], ["late:avg"])
        expected = {self.profile(self.a).value_tier, self.profile(self.b).value_tier}
        self.assertEqual({tier for tier, __ in tiers}, expected)
        receivables = self.env["crm.customer.receivable.report"]
        rows = {
            (partner, aging): (residual, overdue)
            for partner, aging, residual, overdue in receivables._read_group(
                scope, ["partner_id", "aging"], ["residual:sum", "overdue:sum"]
            )
        }
        self.assertEqual(
            rows, {(self.a, "90_plus"): (150.0, 150.0), (self.b, "not_due"): (100.0, 0.0)}
        )
        # other departments read what concerns them, nothing else
        storekeeper = self.company_user("ccm_stock", "stock.group_stock_user")
        billing = self.company_user("ccm_billing", "account.group_account_invoice")
        self.assertEqual(deliveries.with_user(storekeeper).search_count(scope), 3)
        self.assertEqual(receivables.with_user(billing).search_count(scope), 2)
        with self.assertRaises(AccessError):
            receivables.with_user(storekeeper).search(scope)
        with self.assertRaises(AccessError):
            deliveries.with_user(billing).search(scope)
        with self.assertRaises(AccessError):
            self.env["crm.customer.value"].with_user(storekeeper).search([])

    def test_salesman_sees_own_customers_portal_nothing(self):
        """Sally (own documents) sees her customers' figures only: A, B, C ordered in
        March, the order of D (the manager's customer) not hers."""
        for partner in self.a | self.b | self.c:
            self.confirm_order(partner, "2026-03-05", 1, 100.0)
        self.d.user_id = self.sales_manager
        self.confirm_order(self.d, "2026-03-06", 1, 100.0)
        dashboard = self.env["crm.customer.dashboard"].with_user(self.salesman).create({})
        self.assertEqual((dashboard.user_id, dashboard.company_id), (self.salesman, self.company))
        dashboard.write({"date_from": "2026-03-01", "date_to": "2026-03-31"})
        acquired = next(k for k in dashboard.kpis() if k["key"] == "customers_acquired")
        self.assertEqual((acquired["value"], acquired["previous"]), (3, 0))
        with self.assertRaises(UserError):
            dashboard.team_id = self.other_team
        with self.assertRaises(UserError):
            dashboard.user_id = self.sales_manager
        manager_view = (
            self.env["crm.customer.dashboard"]
            .with_user(self.sales_manager)
            .create({"date_from": "2026-03-01", "date_to": "2026-03-31"})
        )
        acquired = next(k for k in manager_view.kpis() if k["key"] == "customers_acquired")
        self.assertEqual(acquired["value"], 4)
        manager_view.user_id = self.sales_manager
        acquired = next(k for k in manager_view.kpis() if k["key"] == "customers_acquired")
        self.assertEqual(acquired["value"], 1)
        with self.assertRaises(AccessError):
            self.env["crm.customer.dashboard"].with_user(self.portal_user).create({})
        with self.assertRaises(AccessError):
            self.env["crm.customer.cohort.report"].with_user(self.portal_user).search([])

    def test_monthly_report_mailed_to_managers(self):
        self.sales_manager.email = "manny@example.com"
        with freeze_time("2026-04-01"):
            mails = self.env["crm.customer.dashboard"]._cron_send_monthly_report()
        # one mail per company he manages: the test company's
        mail = mails.filtered(
            lambda m: "manny@example.com" in m.email_to and self.company.name in m.subject
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("2026-03", mail.subject)
        # the report is the mail's (its message's) attachment, not the transient dashboard's
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertEqual(
            (mail.attachment_ids.res_model, mail.attachment_ids.res_id),
            ("mail.message", mail.mail_message_id.id),
        )
        self.assertTrue(mail.attachment_ids.raw)
        self.assertFalse(
            self.env["ir.attachment"].search_count([("res_model", "=", "crm.customer.dashboard")])
        )

    def test_cohort_retention_report(self):
        """A bought in December and January, B in December; on 1 February the December
        cohort (2 customers) is 2 months old: 100 %, 50 % and 0 % (nobody bought in
        February yet); over its three months 3 of 6 customer-months, 50 %, a ratio and not
        a sum of percentages."""
        self.confirm_order(self.a, "2025-12-05", 1, 100.0)
        self.confirm_order(self.a, "2026-01-20", 1, 100.0)
        self.confirm_order(self.b, "2025-12-10", 1, 100.0)
        self.refresh(date(2026, 2, 1))  # the full refresh keeps the cohorts
        Report = self.env["crm.customer.cohort.report"]
        mine = [("company_id", "=", self.company.id)]
        groups = Report._read_group(
            mine, ["cohort_month:month", "month_offset"], ["retention:sum", "nbr:sum"]
        )
        cells = {(str(c)[:10], o): (r, n) for c, o, r, n in groups}
        self.assertEqual(
            cells,
            {
                ("2025-12-01", 0): (100.0, 2),
                ("2025-12-01", 1): (50.0, 1),  # across the year
                ("2025-12-01", 2): (0.0, 0),
            },
        )
        # the pivot's measure (the field's aggregator) and its totals are ratios too
        [(total,)] = Report._read_group(mine, [], ["retention:avg"])
        self.assertAlmostEqual(total, 50.0)
        [(_cohort, total)] = Report._read_group(mine, ["cohort_month:month"], ["cohort_size:sum"])
        self.assertEqual(total, 6)
        # as the salesman of neither customer: the rows of his customers only, none
        self.a.user_id = self.b.user_id = self.sales_manager
        self.refresh(date(2026, 2, 1))
        self.assertFalse(Report.with_user(self.salesman).search_count(mine))

    def test_cohort_rebuild_rewrites_only_what_changed(self):
        """The next full refresh keeps the rows that stay as they were (same ids) and
        replaces the changed ones: B buys in February, so the December cohort's third
        month goes from 0 % to 50 %; the other cells keep their rows."""
        self.confirm_order(self.a, "2025-12-05", 1, 100.0)
        self.confirm_order(self.b, "2025-12-10", 1, 100.0)
        self.refresh(date(2026, 2, 1))
        Report = self.env["crm.customer.cohort.report"]
        mine = [("company_id", "=", self.company.id)]
        before = Report.search(mine)
        self.assertEqual(len(before), 5)  # 2 buyers in December + 3 rows of its size
        self.confirm_order(self.b, "2026-02-01", 1, 100.0)
        self.refresh(date(2026, 2, 1))
        after = Report.search(mine)
        self.assertEqual(len(after), 6)
        self.assertEqual(len(before & after), 5)  # nothing rewritten, one row more
        groups = Report._read_group(mine, ["cohort_month:month", "month_offset"], ["retention:sum"])
        self.assertEqual(
            {(str(c)[:10], o): r for c, o, r in groups},
            {("2025-12-01", 0): 100.0, ("2025-12-01", 1): 0.0, ("2025-12-01", 2): 50.0},
        )
        # B moves to another salesperson: his rows and the cohort's size rows change
        self.b.user_id = self.sales_manager
        self.refresh(date(2026, 2, 1))
        moved = Report.search(mine)
        self.assertEqual(len(moved), 9)  # 3 buyer rows, 3 size rows per salesperson
        self.assertEqual(len(moved & after), 1)  # A's December row only

    def test_cohort_retention_report_in_jalali_months(self):
        """Orders around Nowruz 1404 (1 Farvardin 1404 = 21 March 2025; 1403 is a leap year,
        its Esfand runs 19 February - 20 March 2025): A buys on 30 Esfand 1403 (20 March)
        and 1 Farvardin (21 March), B on 1 and 31 Farvardin (21 March, 20 April), C on
        1 Ordibehesht (21 April); refreshed on 5 Ordibehesht (25 April 2025).
        Jalali: cohort 1403/12 = A: 100 %, 100 %, 0 %; 1404/01 = B: 100 %, 0 % (both
        orders in Farvardin); 1404/02 = C: 100 %; 4 of 6 customer-months, 66.67 %.
        Gregorian (the same orders, the report rebuilt when the calendar changes): cohort
        2025-03 = A, B: 100 %, 50 % (B in April); 2025-04 = C: 100 %."""
        self.confirm_order(self.a, "2025-03-20 10:00", 1, 100.0)
        self.confirm_order(self.a, "2025-03-21 10:00", 1, 100.0)
        self.confirm_order(self.b, "2025-03-21 11:00", 1, 100.0)
        self.confirm_order(self.b, "2025-04-20 10:00", 1, 100.0)
        self.confirm_order(self.c, "2025-04-21 10:00", 1, 100.0)
        Report = self.env["crm.customer.cohort.report"]
        mine = [("company_id", "=", self.company.id)]

        def cells():
            groups = Report._read_group(
                mine,
                ["cohort_period", "month_offset"],
                ["retention:avg", "nbr:sum", "cohort_month:min", "month:min"],
            )
            return {(c, o): (r, n, str(start), str(month)) for c, o, r, n, start, month in groups}

        self.company.ccm_period_calendar = "jalali"
        self.refresh(date(2025, 4, 25))
        self.assertEqual(
            cells(),
            {
                ("1403/12", 0): (100.0, 1, "2025-02-19", "2025-02-19"),
                ("1403/12", 1): (100.0, 1, "2025-02-19", "2025-03-21"),
                ("1403/12", 2): (0.0, 0, "2025-02-19", "2025-04-21"),
                ("1404/01", 0): (100.0, 1, "2025-03-21", "2025-03-21"),
                ("1404/01", 1): (0.0, 0, "2025-03-21", "2025-04-21"),
                ("1404/02", 0): (100.0, 1, "2025-04-21", "2025-04-21"),
            },
        )
        self.assertEqual(
            sorted(
                Report.search(mine + [("partner_id", "=", self.a.id)]).mapped("purchase_period")
            ),
            ["1403/12", "1404/01"],
        )
        [(total,)] = Report._read_group(mine, [], ["retention:avg"])
        self.assertAlmostEqual(total, 400 / 6)
        # back to the Gregorian calendar: the report follows at once, no refresh needed
        with freeze_time("2025-04-25"):
            self.company.ccm_period_calendar = "gregorian"
        self.assertEqual(
            cells(),
            {
                ("2025-03", 0): (100.0, 2, "2025-03-01", "2025-03-01"),
                ("2025-03", 1): (50.0, 1, "2025-03-01", "2025-04-01"),
                ("2025-04", 0): (100.0, 1, "2025-04-01", "2025-04-01"),
            },
        )
