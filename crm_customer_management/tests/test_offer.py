from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .test_access_company import DedicatedCompanyCase

REFRESHED = "2026-04-01 08:00:00"


@tagged("post_install", "-at_install", "crm_customer_management")
class TestServiceAndOffers(DedicatedCompanyCase):
    """Service by value and next best offers in a company of their own.

    Products A (cost 60), B (cost 20), D (cost 5), C (cost 10, the catalogue offer). Six
    customers of Sally, each order confirmed in March 2026:
    Vip {10 A at 100, B at 50}; C1 and C2 {A at 100, B at 50} and {D at 10}; X {A}; L {A};
    C3 {D}. Costs to serve 10 per order: net values Vip 420, C1 and C2 55, X and L 30,
    C3 -5. Profiles refreshed on 1 April: Vip is the one most valuable customer (a fifth
    of the five positive ones), C3 below zero.

    Baskets = orders (8): A in 5, B in 3, A and B in 3: A => B has confidence 3/5 and lift
    0.6 / (3/8) = 1.6. Baskets = customers (6): A in 5, B in 3, A and B in 3: lift
    0.6 / (3/6) = 1.2. The expected margin of B is 30 (each B line: 50 - 20)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id = cls.working_calendar("CCM Offers 8-12 13-17 UTC")
        cls.sally = cls.salesman
        cls.manny = cls.sales_manager
        cls.otto = cls.company_user("ccm_offer_otto", "sales_team.group_sale_salesman")
        cls.env["crm.team"].create(
            {
                "name": "Offers Sally",
                "company_id": cls.company.id,
                "crm_team_member_ids": [Command.create({"user_id": cls.sally.id})],
            }
        )
        cls.env["crm.team"].create(
            {
                "name": "Offers Otto",
                "company_id": cls.company.id,
                "crm_team_member_ids": [Command.create({"user_id": cls.otto.id})],
            }
        )
        Product = cls.env["product.product"]

        def product(name, cost, price):
            return Product.create(
                {
                    "name": name,
                    "type": "consu",
                    "standard_price": cost,
                    "list_price": price,
                    "taxes_id": [Command.clear()],
                }
            )

        cls.a = product("CCM Offer A", 60.0, 100.0)
        cls.b = product("CCM Offer B", 20.0, 50.0)
        cls.d = product("CCM Offer D", 5.0, 10.0)
        cls.c = product("CCM Offer C", 10.0, 30.0)
        Partner = cls.env["res.partner"]
        names = ("Vip", "C1", "C2", "X", "L", "C3")
        cls.customers = {
            name: Partner.create(
                {
                    "name": f"CCM Offer {name}",
                    "is_company": True,
                    "user_id": cls.sally.id,
                    "email": f"{name.lower()}@offers.example.com",
                }
            )
            for name in names
        }
        cls.vip, cls.x, cls.l = (cls.customers[n] for n in ("Vip", "X", "L"))
        a, b, d = cls.a, cls.b, cls.d
        baskets = [
            ("Vip", [(a, 10, 100.0), (b, 1, 50.0)]),
            ("C1", [(a, 1, 100.0), (b, 1, 50.0)]),
            ("C2", [(a, 1, 100.0), (b, 1, 50.0)]),
            ("X", [(a, 1, 100.0)]),
            ("L", [(a, 1, 100.0)]),
            ("C1", [(d, 1, 10.0)]),
            ("C2", [(d, 1, 10.0)]),
            ("C3", [(d, 1, 10.0)]),
        ]
        for day, (name, lines) in enumerate(baskets, start=2):
            cls.sell(cls.customers[name], f"2026-03-{day:02d} 10:00:00", lines)
        with freeze_time(REFRESHED):
            cls.env["crm.customer.value"]._refresh(cls.company)
        cls.tiers = {
            t.code: t.with_company(cls.company) for t in cls.env["crm.customer.tier"].search([])
        }
        cls.offer = cls.env["crm.customer.offer"].create(
            {
                "name": "C for our best customers",
                "product_id": cls.c.id,
                "discount": 10.0,
                "tier_ids": [Command.set(cls.tiers["mvc"].ids)],
                "company_id": cls.company.id,
            }
        )
        with freeze_time(REFRESHED):
            cls.env["crm.customer.basket"]._run(cls.company)
        cls.Suggestion = cls.env["crm.customer.offer.suggestion"]

    @classmethod
    def sell(cls, partner, on, lines, confirm=True):
        with freeze_time(on):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "order_line": [
                        Command.create({"product_id": p.id, "product_uom_qty": q, "price_unit": u})
                        for p, q, u in lines
                    ],
                }
            )
            if confirm:
                order.action_confirm()
        return order

    def tier_of(self, partner):
        self.env.invalidate_all()
        return partner.with_company(self.company).value_tier

    def suggestions(self, partner):
        return self.Suggestion.search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    # ------------------------------------------------------------------
    # Tiers
    # ------------------------------------------------------------------

    def test_tiers_of_the_fixture(self):
        self.assertEqual(self.tier_of(self.vip), "mvc")
        self.assertEqual(self.tier_of(self.customers["C3"]), "bz")
        self.assertEqual(self.vip.with_company(self.company).net_value, 420.0)

    # ------------------------------------------------------------------
    # Service by value
    # ------------------------------------------------------------------

    def test_the_most_valuable_customer_gets_the_faster_sla(self):
        Sla = self.env["crm.complaint.sla"]
        fast_lane = self.env["crm.complaint.category"].create({"name": "CCM Offers lane"})
        Sla.create(
            {
                "name": "Most valuable, medium",
                "severity": "medium",
                "tier_ids": [Command.set(self.tiers["mvc"].ids)],
                "first_response_hours": 2,
                "resolution_hours": 8,
                "company_id": self.company.id,
            }
        )
        Sla.create(
            {
                "name": "Lane, medium",
                "severity": "medium",
                "category_id": fast_lane.id,
                "first_response_hours": 5,
                "resolution_hours": 12,
                "company_id": self.company.id,
            }
        )
        self.tiers["mvc"].complaint_priority = "2"
        Complaint = self.env["crm.complaint"].with_user(self.sally)
        with freeze_time("2026-04-06 09:00:00"):  # a Monday
            vip = Complaint.create(
                {"subject": "Late", "partner_id": self.vip.id, "category_id": fast_lane.id}
            )
            other = Complaint.create(
                {"subject": "Late", "partner_id": self.x.id, "category_id": fast_lane.id}
            )
            plain = Complaint.create({"subject": "Late", "partner_id": self.x.id})
        vip, other, plain = vip.sudo(), other.sudo(), plain.sudo()
        # the tier's policy wins over the category's: 2 h -> Mon 11:00; 8 h: Mon 3 + 4, Tue 1
        self.assertEqual(vip.first_response_deadline, datetime(2026, 4, 6, 11, 0))
        self.assertEqual(vip.resolution_deadline, datetime(2026, 4, 7, 9, 0))
        self.assertEqual(vip.priority, "2")
        # the category's: 5 h -> Mon 9-12 and 13-15; 12 h: Mon 7, Tue 4 + 1
        self.assertEqual(other.first_response_deadline, datetime(2026, 4, 6, 15, 0))
        self.assertEqual(other.resolution_deadline, datetime(2026, 4, 7, 14, 0))
        self.assertEqual(other.priority, "0")
        # neither: the default medium policy, 8 h / 40 h
        self.assertEqual(plain.first_response_deadline, datetime(2026, 4, 7, 9, 0))
        self.assertEqual(plain.resolution_deadline, datetime(2026, 4, 13, 9, 0))

    def test_account_manager_gets_new_leads_and_complaints(self):
        self.tiers["mvc"].account_manager_id = self.manny
        self.customers["C1"].with_company(self.company).ccm_account_manager_id = self.otto
        Complaint = self.env["crm.complaint"].with_user(self.sally)
        complaints = Complaint.create(
            [
                {"subject": "Tier", "partner_id": self.vip.id},
                {"subject": "Own", "partner_id": self.customers["C1"].id},
                {"subject": "None", "partner_id": self.x.id},
            ]
        ).sudo()
        self.assertEqual(complaints.mapped("user_id"), self.manny | self.otto | self.sally)
        Lead = self.env["crm.lead"].with_user(self.sally).with_company(self.company)
        leads = Lead.create(
            [
                {"name": "More", "partner_id": self.vip.id, "company_id": self.company.id},
                {"name": "Other", "partner_id": self.x.id, "company_id": self.company.id},
            ]
        ).sudo()
        self.assertEqual(leads[0].user_id, self.manny)
        self.assertEqual(leads[1].user_id, self.sally)

    def test_tier_pricelist_and_payment_terms_suggested_on_quotations(self):
        default_prices = self.env["product.pricelist"].create(
            {"name": "CCM Default prices", "company_id": self.company.id, "sequence": 1}
        )
        vip_prices = self.env["product.pricelist"].create(
            {"name": "CCM VIP prices", "company_id": self.company.id, "sequence": 20}
        )
        other_prices = self.env["product.pricelist"].create(
            {"name": "CCM Other prices", "company_id": self.company.id}
        )
        sixty = self.env["account.payment.term"].create(
            {
                "name": "CCM 60 days",
                "company_id": self.company.id,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 60})
                ],
            }
        )
        self.tiers["mvc"].write({"pricelist_id": vip_prices.id, "payment_term_id": sixty.id})
        # the quotation form shows the pricelist to users of the pricelists feature
        self.sally.groups_id += self.env.ref("product.group_product_pricelist")
        Order = self.env["sale.order"].with_user(self.sally).with_company(self.company)

        def quotation(partner):
            form = Form(Order)
            form.partner_id = partner
            return form

        form = quotation(self.vip)
        self.assertEqual(form.pricelist_id, vip_prices)
        self.assertEqual(form.payment_term_id, sixty)
        # the salesperson's choice is kept
        form.pricelist_id = other_prices
        self.assertEqual(form.save().pricelist_id, other_prices)
        # another tier: Odoo's own default
        form = quotation(self.x)
        self.assertEqual(form.pricelist_id, default_prices)
        self.assertFalse(form.payment_term_id)
        # changing the customer of a quotation suggests again
        form.partner_id = self.vip
        self.assertEqual(form.pricelist_id, vip_prices)
        # an order made by code is Odoo's own: nothing added to its creation
        plain = Order.create({"partner_id": self.vip.id, "company_id": self.company.id})
        self.assertEqual(plain.pricelist_id, default_prices)
        # a customer's own pricelist comes first
        self.vip.with_company(self.company).property_product_pricelist = other_prices
        self.assertEqual(quotation(self.vip).pricelist_id, other_prices)

    def test_below_zero_is_flagged_once_for_a_cost_review(self):
        self.company.ccm_cost_review_user_id = self.manny
        Activity = self.env["mail.activity"]
        domain = [
            ("res_model", "=", "res.partner"),
            ("res_id", "=", self.l.id),
            ("summary", "=", "Cost-to-serve review"),
        ]
        self.assertNotEqual(self.tier_of(self.l), "bz")
        # C3 came in below zero: a first tier is not an entry
        self.assertFalse(
            Activity.search(
                [("res_id", "=", self.customers["C3"].id), ("summary", "=", "Cost-to-serve review")]
            )
        )
        self.sell(self.l, "2026-04-02 10:00:00", [(self.a, 10, 10.0)])  # margin -500
        with freeze_time("2026-04-03 08:00:00"):
            self.env["crm.customer.value"]._refresh(self.company)
        self.assertEqual(self.tier_of(self.l), "bz")
        activity = Activity.search(domain)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manny)
        with freeze_time("2026-04-04 08:00:00"):
            self.env["crm.customer.value"]._refresh(self.company)
        self.assertEqual(len(Activity.search(domain)), 1)

    def test_playbook_variant_by_tier(self):
        lifecycle = self.env["crm.customer.lifecycle"].with_context(
            ccm_playbook_company_id=self.company.id
        )
        action = self.env["crm.customer.playbook.action"].create(
            {
                "name": "Call our best",
                "stage": "retained",
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "tier_ids": [Command.set(self.tiers["mvc"].ids)],
            }
        )
        reachable = self.vip | self.x
        self.assertFalse(lifecycle._playbook_recipient_issue(self.vip, action, reachable))
        self.assertIn(
            "not of tier Most valuable",
            lifecycle._playbook_recipient_issue(self.x, action, reachable) % {"action": "x"},
        )

    # ------------------------------------------------------------------
    # Association rules and next best offers
    # ------------------------------------------------------------------

    def test_rules_mined_from_orders_and_customers(self):
        Rule = self.env["crm.customer.product.rule"]
        by_order = Rule.search(
            [
                ("company_id", "=", self.company.id),
                ("kind", "=", "order"),
                ("antecedent_product_id", "=", self.a.id),
                ("antecedent_product2_id", "=", False),
                ("product_id", "=", self.b.id),
            ]
        )
        self.assertEqual(len(by_order), 1)
        self.assertAlmostEqual(by_order.confidence, 0.6)
        self.assertAlmostEqual(by_order.lift, 1.6)
        self.assertAlmostEqual(by_order.support, 3 / 8)
        self.assertEqual(by_order.basket_count, 3)
        # mined again the next night: the same rule (its id, which suggestions keep)
        rule_ids = Rule.search([("company_id", "=", self.company.id)]).ids
        with freeze_time("2026-04-02 03:00:00"):
            self.env["crm.customer.basket"]._mine(self.company)
        self.assertEqual(Rule.search([("company_id", "=", self.company.id)]).ids, rule_ids)
        self.assertEqual(self.suggestions(self.x).rule_id, by_order)
        by_customer = Rule.search(
            [
                ("company_id", "=", self.company.id),
                ("kind", "=", "customer"),
                ("antecedent_product_id", "=", self.a.id),
                ("product_id", "=", self.b.id),
            ]
        )
        self.assertAlmostEqual(by_customer.lift, 1.2)
        # D goes with nothing three times: no rule of it
        self.assertFalse(
            Rule.search(
                [
                    ("company_id", "=", self.company.id),
                    "|",
                    ("product_id", "=", self.d.id),
                    ("antecedent_product_id", "=", self.d.id),
                ]
            )
        )

    def test_next_best_offers_and_the_offer_catalogue(self):
        x = self.suggestions(self.x)
        self.assertEqual(x.product_id, self.b)
        self.assertEqual(x.source, "rule")
        self.assertEqual(x.rank, 1)
        self.assertAlmostEqual(x.lift, 1.6)
        self.assertAlmostEqual(x.expected_margin, 30.0)
        # fit = the tier's affinity for B: (holders of B in X's tier + 1) / (tier size + 2)
        # against (3 + 1) / (6 + 2)
        tiers = {name: self.tier_of(p) for name, p in self.customers.items() if name != "Vip"}
        tier_x = tiers["X"]
        size = sum(1 for t in tiers.values() if t == tier_x)
        holders = sum(1 for n in ("C1", "C2") if tiers[n] == tier_x)
        fit = min(max(((holders + 1) / (size + 2)) / 0.5, 0.5), 2.0)
        self.assertAlmostEqual(x.fit, fit)
        self.assertAlmostEqual(x.score, 1.6 * 30.0 * fit)
        self.assertIn("CCM Offer A", x.reason)
        # Vip holds A and B: no mined suggestion, but the catalogue offer for its tier
        vip = self.suggestions(self.vip)
        self.assertEqual(vip.product_id, self.c)
        self.assertEqual(vip.offer_id, self.offer)
        self.assertEqual(vip.source, "offer")
        self.assertFalse(self.suggestions(self.customers["C3"]))
        # an eligible offer outranks the mined suggestions: offered to X too, it comes first
        self.offer.tier_ids = False
        with freeze_time(REFRESHED):
            self.env["crm.customer.basket"]._suggest(self.company, [self.x.id])
        x = self.suggestions(self.x)
        self.assertEqual(x.mapped("product_id"), self.c | self.b)
        self.assertEqual(x.sorted("rank").mapped("source"), ["offer", "rule"])
        # an offer past its validity is gone; the suggestion made is archived, not deleted
        self.offer.date_end = date(2026, 3, 31)
        with freeze_time(REFRESHED):
            self.env["crm.customer.basket"]._suggest(self.company, [self.x.id])
        self.assertEqual(self.suggestions(self.x).product_id, self.b)
        self.assertTrue(
            self.Suggestion.with_context(active_test=False).search(
                [("partner_id", "=", self.x.id), ("product_id", "=", self.c.id)]
            )
        )

    def test_suggested_product_added_and_accepted_when_confirmed(self):
        Order = self.env["sale.order"].with_user(self.sally)
        with freeze_time("2026-04-02 10:00:00"):
            quotation = Order.create({"partner_id": self.x.id, "company_id": self.company.id})
            suggestion = quotation.ccm_suggestion_ids
            self.assertEqual(suggestion.product_id, self.b)
            suggestion.with_context(ccm_order_id=quotation.id).action_add_to_order()
        line = quotation.order_line
        self.assertEqual(line.product_id, self.b)
        self.assertEqual(line.sudo().ccm_suggestion_id, suggestion)
        self.assertFalse(quotation.ccm_suggestion_ids)  # already in the quotation
        # L's quotation waits 31 days: added, not accepted
        with freeze_time("2026-04-02 10:00:00"):
            late = Order.create({"partner_id": self.l.id, "company_id": self.company.id})
            self.suggestions(self.l).with_context(ccm_order_id=late.id).action_add_to_order()
        with freeze_time("2026-04-05 10:00:00"):
            quotation.action_confirm()
        with freeze_time("2026-05-03 10:00:00"):
            late.action_confirm()
        self.env.flush_all()
        Report = self.env["crm.customer.offer.report"]
        row = Report.search([("suggestion_id", "=", suggestion.id)])
        self.assertEqual((row.shown, row.accepted, row.margin_won), (1, 1, 30.0))
        late_row = Report.search([("partner_id", "=", self.l.id)])
        self.assertEqual((late_row.accepted, late_row.margin_won), (0, 0.0))
        # by salesperson: Sally's three suggestions (X's and L's B, Vip's C), one accepted
        groups = Report._read_group(
            [("company_id", "=", self.company.id)],
            ["user_id"],
            ["shown:sum", "accepted:sum", "acceptance_rate:avg", "margin_won:sum"],
        )
        self.assertEqual(groups, [(self.sally, 3, 1, 100 / 3, 30.0)])
        kpis = self.env["crm.customer.kpi"]._compute(
            self.company, date(2026, 4, 1), date(2026, 4, 30)
        )
        self.assertEqual(kpis["offers_shown"], 3)
        self.assertEqual(kpis["offers_accepted"], 1)
        self.assertAlmostEqual(kpis["offer_acceptance_rate"], 100 / 3)
        self.assertEqual(kpis["offer_margin_won"], 30.0)
        # the late order's line was confirmed in May: it won nothing
        may = self.env["crm.customer.kpi"]._compute(
            self.company, date(2026, 5, 1), date(2026, 5, 31)
        )
        self.assertEqual(may["offer_margin_won"], 0.0)

    def test_a_suggestion_is_added_only_to_its_customers_quotation(self):
        suggestion = self.suggestions(self.x).with_user(self.sally)
        other = self.sell(self.l, "2026-04-02 10:00:00", [(self.a, 1, 100.0)], confirm=False)
        with self.assertRaises(UserError):
            suggestion.with_context(ccm_order_id=other.id).action_add_to_order()
        with self.assertRaises(UserError):
            suggestion.action_add_to_order()

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def test_another_team_and_another_company_see_none_of_it(self):
        company_domain = [("company_id", "=", self.company.id)]
        # Otto, own documents, another team: no suggestion nor result of Sally's customers
        for model in ("crm.customer.offer.suggestion", "crm.customer.offer.report"):
            self.assertTrue(self.env[model].with_user(self.sally).search_count(company_domain))
            self.assertFalse(self.env[model].with_user(self.otto).search_count(company_domain))
        self.assertFalse(self.x.with_user(self.otto).sudo(False).ccm_suggestion_ids)
        with self.assertRaises(AccessError):
            self.suggestions(self.x).with_user(self.otto).action_add_to_order()
        # the rules and the offers are readable by sales users, written by nobody but the
        # mining (rules) and managers (offers)
        Rule = self.env["crm.customer.product.rule"]
        self.assertTrue(Rule.with_user(self.otto).search_count(company_domain))
        with self.assertRaises(AccessError):
            Rule.with_user(self.manny).search(company_domain, limit=1).write({"lift": 9.0})
        self.assertTrue(self.offer.with_user(self.otto).read(["name"]))
        with self.assertRaises(AccessError):
            self.offer.with_user(self.otto).write({"discount": 50.0})
        with self.assertRaises(AccessError):
            self.tiers["mvc"].with_user(self.sally).write({"complaint_priority": "2"})
        with self.assertRaises(AccessError):
            self.x.with_user(self.sally).write({"ccm_account_manager_id": self.sally.id})
        # another company's user sees nothing of this company's
        cora = self.env["res.users"].create(
            {
                "name": "Cora Other",
                "login": "ccm_offer_cora",
                "company_id": self.env.ref("base.main_company").id,
                "company_ids": [Command.set(self.env.ref("base.main_company").ids)],
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("sales_team.group_sale_salesman_all_leads").id,
                            self.env.ref("crm_customer_management.group_manager").id,
                        ]
                    )
                ],
            }
        )
        main = self.env.ref("base.main_company")
        for model in (
            "crm.customer.offer.suggestion",
            "crm.customer.offer.report",
            "crm.customer.product.rule",
            "crm.customer.offer",
        ):
            as_cora = self.env[model].with_user(cora).with_context(allowed_company_ids=main.ids)
            self.assertFalse(as_cora.search_count(company_domain), model)

    def test_mine_now_runs_in_the_background(self):
        """*Mine now* queues the company for the background job and returns at once; the
        job mines it (state done, when); a failure is logged and shown with its error."""
        Basket = self.env["crm.customer.basket"]
        Rule = self.env["crm.customer.product.rule"]
        cron = self.env.ref("crm_customer_management.ir_cron_customer_basket_mine_requested")
        Trigger = self.env["ir.cron.trigger"]
        with self.assertRaisesRegex(UserError, "managers"):
            Basket.with_user(self.sally).action_mine_now()
        Rule.search([("company_id", "=", self.company.id)]).unlink()
        sara = self.company_user(
            "ccm_offer_sara", "base.group_system,crm_customer_management.group_manager"
        )
        settings = self.env["res.config.settings"].with_user(sara)
        manny_env = dict(allowed_company_ids=self.company.ids)
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        with freeze_time("2026-04-02 08:00:00"):
            action = settings.with_context(**manny_env).create({}).action_ccm_mine_offers()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("is queued", action["params"]["message"])
        self.assertEqual(self.company.ccm_offer_mine_state, "requested")
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        self.assertFalse(Rule.search([("company_id", "=", self.company.id)]))  # not yet
        # asked again while queued: nothing more
        action = Basket.with_user(self.manny).with_context(**manny_env).action_mine_now()
        self.assertIn("already queued or running", action["params"]["message"])
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        # the background job
        with freeze_time("2026-04-02 08:05:00"):
            self.assertEqual(Basket._cron_mine_requested(), {})
        self.assertEqual(self.company.ccm_offer_mine_state, "done")
        self.assertEqual(self.company.ccm_offer_cron_at, datetime(2026, 4, 2, 8, 5))
        self.assertFalse(self.company.ccm_offer_cron_error)
        rule = Rule.search(
            [
                ("company_id", "=", self.company.id),
                ("kind", "=", "order"),
                ("antecedent_product_id", "=", self.a.id),
                ("antecedent_product2_id", "=", False),
                ("product_id", "=", self.b.id),
            ]
        )
        self.assertAlmostEqual(rule.lift, 1.6)
        mined = Rule.search([("company_id", "=", self.company.id)])
        # a failing run: logged, rolled back, shown in the settings with its error
        with freeze_time("2026-04-03 08:00:00"):
            Basket.with_user(self.manny).with_context(**manny_env).action_mine_now()
        with (
            patch.object(type(Basket), "_mine", side_effect=ValueError("no baskets today")),
            self.assertLogs("odoo.addons.crm_customer_management.tools.cron", "ERROR") as logs,
            freeze_time("2026-04-03 08:05:00"),
        ):
            failures = Basket._cron_mine_requested()
        self.assertEqual(failures, {self.company.id: "ValueError: no baskets today"})
        self.assertIn(f"failed for company {self.company.name}", logs.output[0])
        form = Form(settings.with_context(**manny_env))
        self.assertEqual(
            (form.ccm_offer_mine_state, form.ccm_offer_cron_error, form.ccm_offer_cron_at),
            ("failed", "ValueError: no baskets today", datetime(2026, 4, 3, 8, 5)),
        )
        self.assertEqual(Rule.search([("company_id", "=", self.company.id)]), mined)  # kept
