from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .test_access_company import DedicatedCompanyCase


class CommitteeCase(DedicatedCompanyCase):
    """A company with an inventory department (Ivan manages it, Iris is a member), a sales
    department (Manny manages it), senior management (Mona), and its CRM committee: Manny
    chairs, Sam takes the minutes, Ivan and Sally sit for inventory and sales, monthly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        cls.company.ccm_mvc_share = 50.0
        cls.manny = cls.sales_manager  # sales manager: Customer Management manager
        cls.sally = cls.salesman
        cls.ivan = cls.company_user(
            "ccm_cmt_ivan", "sales_team.group_sale_salesman,stock.group_stock_user", name="Ivan"
        )
        cls.iris = cls.company_user("ccm_cmt_iris", "sales_team.group_sale_salesman", name="Iris")
        cls.mona = cls.company_user("ccm_cmt_mona", "sales_team.group_sale_salesman", name="Mona")
        cls.sam = cls.company_user("ccm_cmt_sam", "sales_team.group_sale_salesman", name="Sam")
        cls.otto = cls.company_user("ccm_cmt_otto", "sales_team.group_sale_salesman", name="Otto")
        cls.una = cls.company_user("ccm_cmt_una", "sales_team.group_sale_salesman", name="Una")
        management = cls.env["res.groups"].create(
            {"name": "CCM Senior Management", "users": [Command.set(cls.mona.ids)]}
        )
        company.ccm_management_group_id = management
        Department = cls.env["crm.customer.department"]
        cls.inventory = Department.create(
            {
                "name": "Inventory",
                "company_id": company.id,
                "manager_id": cls.ivan.id,
                "member_ids": [Command.set(cls.iris.ids)],
            }
        )
        cls.sales = Department.create(
            {
                "name": "Sales",
                "company_id": company.id,
                "manager_id": cls.manny.id,
                "member_ids": [Command.set(cls.sally.ids)],
            }
        )
        cls.category = cls.env["crm.customer.suggestion.category"].create(
            {"name": "Deliveries", "department_id": cls.inventory.id, "company_id": company.id}
        )
        cls.committee = cls.env["crm.customer.committee"].create(
            {
                "name": "CRM Committee",
                "company_id": company.id,
                "chair_id": cls.manny.id,
                "secretary_id": cls.sam.id,
                "cadence": "monthly",
                "member_ids": [
                    Command.create({"user_id": cls.ivan.id, "department_id": cls.inventory.id}),
                    Command.create({"user_id": cls.sally.id, "department_id": cls.sales.id}),
                ],
            }
        )
        Partner = cls.env["res.partner"]
        cls.m1, cls.m2, cls.s1, cls.s2 = Partner.create(
            [
                {"name": f"CCM Committee {x}", "is_company": True, "user_id": cls.sally.id}
                for x in ("M1", "M2", "S1", "S2")
            ]
        )


@tagged("post_install", "-at_install", "crm_customer_management")
class TestCommitteeCycle(CommitteeCase):
    """A whole committee cycle, every figure computed by hand in the comments.

    February: M1 and M2 order 10 widgets each (margin 400), delivered the same day.
    March: M1, M2, S1, S2 order on 3 March (M 10 widgets, S 1), M1's delivery on 5 March
    and S2's on 6 March are late; M1 and M2 order again on 10 March, M1's is delivered late
    on 12 March. A complaint of M2 on 15 March, root cause "late delivery". Profiles on
    20 March: net value M1 = M2 = 3 x 400 - 3 x 10 - 3 x 5 = 1155, S1 = S2 = 40 - 15 = 25;
    the most valuable half of the 4 customers: M1 and M2.
    """

    def order_and_deliver(self, partner, on, qty, delivered_on):
        order = self.confirm_order(partner, on, qty, 100.0, company=self.company)
        self.deliver(order, delivered_on)
        return order

    def setUp(self):
        super().setUp()
        self.root_cause = self.env["crm.complaint.root.cause"].create({"name": "CCM late delivery"})
        for partner in (self.m1, self.m2):
            self.order_and_deliver(partner, "2026-02-02", 10, "2026-02-02")
        self.order_and_deliver(self.m1, "2026-03-03", 10, "2026-03-05")  # late
        self.order_and_deliver(self.m2, "2026-03-03", 10, "2026-03-03")
        self.order_and_deliver(self.s1, "2026-03-03", 1, "2026-03-03")
        self.order_and_deliver(self.s2, "2026-03-03", 1, "2026-03-06")  # late
        self.order_and_deliver(self.m1, "2026-03-10", 10, "2026-03-12")  # late
        self.order_and_deliver(self.m2, "2026-03-10", 10, "2026-03-10")
        with freeze_time("2026-03-15"):
            self.complaint = self.env["crm.complaint"].create(
                {
                    "subject": "Late again",
                    "partner_id": self.m2.id,
                    "company_id": self.company.id,
                    "root_cause_id": self.root_cause.id,
                    "user_id": self.sally.id,
                }
            )
        self.process_events("2026-03-15")
        self.refresh("2026-03-20")
        # an older decision of the sales department, overdue by the meeting
        with freeze_time("2026-03-01"):
            self.old = self.env["crm.customer.decision"].create(
                {
                    "name": "Call every most valuable customer",
                    "company_id": self.company.id,
                    "committee_id": self.committee.id,
                    "department_id": self.sales.id,
                    "user_id": self.sally.id,
                    "due_date": "2026-03-20",
                }
            )

    def test_committee_cycle(self):
        Decision = self.env["crm.customer.decision"]
        self.assertEqual(
            [self.profile(p).value_tier for p in (self.m1, self.m2, self.s1, self.s2)],
            ["mvc", "mvc", "maintain", "maintain"],
        )
        # -- a staff suggestion from the customer's chatter (its Action menu) -------------
        action = self.env.ref("crm_customer_management.crm_customer_suggestion_action_partner")
        context = safe_eval(action.context, {"active_id": self.m1.id})
        with freeze_time("2026-03-25"):
            form = Form(
                self.env["crm.customer.suggestion"].with_user(self.sally).with_context(**context)
            )
            form.name = "Ship the most valuable customers' orders first"
            form.category_id = self.category
            suggestion = form.save()
            # a key fact Sally knows about M1
            fact = (
                self.env["crm.customer.fact"]
                .with_user(self.sally)
                .create(
                    {
                        "partner_id": self.m1.id,
                        "kind": "decision_maker",
                        "name": "The CFO signs every order above 1,000",
                    }
                )
            )
        suggestion = suggestion.sudo()
        self.assertEqual(
            (suggestion.department_id, suggestion.user_id, suggestion.partner_id),
            (self.inventory, self.ivan, self.m1),
        )
        self.assertEqual(suggestion.activity_ids.user_id, self.ivan)
        # management and the author follow it, and so does the manager with the activity
        self.assertEqual(
            suggestion.message_partner_ids
            & (self.mona | self.sally | self.ivan | self.iris).partner_id,
            (self.mona | self.sally | self.ivan).partner_id,
        )
        self.assertEqual((fact.author_id, str(fact.date)), (self.sally, "2026-03-25"))

        # -- the meeting of 1 April and its agenda (March against February) ---------------
        with freeze_time("2026-04-01 08:00"):
            action = self.committee.with_user(self.sam).action_schedule_meeting()
        meeting = self.env["calendar.event"].browse(action["res_id"])
        self.assertEqual(meeting.ccm_committee_id, self.committee)
        self.assertEqual(
            meeting.partner_ids,
            (self.manny | self.sam | self.ivan | self.sally).partner_id,
        )
        agenda = self.committee._agenda(date(2026, 4, 1))
        self.assertEqual(
            (agenda["date_from"], agenda["date_to"], agenda["prev_from"], agenda["prev_to"]),
            (date(2026, 3, 1), date(2026, 3, 31), date(2026, 2, 1), date(2026, 2, 28)),
        )
        # deliveries 2 -> 6: +200 %; late deliveries 0 % -> 50 % has no relative change, the
        # snapshot figures did not move, the others are not defined in February
        self.assertEqual(
            [(m["key"], m["previous"], m["value"], m["trend"]) for m in agenda["kpi_moves"]],
            [("deliveries", 2, 6, 200.0)],
        )
        self.assertEqual(agenda["root_causes"], [(self.root_cause, 1, 0)])
        self.assertEqual(agenda["themes"], [])
        self.assertEqual(agenda["mvc_alerts"], [(self.m2, "at risk")])
        self.assertEqual(agenda["decisions_open"], [(self.old, True)])
        self.assertEqual(agenda["suggestions"], suggestion)
        html = str(meeting.ccm_agenda)
        for text in (
            "Deliveries",
            "+200.0 %",
            "CCM late delivery",
            "CCM Committee M2",
            "Call every most valuable customer",
            "overdue",
            "Ship the most valuable customers",
        ):
            self.assertIn(text, html)
        meeting.ccm_minutes = "<p>Late deliveries hurt our best customers.</p>"

        # -- the decision on late deliveries to the most valuable customers ----------------
        with freeze_time("2026-04-01 10:00"):
            action = meeting.with_user(self.sam).action_ccm_new_decision()
            form = Form(Decision.with_user(self.sam).with_context(**action["context"]))
            form.name = "Most valuable customers' orders leave the same day"
            form.department_id = self.inventory
            form.user_id = self.iris
            form.due_date = date(2026, 5, 31)
            form.kpi_key = "late_delivery_rate"
            form.value_tier = "mvc"
            decision = form.save().sudo()
        self.assertEqual((decision.meeting_id, decision.date), (meeting, date(2026, 4, 1)))
        # baseline over 3 March - 1 April on M1 and M2: 4 deliveries, 2 late (M1's) = 50 %
        self.assertEqual(decision.scope_partner_ids, self.m1 | self.m2)
        self.assertEqual(decision.baseline_value, 50.0)
        self.assertTrue(decision.baseline_defined)
        follow_up = decision.activity_ids
        self.assertEqual(
            (follow_up.user_id, str(follow_up.date_deadline)), (self.iris, "2026-05-31")
        )
        self.assertEqual(decision.result_summary, "Late deliveries: 50.0 % → …")
        self.assertEqual(meeting.ccm_decision_ids, decision)

        # -- the suggestion turned into a decision by the inventory manager ----------------
        with freeze_time("2026-04-01 11:00"):
            suggestion.with_user(self.ivan).action_review()
            action = suggestion.with_user(self.ivan).action_make_decision()
        from_suggestion = Decision.browse(action["res_id"])
        self.assertEqual(suggestion.state, "accepted")
        self.assertEqual(suggestion.decision_id, from_suggestion)
        self.assertEqual(
            (from_suggestion.department_id, from_suggestion.user_id, from_suggestion.partner_ids),
            (self.inventory, self.ivan, self.m1),
        )
        told = suggestion.message_ids.filtered(lambda m: self.sally.partner_id in m.partner_ids)
        self.assertIn("is accepted", told[:1].body)
        with self.assertRaises(UserError):  # one decision per suggestion
            suggestion.with_user(self.ivan).action_make_decision()
        with self.assertRaises(UserError):  # only the department's manager answers
            suggestion.with_user(self.iris).action_implement()

        # -- deliveries improve in May ------------------------------------------------------
        decision.with_user(self.iris).action_start()
        self.order_and_deliver(self.m1, "2026-05-04", 10, "2026-05-04")
        self.order_and_deliver(self.m2, "2026-05-04", 10, "2026-05-04")
        self.order_and_deliver(self.m1, "2026-05-04", 10, "2026-05-04")
        self.order_and_deliver(self.m2, "2026-05-04", 10, "2026-05-08")  # late
        self.order_and_deliver(self.s1, "2026-05-04", 1, "2026-05-09")  # late, not in scope

        # -- the result at the due date: 2 May - 31 May, M1 and M2: 4 deliveries, 1 late ----
        with freeze_time("2026-05-30"):
            Decision._cron_measure_due()
        self.assertFalse(decision.result_measured)  # not due yet
        with freeze_time("2026-06-01"):
            Decision._cron_measure_due()
        self.assertEqual((decision.result_value, decision.result_date), (25.0, date(2026, 5, 31)))
        self.assertEqual((decision.result_change, decision.result_status), (-25.0, "improved"))
        self.assertEqual(decision.result_summary, "Late deliveries: 50.0 % → 25.0 %")
        self.assertIn("50.0 % → 25.0 %", decision.message_ids[0].body)
        # the next meeting reports it back
        june = self.committee._agenda(date(2026, 6, 1))
        self.assertEqual(june["results"], decision)
        # the same KPI on every customer: 5 deliveries, 2 late
        kpi = self.env["crm.customer.kpi"]._compute(
            self.company, date(2026, 5, 2), date(2026, 5, 31)
        )
        self.assertEqual(kpi["late_delivery_rate"], 40.0)

        # -- escalation of the overdue decision: department manager, then the chair --------
        def escalations():
            return decision.activity_ids.filtered(lambda a: a.summary.startswith("Overdue"))

        with freeze_time("2026-06-01"):
            Decision._cron_escalate()
            Decision._cron_escalate()
        self.assertEqual(escalations().user_id, self.ivan)
        with freeze_time("2026-06-06"):  # 6 days overdue: not yet the chair's (7 days)
            Decision._cron_escalate()
        self.assertEqual(escalations().user_id, self.ivan)
        with freeze_time("2026-06-07"):
            Decision._cron_escalate()
            Decision._cron_escalate()
        self.assertEqual(escalations().user_id, self.ivan | self.manny)
        self.assertEqual(len(escalations()), 2)
        decision.with_user(self.iris).action_done()
        self.assertEqual(decision.state, "done")
        self.assertFalse(decision.activity_ids.filtered(lambda a: a.user_id == self.iris))
        with self.assertRaises(UserError):  # dropping needs a reason
            from_suggestion.with_user(self.ivan).action_drop()

        # -- the suggestion implemented; the staff scorecard of March counts it -------------
        suggestion.with_user(self.ivan).action_implement()
        card = self.env["crm.customer.kpi"]._staff(
            self.company, date(2026, 3, 1), date(2026, 3, 31)
        )
        self.assertEqual(
            (
                card.at[self.sally.id, "suggestions_made"],
                card.at[self.sally.id, "suggestions_implemented"],
            ),
            (1, 1),
        )
        self.assertEqual(
            self.env["crm.customer.kpi"]._staff_departments(
                self.company, date(2026, 3, 1), date(2026, 3, 31)
            ),
            {self.inventory: (1, 1)},
        )
        dashboard = (
            self.env["crm.customer.dashboard"]
            .with_user(self.manny)
            .create(
                {
                    "company_id": self.company.id,
                    "date_from": date(2026, 3, 1),
                    "date_to": date(2026, 3, 31),
                }
            )
        )
        staff = str(dashboard.staff_html)
        self.assertIn("Suggestions implemented", staff)
        self.assertIn("<td>Inventory</td>", staff)

        # -- Sally leaves: a handover to Otto and Una, notes on the most valuable ----------
        with freeze_time("2026-06-10"):
            lead = self.env["crm.lead"].create(
                {"name": "S1 extension", "partner_id": self.s1.id, "user_id": self.sally.id}
            )
            self.m1.activity_schedule(
                "mail.mail_activity_data_call", summary="Quarterly review", user_id=self.sally.id
            )
            lead.activity_schedule(
                "mail.mail_activity_data_call", summary="Quote", user_id=self.sally.id
            )
        Activity = self.env["mail.activity"]
        held = Activity.search([("user_id", "=", self.sally.id)])
        customer_of = {}
        for activity in held:
            record = self.env[activity.res_model].browse(activity.res_id)
            customer_of[activity] = (
                record.partner_id.commercial_partner_id
                if activity.res_model in ("crm.lead", "crm.complaint")
                else record.commercial_partner_id
                if activity.res_model == "res.partner"
                else None
            )
        self.assertGreaterEqual(len(held), 3)
        # Sally also manages the key accounts department
        key_accounts = self.env["crm.customer.department"].create(
            {"name": "Key accounts", "company_id": self.company.id, "manager_id": self.sally.id}
        )
        ada = self.company_user(
            "ccm_cmt_ada", "base.group_erp_manager,crm_customer_management.group_manager"
        )
        action = self.sally.with_user(ada).action_ccm_handover()
        self.assertEqual(action["res_model"], "res.users.handover")
        with freeze_time("2026-06-10"):
            form = Form(
                self.env["res.users.handover"].with_user(ada).with_context(**action["context"])
            )
            form.archive_user = True
            self.assertEqual(
                (form.customer_count, form.lead_count, form.complaint_count, form.decision_count),
                (4, 1, 1, 1),
            )
            self.assertEqual(
                form.role_summary,
                "Seat on CRM Committee for Sales: to reassign by hand (no successor for "
                "everything else)\nManager of the Key accounts department: to reassign by "
                "hand (no successor for everything else)",
            )
            self.assertTrue(form.roles_by_hand)
            form.successor_id = self.otto
            self.assertEqual(
                form.role_summary,
                "Seat on CRM Committee for Sales: to Otto\n"
                "Manager of the Key accounts department: to Otto",
            )
            self.assertFalse(form.roles_by_hand)
            self.assertEqual(len(form.line_ids), 2)  # M1 and M2, the most valuable
            with form.line_ids.edit(0) as line:
                self.assertEqual(line.partner_id, self.m1)
                line.successor_id = self.una
                line.note = "The CFO decides; call before the 5th."
            with form.line_ids.edit(1) as line:
                self.assertEqual(line.partner_id, self.m2)
                line.note = "Sensitive to late deliveries."
            wizard = form.save()
            # the note of a most valuable customer is required by the server too
            incomplete = wizard.copy({"line_ids": [Command.create({"partner_id": self.m1.id})]})
            with self.assertRaises(UserError):
                incomplete.action_confirm()
            action = wizard.action_confirm()
        handover = self.env["crm.customer.handover"].browse(action["res_id"])
        self.assertEqual(
            [p.user_id for p in (self.m1, self.m2, self.s1, self.s2)],
            [self.una, self.otto, self.otto, self.otto],
        )
        self.assertEqual(self.profile(self.m1).user_id, self.una)
        self.assertEqual((lead.user_id, self.complaint.user_id, self.old.user_id), (self.otto,) * 3)
        for activity in held:
            expected = self.una if customer_of[activity] == self.m1 else self.otto
            self.assertEqual(activity.user_id, expected, activity.summary)
        self.assertFalse(Activity.search_count([("user_id", "=", self.sally.id)]))
        for partner, text in ((self.m1, "The CFO decides"), (self.m2, "Sensitive to late")):
            note = partner.message_ids.filtered(lambda m, t=text: t in (m.body or ""))
            self.assertEqual(len(note), 1)
            self.assertIn("Handover from Sally Salesman", note.body)
        self.assertEqual(
            (
                handover.customer_count,
                handover.lead_count,
                handover.complaint_count,
                handover.decision_count,
                handover.note_count,
                handover.user_archived,
            ),
            (4, 1, 1, 1, 2, True),
        )
        self.assertEqual(
            {(line.successor_id, line.customer_count) for line in handover.line_ids},
            {(self.otto, 3), (self.una, 1)},
        )
        self.assertFalse(self.sally.active)
        # the successors follow what they took over, with the default subtypes
        for record, successor in (
            (self.m1, self.una),
            (self.m2, self.otto),
            (self.s1, self.otto),
            (self.s2, self.otto),
            (lead, self.otto),
            (self.complaint, self.otto),
        ):
            follower = record.message_follower_ids.filtered(
                lambda f, s=successor: f.partner_id == s.partner_id
            )
            self.assertEqual(len(follower), 1, record.display_name)
            self.assertEqual(
                sorted(follower.subtype_ids.ids),
                sorted(self.env["mail.message.subtype"]._default_subtypes(record._name)[0]),
            )
        self.assertNotIn(self.otto.partner_id, self.m1.message_partner_ids)
        # Sally's seat and department went to Otto, the default successor
        self.assertEqual(
            {(m.user_id, m.department_id) for m in self.committee.member_ids},
            {(self.ivan, self.inventory), (self.otto, self.sales)},
        )
        self.assertEqual(key_accounts.manager_id, self.otto)
        self.assertEqual(
            (handover.roles_moved, handover.roles_left),
            (
                "Seat on CRM Committee for Sales: to Otto\n"
                "Manager of the Key accounts department: to Otto",
                False,
            ),
        )
        # the key fact stays with the customer, readable by its new salesperson
        self.assertEqual(self.m1.with_user(self.una).ccm_fact_ids.name, fact.name)
        self.assertEqual(fact.author_id, self.sally)
        # the orphan report: every customer has an active salesperson now
        orphans = self.env["crm.customer.orphan.report"].search(
            [
                ("partner_id", "in", (self.m1 | self.m2 | self.s1 | self.s2).ids),
                ("is_orphan", "=", True),
            ]
        )
        self.assertFalse(orphans)

    def test_orphans_and_customers_without_contact(self):
        # S2's salesperson leaves without a handover (archived directly), S1 has none
        self.s1.user_id = False
        self.sally.with_context(ccm_handover_done=True).action_archive()
        self.env.flush_all()
        report = self.env["crm.customer.orphan.report"]
        rows = {
            r.partner_id: r
            for r in report.search([("partner_id", "in", (self.m1 | self.s1 | self.s2).ids)])
        }
        self.assertEqual(rows[self.s1].reason, "no_salesperson")
        self.assertEqual(rows[self.s2].reason, "salesperson_archived")
        self.assertTrue(rows[self.s2].is_orphan)
        # the last contact of M1 is its last order (10 March) or the fact Sally wrote
        self.assertEqual(rows[self.m1].last_contact_date, date(2026, 3, 10))
        self.assertEqual(rows[self.m1].allowed_days, 30)  # most valuable
        self.assertEqual(rows[self.s1].allowed_days, 90)  # maintain
        # a longer allowance for the most valuable takes M1 off the list (orphan by tier
        # only when it has a salesperson): not its salesperson archived here
        self.company.ccm_contact_days_mvc = 100000
        self.env.flush_all()
        self.assertEqual(
            report.search([("partner_id", "=", self.m1.id)]).reason, "salesperson_archived"
        )
        self.m1.user_id = self.otto
        self.env.flush_all()
        self.assertFalse(report.search([("partner_id", "=", self.m1.id)]))

    def test_handover_roles_without_a_single_successor(self):
        """Successors per customer only: the committee and department roles stay and the
        wizard says which to reassign by hand; a successor who does not work in a role's
        company does not get it either."""
        leo = self.company_user("ccm_cmt_leo", "sales_team.group_sale_salesman", name="Leo")
        customer = self.env["res.partner"].create(
            {"name": "CCM Committee L1", "is_company": True, "user_id": leo.id}
        )
        board = self.env["crm.customer.committee"].create(
            {"name": "Service Board", "company_id": self.company.id, "chair_id": leo.id}
        )
        other = self.env["res.company"].create({"name": "CCM Committee Elsewhere"})
        abroad = self.env["crm.customer.department"].create(
            {"name": "Export", "company_id": other.id, "manager_id": leo.id}
        )
        wizard = self.env["res.users.handover"].create(
            {
                "user_id": leo.id,
                "line_ids": [
                    Command.create({"partner_id": customer.id, "successor_id": self.una.id})
                ],
            }
        )
        self.assertTrue(wizard.roles_by_hand)
        self.assertEqual(
            wizard.role_summary,
            "Chair of Service Board: to reassign by hand (no successor for everything else)\n"
            "Manager of the Export department: to reassign by hand (no successor for "
            "everything else)",
        )
        handover = self.env["crm.customer.handover"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual(customer.user_id, self.una)
        self.assertEqual((board.chair_id, abroad.manager_id), (leo, leo))
        self.assertEqual((handover.roles_moved, handover.roles_left), (False, wizard.role_summary))
        # a single successor of this company only: the chair moves, not the export department
        wizard = self.env["res.users.handover"].create(
            {"user_id": leo.id, "successor_id": self.otto.id}
        )
        self.assertEqual(
            wizard.role_summary,
            "Chair of Service Board: to Otto\nManager of the Export department: to reassign "
            "by hand (Otto does not work in CCM Committee Elsewhere)",
        )
        handover = self.env["crm.customer.handover"].browse(wizard.action_confirm()["res_id"])
        self.assertEqual((board.chair_id, abroad.manager_id), (self.otto, leo))
        self.assertEqual(
            (handover.roles_moved, handover.roles_left),
            (
                "Chair of Service Board: to Otto",
                "Manager of the Export department: to reassign by hand (Otto does not work "
                "in CCM Committee Elsewhere)",
            ),
        )

    def test_handover_queries_do_not_grow_with_customers(self):
        """One UPDATE per table, whatever the number of customers and activities."""

        def handover(n):
            leaving = self.company_user(f"ccm_cmt_leave{n}", "sales_team.group_sale_salesman")
            partners = self.env["res.partner"].create(
                [{"name": f"H{n}-{i}", "is_company": True, "user_id": leaving.id} for i in range(n)]
            )
            for partner in partners:
                partner.activity_schedule("mail.mail_activity_data_todo", user_id=leaving.id)
            wizard = self.env["res.users.handover"].create(
                {"user_id": leaving.id, "successor_id": self.otto.id}
            )
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            handover = wizard._execute()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before, partners, handover

        small, __, __ = handover(2)
        large, partners, log = handover(20)
        self.assertEqual(small, large)
        self.assertEqual(partners.user_id, self.otto)
        self.assertEqual((log.customer_count, log.activity_count), (20, 20))
        self.assertEqual(
            self.env["mail.activity"].search([("res_id", "in", partners.ids)]).user_id, self.otto
        )
