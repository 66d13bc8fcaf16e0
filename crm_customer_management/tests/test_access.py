from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CustomerManagementCase

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
# the models that show a customer's figures, each with the field of its customer
CUSTOMER_MODELS = {
    "crm.customer.value": "partner_id",
    "crm.customer.lifecycle.history": "partner_id",
    "crm.customer.lifecycle.report": "partner_id",
    "crm.customer.cohort.report": "partner_id",
    "crm.customer.nps.report": "partner_id",
    "crm.customer.delivery.report": "partner_id",
    "crm.customer.receivable.report": "partner_id",
}


@tagged("post_install", "-at_install", "crm_customer_management")
class TestAccess(CustomerManagementCase):
    """Sales access levels on the addon's profiles, history and reports (own documents,
    all documents), the other departments' reports, other companies and the portal.

    Three customers of the main company, one of Sally's, one of Otto's, one without a
    salesperson, each with one order of 100 confirmed on 5 March 2026, delivered on
    6 March, invoiced the same day due on 15 March and unpaid, a lifecycle stage and an
    NPS answer; profiles refreshed on 1 April."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sally = cls.salesman  # own documents
        cls.otto = new_test_user(
            cls.env, login="ccm_acc_otto", name="Otto Own", groups="sales_team.group_sale_salesman"
        )
        cls.alma = new_test_user(
            cls.env,
            login="ccm_acc_alma",
            name="Alma All",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.storekeeper = new_test_user(
            cls.env,
            login="ccm_acc_stock",
            groups="sales_team.group_sale_salesman,stock.group_stock_user",
        )
        cls.billing = new_test_user(
            cls.env,
            login="ccm_acc_billing",
            groups="sales_team.group_sale_salesman,account.group_account_invoice",
        )
        cls.auditor = new_test_user(
            cls.env, login="ccm_acc_auditor", groups="account.group_account_readonly"
        )
        cls.company2 = cls.env["res.company"].create({"name": "CCM Access Other"})
        cls.cora = new_test_user(
            cls.env,
            login="ccm_acc_cora",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.company2.id,
            company_ids=[Command.set(cls.company2.ids)],
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Access Sally",
                "crm_team_member_ids": [Command.create({"user_id": cls.sally.id})],
            }
        )
        cls.other_team = cls.env["crm.team"].create(
            {
                "name": "Access Otto",
                "crm_team_member_ids": [Command.create({"user_id": cls.otto.id})],
            }
        )
        Partner = cls.env["res.partner"]
        cls.mine, cls.ottos, cls.nobodys = Partner.create(
            [
                {"name": "Access Mine", "is_company": True, "user_id": cls.sally.id},
                {"name": "Access Otto's", "is_company": True, "user_id": cls.otto.id},
                {"name": "Access Nobody's", "is_company": True},
            ]
        )
        cls.customers = cls.mine | cls.ottos | cls.nobodys
        nps = cls.env.ref("crm_customer_management.survey_nps")
        question = nps.question_ids.filtered(lambda q: q.question_type == "scale")
        for partner in cls.customers:
            order = cls.confirm_order(cls, partner, "2026-03-05", 1, 100.0)
            cls.deliver(cls, order, "2026-03-06")
            cls.invoice(cls, order, date(2026, 3, 5), date(2026, 3, 15))
            with freeze_time("2026-03-20"):
                answer = cls.env["survey.user_input"].create(
                    {"survey_id": nps.id, "partner_id": partner.id}
                )
                answer._save_lines(question, "9")
                answer._mark_done()
        with freeze_time("2026-03-10"):
            cls.env["crm.customer.lifecycle"].sudo()._apply_moves(
                cls.company,
                [(p.id, None, "developing", None) for p in cls.customers],
                "manual",
                "setup",
            )
        cls.refresh(cls, date(2026, 4, 1))

    def visible(self, user, model):
        """{customer: rows} of the fixtures' rows ``user`` reads in ``model``."""
        field = CUSTOMER_MODELS[model]
        rows = self.env[model].with_user(user).search([(field, "in", self.customers.ids)])
        return {
            partner: rows.filtered(lambda r, p=partner: r[field] == p) for partner in rows[field]
        }

    def all_rows(self, model, partners):
        field = CUSTOMER_MODELS[model]
        return self.env[model].search([(field, "in", partners.ids)])

    def assert_reads(self, user, model, partners, count):
        """``user`` reads exactly the rows of ``partners`` in ``model``, ``count`` of them."""
        visible = self.visible(user, model)
        expected = self.all_rows(model, partners)
        self.assertEqual(set(visible), set(partners), f"{user.login} on {model}")
        self.assertEqual(
            sorted(r.id for rows in visible.values() for r in rows), sorted(expected.ids), model
        )
        self.assertEqual(len(expected), count, model)

    def test_fixtures(self):
        # one row per customer in each model (the history: the move of 10 March, plus the
        # stage changes the order and the invoice made)
        for model in CUSTOMER_MODELS:
            if model not in ("crm.customer.lifecycle.history", "crm.customer.lifecycle.report"):
                self.assertEqual(len(self.all_rows(model, self.customers)), 3, model)
        self.assertEqual(
            set(self.all_rows("crm.customer.lifecycle.history", self.customers).partner_id),
            set(self.customers),
        )

    def test_own_documents_salesman_reads_his_customers_and_those_without_salesperson(self):
        for user, own in ((self.sally, self.mine), (self.otto, self.ottos)):
            partners = own | self.nobodys
            for model in CUSTOMER_MODELS:
                if model in ("crm.customer.lifecycle.history", "crm.customer.lifecycle.report"):
                    count = len(self.all_rows(model, partners))
                else:
                    count = 2
                self.assert_reads(user, model, partners, count)
        # the profile of another salesman's customer, read directly: refused
        profile = self.profile(self.ottos)
        with self.assertRaises(AccessError):
            profile.with_user(self.sally).read(["net_value", "clv_predicted", "overdue_amount"])
        # nor through the customer's card
        self.assertFalse(self.ottos.with_user(self.sally).customer_value_id)
        self.assertFalse(self.ottos.with_user(self.sally).net_value)

    def test_all_documents_salesman_reads_every_customer(self):
        for model in CUSTOMER_MODELS:
            self.assert_reads(
                self.alma, model, self.customers, len(self.all_rows(model, self.customers))
            )
            self.assertEqual(len(self.visible(self.sales_manager, model)), 3, model)

    def test_other_company_and_portal_read_nothing(self):
        for model in CUSTOMER_MODELS:
            self.assertEqual(self.visible(self.cora, model), {}, model)
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_user).search([])

    def test_inventory_and_accounting_read_their_report_in_full(self):
        # a storekeeper who is also an own-documents salesman: every delivery, own receivables
        self.assert_reads(self.storekeeper, "crm.customer.delivery.report", self.customers, 3)
        self.assert_reads(self.storekeeper, "crm.customer.receivable.report", self.nobodys, 1)
        self.assert_reads(self.storekeeper, "crm.customer.value", self.nobodys, 1)
        # a billing user who is also an own-documents salesman: every open invoice
        self.assert_reads(self.billing, "crm.customer.receivable.report", self.customers, 3)
        self.assert_reads(self.billing, "crm.customer.delivery.report", self.nobodys, 1)
        # an accountant (read-only) without sales rights: the receivables, nothing else
        self.assert_reads(self.auditor, "crm.customer.receivable.report", self.customers, 3)
        for model in ("crm.customer.value", "crm.customer.delivery.report"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.auditor).search([])

    def _kpi(self, dashboard, key):
        return next(k["value"] for k in dashboard.kpis() if k["key"] == key)

    def test_own_documents_dashboard_is_his_own(self):
        Dashboard = self.env["crm.customer.dashboard"].with_user(self.sally)
        dashboard = Dashboard.create(MARCH)
        self.assertEqual(dashboard.user_id, self.sally)
        self.assertFalse(dashboard.is_manager)
        # overdue receivables: his customer's 100 only (Otto's 100 and the 100 of the
        # customer without salesperson are not his)
        self.assertAlmostEqual(self._kpi(dashboard, "overdue_amount"), 100.0)
        self.assertEqual(self._kpi(dashboard, "nps_answers"), 1)
        __, rows = dashboard.staff()
        self.assertEqual([r["user_id"] for r in rows], [self.sally.id])
        # another salesperson or team: refused, even without the form
        with self.assertRaises(UserError):
            dashboard.user_id = self.otto
        without_salesperson = Dashboard.create(dict(MARCH, user_id=False))
        self.assertAlmostEqual(self._kpi(without_salesperson, "overdue_amount"), 100.0)
        with self.assertRaises(UserError):
            Dashboard.create(dict(MARCH, team_id=self.other_team.id))
        own_team = Dashboard.create(dict(MARCH, team_id=self.team.id))
        self.assertAlmostEqual(self._kpi(own_team, "overdue_amount"), 100.0)
        # the service itself forces his scope
        service = self.env["crm.customer.kpi"].with_user(self.sally).sudo()
        values = service._compute(self.company, date(2026, 3, 1), date(2026, 3, 31))
        self.assertAlmostEqual(values["overdue_amount"], 100.0)
        with self.assertRaises(UserError):
            service._staff(self.company, date(2026, 3, 1), date(2026, 3, 31), user=self.otto)

    def test_all_documents_dashboard_reads_any_salesperson(self):
        Dashboard = self.env["crm.customer.dashboard"].with_user(self.alma)
        dashboard = Dashboard.create(MARCH)
        self.assertTrue(dashboard.is_manager)
        self.assertFalse(dashboard.user_id)
        scoped = Dashboard.create(dict(MARCH, user_id=self.otto.id))
        self.assertAlmostEqual(self._kpi(scoped, "overdue_amount"), 100.0)
        team = Dashboard.create(dict(MARCH, team_id=self.other_team.id))
        __, rows = team.staff()
        self.assertEqual([r["user_id"] for r in rows], [self.otto.id])

    def test_dashboard_refuses_a_company_the_user_is_not_in(self):
        Dashboard = self.env["crm.customer.dashboard"].with_user(self.alma)
        with self.assertRaises(AccessError):
            Dashboard.create(dict(MARCH, company_id=self.company2.id))
        dashboard = Dashboard.create(MARCH)
        with self.assertRaises(AccessError):
            dashboard.company_id = self.company2
        with self.assertRaises(AccessError):
            self.env["crm.customer.kpi"].with_user(self.alma)._compute(
                self.company2, date(2026, 3, 1), date(2026, 3, 31)
            )

    def test_portal_user_has_no_dashboard(self):
        with self.assertRaises(AccessError):
            self.env["crm.customer.dashboard"].with_user(self.portal_user).create({})
