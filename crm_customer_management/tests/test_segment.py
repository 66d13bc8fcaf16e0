from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged, users
from odoo.tools import SQL

from .test_access_company import DedicatedCompanyCase

D1 = date(2026, 6, 1)
D2 = date(2026, 6, 30)


@tagged("post_install", "-at_install", "crm_customer_management")
class TestCustomerSegment(DedicatedCompanyCase):
    """Segments and clusters of six customers whose figures come from confirmed orders.

    The product costs 60 and sells at 100; an order costs 10 to serve (no delivery,
    invoice or return here). ``a1..a3`` buy 1 unit in each of 5 orders: margin 5 x 40 =
    200, cost to serve 50, net value 150. ``b1..b3`` buy 50 units in one order: margin
    2,000, cost to serve 10, net value 1,990. In Iran: a1, a2, b1. The salesman owns a1 and
    b1; the sales manager owns the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        iran, france = cls.env.ref("base.ir"), cls.env.ref("base.fr")
        owners = {"a1": cls.salesman, "b1": cls.salesman}
        cls.customers = {}
        for name, country in (
            ("a1", iran),
            ("a2", iran),
            ("a3", france),
            ("b1", iran),
            ("b2", france),
            ("b3", france),
        ):
            cls.customers[name] = Partner.create(
                {
                    "name": f"Customer {name}",
                    "is_company": True,
                    "country_id": country.id,
                    "user_id": owners.get(name, cls.sales_manager).id,
                }
            )
        cls.a1, cls.a2, cls.a3, cls.b1, cls.b2, cls.b3 = cls.customers.values()
        for partner in (cls.a1, cls.a2, cls.a3):
            for day in (2, 4, 6, 8, 10):
                cls.confirm_order(cls, partner, date(2026, 5, day), 1, 100.0)
        for partner in (cls.b1, cls.b2, cls.b3):
            cls.confirm_order(cls, partner, date(2026, 5, 10), 50, 100.0)
        cls.refresh(cls, D1)
        cls.Segment = cls.env["crm.customer.segment"]
        cls.iran = iran

    def segment(self, on=D1, **vals):
        with freeze_time(on):
            return self.Segment.create(
                {"name": "Test segment", "company_id": self.company.id, **vals}
            )

    def members(self, segment):
        return set(segment.sudo().partner_ids.mapped("name"))

    def test_rule_membership_and_top_share(self):
        self.assertEqual(self.profile(self.a1).net_value, 150.0)
        self.assertEqual(self.profile(self.b1).net_value, 1990.0)
        rule = str([("country_id", "=", self.iran.id)])
        in_iran = self.segment(rule_domain=rule)
        self.assertEqual(self.members(in_iran), {"Customer a1", "Customer a2", "Customer b1"})
        self.assertEqual(in_iran.member_count, 3)
        # the top 20 % of 3 by net value: ceil(0.6) = 1 customer, b1 (1,990)
        in_iran.top_percent = 20
        self.assertEqual(self.members(in_iran), {"Customer b1"})
        self.assertEqual((in_iran.member_count, in_iran.member_trend), (1, -2))
        # 34 %: ceil(1.02) = 2, b1 then a1 (150, a tie with a2 broken by the lower id)
        in_iran.top_percent = 34
        self.assertEqual(self.members(in_iran), {"Customer b1", "Customer a1"})
        # a rule over the partner and the figures
        big = self.segment(rule_domain="[('avg_order_value', '>', 1000)]")
        self.assertEqual(self.members(big), {"Customer b1", "Customer b2", "Customer b3"})
        # the partner list filters and groups by segment
        Partner = self.env["res.partner"]
        self.assertEqual(
            Partner.search([("ccm_segment_ids", "in", big.ids)]), self.b1 | self.b2 | self.b3
        )
        groups = Partner._read_group(
            [("id", "in", [p.id for p in self.customers.values()])],
            ["ccm_segment_ids"],
            ["__count"],
        )
        self.assertIn((big, 3), groups)
        self.assertIn((in_iran, 2), groups)

    def test_bad_rule(self):
        with self.assertRaises(ValidationError):
            self.segment(rule_domain="[('no_such_field', '=', 1)]")
        with self.assertRaises(ValidationError):
            self.segment(rule_domain="'not a domain'")

    def test_manual_members_and_history(self):
        manual = self.segment(kind="manual", manual_partner_ids=[(6, 0, self.a3.ids)])
        self.assertEqual(self.members(manual), {"Customer a3"})
        with freeze_time(D2):
            manual.manual_partner_ids = [(6, 0, self.b2.ids)]
        self.assertEqual(self.members(manual), {"Customer b2"})
        History = self.env["crm.customer.segment.history"]
        rows = History.search([("segment_id", "=", manual.id)], order="date, id")
        self.assertEqual(
            [(r.partner_id, r.date, r.change, r.net_value) for r in rows],
            [
                (self.a3, D1, "entered", 150.0),
                (self.b2, D2, "entered", 1990.0),
                (self.a3, D2, "left", 150.0),
            ],
        )
        # a rule member leaves when it no longer matches
        rule = self.segment(rule_domain=str([("country_id", "=", self.iran.id)]))
        self.a2.country_id = self.env.ref("base.fr")
        self.refresh(D2)
        with freeze_time(D2):
            rule.action_refresh()
        self.assertEqual(self.members(rule), {"Customer a1", "Customer b1"})
        left = History.search([("segment_id", "=", rule.id), ("change", "=", "left")])
        self.assertEqual((left.partner_id, left.date), (self.a2, D2))
        # an archived segment has no members; they all left
        with freeze_time(D2):
            rule.active = False
        self.assertEqual((self.members(rule), rule.member_count), (set(), 0))
        left = History.search([("segment_id", "=", rule.id), ("change", "=", "left")])
        self.assertEqual(left.partner_id, self.a1 | self.a2 | self.b1)

    def test_refresh_is_set_based(self):
        """One segment's refresh takes the same few queries for 3 members or 6 (its rule
        compiled into one statement, the counts in one UPDATE)."""
        small = self.segment(rule_domain=str([("country_id", "=", self.iran.id)]))
        every = self.segment(rule_domain="[]")
        self.assertEqual(every.member_count, 6)
        # the user's time zone (today's date), the segment, the membership statement, the
        # counts
        self.env.invalidate_all()
        with self.assertQueryCount(4):
            small._refresh_members()
        self.env.invalidate_all()
        with self.assertQueryCount(4):
            every._refresh_members()

    def test_refresh_plan_holds_without_statistics(self):
        """A segment the statistics do not know yet (made and filled in this transaction)
        is planned as a large one is: the changes by a full join (hashed or merged, never
        a loop over one side for each row of the other), the leavers deleted by their row
        addresses. The anti-joins planned for such a segment took minutes at 100,000
        members."""
        every = self.segment(rule_domain="[]")
        self.assertEqual(every.member_count, 6)
        self.env.cr.execute(SQL("EXPLAIN %s", every._members_statement(D2)))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertRegex(plan, r"(Hash|Merge) Full Join")
        # by row address: a Tid Scan, or on a table this small a scan of its few pages
        self.assertRegex(plan, r"(TID Cond|Filter): \(ctid = ANY")
        self.assertNotIn("Anti Join", plan)

    @users("ccm_salesman")
    def test_salesman_sees_his_customers_only(self):
        segment = self.segment(rule_domain=str([("country_id", "=", self.iran.id)]))
        segment = segment.with_env(self.env)
        members = segment.action_view_members()
        visible = self.env["crm.customer.segment.member"].search(members["domain"])
        self.assertEqual(visible.partner_id, self.a1 | self.b1)
        self.assertEqual(sum(visible.mapped("net_value")), 2140.0)  # 150 + 1,990
        history = self.env["crm.customer.segment.history"].search([("segment_id", "=", segment.id)])
        self.assertEqual(history.partner_id, self.a1 | self.b1)
        wizard = self.env["crm.customer.segment.migration"].create(
            {"date_from": date(2026, 1, 1), "date_to": D2, "segment_ids": segment.ids}
        )
        self.assertEqual(wizard._rows(), [(None, segment.id, 2, 2140.0)])

    def test_migration_report(self):
        """M1 holds a1, a2, a3 and M2 holds b1 on D1; on D2 M1 holds a1 and M2 b1 and a2.
        From D1 to D2: a1 stayed in M1 (150), a2 moved M1 -> M2 (150), a3 left M1 (150),
        b1 stayed in M2 (1,990)."""
        m1 = self.segment(
            kind="manual", manual_partner_ids=[(6, 0, (self.a1 | self.a2 | self.a3).ids)]
        )
        m2 = self.segment(kind="manual", manual_partner_ids=[(6, 0, self.b1.ids)])
        with freeze_time(D2):
            m1.manual_partner_ids = [(6, 0, self.a1.ids)]
            m2.manual_partner_ids = [(6, 0, (self.b1 | self.a2).ids)]
        wizard = self.env["crm.customer.segment.migration"].create(
            {"date_from": D1, "date_to": D2, "segment_ids": (m1 | m2).ids}
        )
        self.assertEqual(
            sorted(wizard._rows(), key=lambda r: (r[0], r[1] or 0)),
            [
                (m1.id, None, 1, 150.0),
                (m1.id, m1.id, 1, 150.0),
                (m1.id, m2.id, 1, 150.0),
                (m2.id, m2.id, 1, 1990.0),
            ],
        )
        action = wizard.action_compute()
        lines = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(sum(lines.mapped("customer_count")), 4)
        self.assertEqual(lines.filtered(lambda line: line.movement == "moved").to_segment_id, m2)
        # before D1 nobody was in a segment: everyone entered
        wizard.date_from = date(2026, 5, 31)
        self.assertEqual(
            sorted(wizard._rows(), key=lambda r: r[1]),
            [(None, m1.id, 1, 150.0), (None, m2.id, 2, 2140.0)],
        )
        with self.assertRaises(ValidationError):
            wizard.date_from = date(2026, 7, 1)

    def test_clusters_end_to_end(self):
        """The two behaviours are two clusters: five small orders, or one big order."""
        Cluster = self.env["crm.customer.cluster"]
        with freeze_time(D1):
            result = Cluster._run(self.company)
        self.assertEqual(result.k, 2)
        clusters = Cluster.search([("company_id", "=", self.company.id)])
        self.assertEqual(sorted(clusters.mapped("size")), [3, 3])
        big = self.profile(self.b1).cluster_id
        small = self.profile(self.a1).cluster_id
        self.assertNotEqual(big, small)
        self.assertEqual(
            (self.profile(self.b2).cluster_id, self.profile(self.a3).cluster_id), (big, small)
        )
        self.assertEqual(big.net_value, 5970.0)  # 3 x 1,990
        self.assertAlmostEqual(big.centre["avg_order_value"], 5000.0, places=0)
        self.assertAlmostEqual(big.centre["order_count"], 1.0, places=3)
        self.assertIn("big orders", big.description)
        self.assertIn("buys rarely", big.description)
        self.assertIn("buys often", small.description)
        self.assertIn("5,000.0", big.profile_html)
        self.assertEqual(self.a1.with_company(self.company).ccm_cluster_id, small)
        # a manager renames a cluster; the next run keeps its number and its name
        big.with_user(self.sales_manager).name = "Wholesalers"
        with freeze_time(D2):
            Cluster._run(self.company)
        self.assertEqual(self.profile(self.b3).cluster_id, big)
        self.assertEqual(big.name, "Wholesalers")
        # a cluster segment
        wholesalers = self.segment(kind="cluster", rule_domain=str([("cluster_id", "=", big.id)]))
        self.assertEqual(self.members(wholesalers), {"Customer b1", "Customer b2", "Customer b3"})

    def test_playbook_targets_a_segment(self):
        """A playbook action aimed at a segment runs for its members only."""
        vip = self.segment(kind="manual", manual_partner_ids=[(6, 0, self.a1.ids)])
        self.env["crm.customer.playbook.action"].create(
            {
                "name": "Call the VIP",
                "stage": "won_back",
                "company_id": self.company.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "summary": "VIP retention call",
                "segment_id": vip.id,
            }
        )
        rows = (
            self.env["crm.customer.lifecycle"]
            .sudo()
            ._apply_moves(
                self.company,
                [(p.id, "lost", "won_back", None) for p in (self.a1, self.a2)],
                "event",
            )
        )
        calls = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("summary", "=", "VIP retention call")]
        )
        self.assertEqual(calls.mapped("res_id"), self.a1.ids)
        self.assertEqual(calls.user_id, self.salesman)
        note = rows.filtered(lambda r: r.partner_id == self.a2).playbook_note
        self.assertIn("not in segment Test segment", note)

    def test_mail_to_members_respects_opt_outs(self):
        self.a1.email = "a1@example.com"
        self.b1.email = "b1@example.com"
        self.env["mail.blacklist"].create({"email": "b1@example.com"})
        in_iran = self.segment(rule_domain=str([("country_id", "=", self.iran.id)]))
        action = in_iran.with_user(self.salesman).action_send_mail()
        # the members the salesman may see, without the blacklisted one
        self.assertEqual(action["context"]["default_res_ids"], self.a1.ids)
        composer = (
            self.env["mail.compose.message"]
            .with_context(**action["context"])
            .create({"subject": "Spring offer", "body": "<p>Hello</p>"})
        )
        composer._action_send_mail()
        mails = self.env["mail.mail"].search([("subject", "=", "Spring offer")])
        self.assertEqual(
            mails.filtered(lambda m: m.state != "cancel").mapped("res_id"), self.a1.ids
        )

    def test_kpi_scope_by_segment(self):
        """The KPI service's segment scope: the parameter and the condition on customers."""
        big = self.segment(rule_domain="[('avg_order_value', '>', 1000)]")
        Kpi = self.env["crm.customer.kpi"].with_context(ccm_segment_id=big.id)
        params = Kpi._params(self.company, D1, D2)
        self.assertEqual(params["segment_id"], big.id)
        self.env.cr.execute(
            "SELECT COUNT(*) FROM crm_customer_value v WHERE v.company_id = %(company_id)s"
            f" AND {Kpi._segment_filter('v.partner_id')}",
            params,
        )
        self.assertEqual(self.env.cr.fetchone()[0], 3)  # b1, b2, b3 of the 6
        params = self.env["crm.customer.kpi"]._params(self.company, D1, D2)
        self.env.cr.execute(
            "SELECT COUNT(*) FROM crm_customer_value v WHERE v.company_id = %(company_id)s"
            f" AND {Kpi._segment_filter('v.partner_id')}",
            params,
        )
        self.assertEqual(self.env.cr.fetchone()[0], 6)
        other = self.env["res.company"].create({"name": "CCM other segment company"})
        with self.assertRaises(UserError):
            Kpi._params(other, D1, D2)
