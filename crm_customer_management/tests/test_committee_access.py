from datetime import datetime

from freezegun import freeze_time

from odoo import Command, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .test_committee import CommitteeCase


@tagged("post_install", "-at_install", "crm_customer_management")
class TestCommitteeAccess(CommitteeCase):
    """Who sees which decisions, suggestions, key facts and committee figures: department
    members their department's, the all-documents salesmen and managers all of their
    company's, a salesman of no department none, portal users only the feedback of their
    own company's people, another company nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alma = cls.company_user(
            "ccm_cmt_alma", "sales_team.group_sale_salesman_all_leads", name="Alma"
        )
        cls.company2 = cls.env["res.company"].create({"name": "CCM Committee Other"})
        cls.cora = new_test_user(
            cls.env,
            login="ccm_cmt_cora",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.company2.id,
            company_ids=[Command.set(cls.company2.ids)],
        )
        Partner = cls.env["res.partner"]
        cls.c1, cls.c2 = Partner.create(
            [{"name": f"CCM Portal {x}", "is_company": True} for x in ("C1", "C2")]
        )
        cls.p1, cls.p1b, cls.p2 = (
            new_test_user(
                cls.env,
                login=login,
                groups="base.group_portal",
                partner_id=Partner.create({"name": login, "parent_id": parent.id}).id,
            )
            for login, parent in (
                ("ccm_cmt_p1", cls.c1),
                ("ccm_cmt_p1b", cls.c1),
                ("ccm_cmt_p2", cls.c2),
            )
        )
        Decision = cls.env["crm.customer.decision"]
        cls.d_inventory, cls.d_sales = Decision.create(
            [
                {
                    "name": name,
                    "company_id": cls.company.id,
                    "department_id": department.id,
                    "user_id": owner.id,
                    "due_date": "2026-12-31",
                    "date": "2026-06-01",
                }
                for name, department, owner in (
                    ("Pick faster", cls.inventory, cls.ivan),
                    ("Call more", cls.sales, cls.manny),
                )
            ]
        )
        sales_category = cls.env["crm.customer.suggestion.category"].create(
            {"name": "Offers", "department_id": cls.sales.id, "company_id": cls.company.id}
        )
        Suggestion = cls.env["crm.customer.suggestion"]
        cls.s_inventory = Suggestion.with_user(cls.manny).create(
            {"name": "Label the shelves", "category_id": cls.category.id}
        )
        cls.s_p1, cls.s_p2 = (
            Suggestion.sudo().create(
                {
                    "name": name,
                    "origin": "portal",
                    "author_user_id": False,
                    "author_partner_id": user.partner_id.id,
                    "partner_id": user.commercial_partner_id.id,
                    "category_id": sales_category.id,
                    "company_id": cls.company.id,
                }
            )
            for name, user in (("Cheaper shipping", cls.p1), ("Secret wish", cls.p2))
        )
        cls.fact = cls.env["crm.customer.fact"].create(
            {"partner_id": cls.m1.id, "kind": "sensitivity", "name": "Hates cold calls"}
        )

    def visible(self, user, model, records):
        env = self.env(
            user=user, context=dict(self.env.context, allowed_company_ids=user.company_ids.ids)
        )
        return env[model].search([("id", "in", records.ids)])

    def test_department_members_see_their_departments(self):
        decisions = self.d_inventory | self.d_sales
        suggestions = self.s_inventory | self.s_p1 | self.s_p2
        D, S = "crm.customer.decision", "crm.customer.suggestion"
        self.assertEqual(self.visible(self.iris, D, decisions), self.d_inventory)
        self.assertEqual(self.visible(self.iris, S, suggestions), self.s_inventory)
        self.assertEqual(self.visible(self.ivan, D, decisions), self.d_inventory)
        # Sally sits for sales: its decisions and the customers' suggestions routed to it
        self.assertEqual(self.visible(self.sally, D, decisions), self.d_sales)
        self.assertEqual(self.visible(self.sally, S, suggestions), self.s_p1 | self.s_p2)
        # a salesman of no department sees none; all documents and managers see all
        self.assertFalse(self.visible(self.otto, D, decisions))
        self.assertFalse(self.visible(self.otto, S, suggestions))
        self.assertEqual(self.visible(self.alma, D, decisions), decisions)
        self.assertEqual(self.visible(self.manny, S, suggestions), suggestions)
        with self.assertRaises(AccessError):
            self.d_sales.with_user(self.iris).action_done()
        with self.assertRaises(AccessError):  # answered by the department's manager only
            self.s_p1.with_user(self.otto).action_accept()
        # a member sees his department's documents but neither answers nor types results
        with self.assertRaises(UserError):
            self.s_inventory.with_user(self.iris).write({"state": "implemented"})
        with self.assertRaises(UserError):
            self.d_inventory.with_user(self.iris).write({"state": "done"})
        with self.assertRaises(AccessError):
            self.d_inventory.with_user(self.ivan).write({"result_value": 1.0})

    def test_portal_users_see_only_their_own_feedback(self):
        S = "crm.customer.suggestion"
        everything = self.s_inventory | self.s_p1 | self.s_p2
        self.assertEqual(self.visible(self.p1, S, everything), self.s_p1)
        self.assertEqual(self.visible(self.p1b, S, everything), self.s_p1)  # same company
        self.assertEqual(self.visible(self.p2, S, everything), self.s_p2)
        with self.assertRaises(AccessError):  # internal fields
            self.s_p1.with_user(self.p1).read(["department_id"])
        with self.assertRaises(AccessError):
            self.env["crm.customer.decision"].with_user(self.p1).search([])
        with self.assertRaises(AccessError):
            self.env["crm.customer.fact"].with_user(self.p1).search([])

    def test_feedback_by_email_is_the_senders_own(self):
        feedback = (
            self.env["crm.customer.suggestion"]
            .with_company(self.company)
            .message_new(
                {
                    "author_id": self.p1b.partner_id.id,
                    "email_from": "p1b@example.com",
                    "subject": "Invoices in Persian please",
                    "body": "<p>Thanks</p>",
                },
                {"company_id": self.company.id},
            )
        )
        self.assertEqual(
            (feedback.origin, feedback.kind, feedback.partner_id, feedback.author_user_id),
            ("email", "feedback", self.c1, self.env["res.users"]),
        )
        self.assertEqual(
            feedback.category_id,
            self.env.ref("crm_customer_management.suggestion_category_other"),
        )
        S = "crm.customer.suggestion"
        self.assertEqual(self.visible(self.p1, S, feedback), feedback)
        self.assertFalse(self.visible(self.p2, S, feedback))

    def test_other_companies_see_nothing(self):
        for model, records in (
            ("crm.customer.decision", self.d_inventory | self.d_sales),
            ("crm.customer.suggestion", self.s_inventory | self.s_p1),
            ("crm.customer.committee", self.committee),
            ("crm.customer.fact", self.fact),
        ):
            self.assertFalse(self.visible(self.cora, model, records), model)
        self.assertEqual(self.visible(self.alma, "crm.customer.fact", self.fact), self.fact)

    def test_key_facts_follow_the_sales_rules(self):
        # own documents: the facts of one's own customers (Sally's), not of others'
        self.assertEqual(self.visible(self.sally, "crm.customer.fact", self.fact), self.fact)
        self.assertFalse(self.visible(self.otto, "crm.customer.fact", self.fact))

    def test_running_the_committee_and_handovers_is_restricted(self):
        with self.assertRaises(AccessError):  # not on the committee
            self.committee.with_user(self.otto)._agenda(self.d_sales.date)
        self.committee.with_user(self.sally)._agenda(self.d_sales.date)  # a member
        wizard = (
            self.env["res.users.handover"]
            .with_user(self.manny)
            .create({"user_id": self.sally.id, "successor_id": self.otto.id})
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.otto).action_confirm()
        with self.assertRaises(AccessError):  # archiving needs the access-rights administrator
            wizard.write({"archive_user": True})
            wizard.action_confirm()

    def test_a_plain_user_opens_committee_meetings(self):
        """The committee fields of a calendar event are the addon's users' own: an internal
        user outside Customer Management invited to a committee meeting opens it, and his
        own events, without an access error, and sees none of them."""
        paul = self.company_user("ccm_cmt_paul", "base.group_user", name="Paul Plain")
        with freeze_time("2026-04-01 08:00"):
            action = self.committee.with_user(self.sam).action_schedule_meeting()
        meeting = self.env["calendar.event"].browse(action["res_id"])
        meeting.partner_ids |= paul.partner_id
        Event = self.env["calendar.event"].with_user(paul)
        for view in ("form", "list", "calendar"):
            arch = Event.get_views([(False, view)])["views"][view]["arch"]
            self.assertNotIn("ccm_", arch, view)
        form = Form(meeting.with_user(paul))
        self.assertEqual(form.name, meeting.name)
        self.assertEqual(
            Event.search([("id", "=", meeting.id)]).read(["name"])[0]["name"], meeting.name
        )
        with self.assertRaises(AccessError):
            meeting.with_user(paul).read(["ccm_committee_id"])
        with self.assertRaises(AccessError):
            meeting.with_user(paul).read(["ccm_agenda"])
        with freeze_time("2026-04-02 08:00"):
            own = Form(Event)
            own.name = "Paul's dentist"
            own.start = datetime(2026, 4, 3, 9, 0)
            own.stop = datetime(2026, 4, 3, 10, 0)
            own = own.save()
        self.assertEqual(own.user_id, paul)
        # he makes it recurring: the recurrence copies the event as him, the addon's fields
        # included (read from the database, not from what his form just wrote)
        self.env.invalidate_all()
        own.with_user(paul).write(
            {"recurrency": True, "rrule_type": "weekly", "count": 3, "fri": True}
        )
        self.assertEqual(len(own.recurrence_id.calendar_event_ids), 3)
        # a committee meeting made recurring: every meeting is the committee's, none copies
        # the first one's agenda
        self.env.invalidate_all()
        weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[meeting.start.weekday()]
        meeting.with_user(self.sam).write(
            {"recurrency": True, "rrule_type": "weekly", "count": 2, weekday: True}
        )
        meetings = meeting.recurrence_id.calendar_event_ids
        self.assertEqual(len(meetings), 2)
        self.assertEqual(meetings.ccm_committee_id, self.committee)
        self.assertTrue(meeting.ccm_agenda)
        self.assertFalse((meetings - meeting).ccm_agenda)
        # a member of the committee sees the committee page and its fields
        arch = (
            self.env["calendar.event"]
            .with_user(self.sam)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="ccm_committee_id"', arch)
        self.assertEqual(meeting.with_user(self.sam).ccm_committee_id, self.committee)

    def test_archiving_a_user_in_code_archives_him(self):
        """Only the web client's Archive offers the handover: a caller in code archives a
        user who still holds customers (they are orphaned, as Odoo leaves them)."""
        sys = self.company_user(
            "ccm_cmt_sys", "base.group_system,crm_customer_management.group_manager"
        )
        self.assertEqual(self.sally._ccm_holding_customers(), self.sally)
        result = self.sally.with_user(sys).action_archive()
        self.assertFalse(isinstance(result, dict) and result.get("res_model"))
        self.assertFalse(self.sally.active)
        self.assertEqual(self.m1.user_id, self.sally)  # orphaned: the orphan report lists it


@tagged("post_install", "-at_install", "crm_customer_management")
class TestArchiveFromTheWebClient(HttpCase):
    """The web client's Archive of a user who still holds customers opens the handover
    instead (one user), or says to archive them one at a time (several); a user who holds
    none is archived."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ada = new_test_user(
            cls.env,
            login="ccm_arch_ada",
            password="ccm_arch_ada",
            groups="base.group_erp_manager,crm_customer_management.group_manager",
        )
        cls.hal, cls.hugo, cls.hana = (
            new_test_user(cls.env, login=login, name=name, groups="sales_team.group_sale_salesman")
            for login, name in (
                ("ccm_arch_hal", "Hal Holder"),
                ("ccm_arch_hugo", "Hugo Holder"),
                ("ccm_arch_hana", "Hana Free"),
            )
        )
        cls.env["res.partner"].create(
            [
                {"name": f"Held by {user.name}", "is_company": True, "user_id": user.id}
                for user in (cls.hal, cls.hugo)
            ]
        )

    def archive(self, users):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw/res.users/action_archive",
            {"model": "res.users", "method": "action_archive", "args": [users.ids], "kwargs": {}},
        )

    def test_web_client_archive_offers_the_handover(self):
        self.authenticate("ccm_arch_ada", "ccm_arch_ada")
        action = self.archive(self.hal)
        self.assertEqual(
            (action["res_model"], action["target"], action["context"]),
            (
                "res.users.handover",
                "new",
                {"default_user_id": self.hal.id, "default_archive_user": True},
            ),
        )
        self.assertTrue(self.hal.active)
        with self.assertRaisesRegex(JsonRpcException, "UserError"):
            self.archive(self.hal | self.hugo)
        self.assertTrue(self.hal.active and self.hugo.active)
        self.archive(self.hana)
        self.assertFalse(self.hana.active)


@tagged("post_install", "-at_install", "crm_customer_management")
class TestSuggestionPortal(HttpCase):
    """The portal page /my/suggestions: a customer lists and sends his own feedback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, login="ccm_sug_manager", groups="base.group_user")
        cls.category = cls.env.ref("crm_customer_management.suggestion_category_delivery")
        cls.category.department_id.manager_id = cls.manager
        customer_a, customer_b = cls.env["res.partner"].create(
            [{"name": f"Suggesting {x} Ltd", "is_company": True} for x in "AB"]
        )
        users = [
            new_test_user(
                cls.env,
                login=login,
                password=login,
                groups="base.group_portal",
                partner_id=cls.env["res.partner"]
                .create({"name": login, "parent_id": parent.id, "email": f"{login}@x.example"})
                .id,
            )
            for login, parent in (("ccm_sug_a", customer_a), ("ccm_sug_b", customer_b))
        ]
        cls.customer_a = customer_a
        cls.other = (
            cls.env["crm.customer.suggestion"]
            .sudo()
            .create(
                {
                    "name": "B's private idea",
                    "origin": "portal",
                    "author_user_id": False,
                    "author_partner_id": users[1].partner_id.id,
                    "category_id": cls.category.id,
                }
            )
        )

    def test_portal_sends_and_lists_own_suggestions(self):
        self.authenticate("ccm_sug_a", "ccm_sug_a")
        response = self.url_open(
            "/my/suggestions/new",
            data={
                "subject": "Deliver in the morning",
                "kind": "suggestion",
                "category_id": str(self.category.id),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        sent = self.env["crm.customer.suggestion"].search([("name", "=", "Deliver in the morning")])
        self.assertEqual((sent.origin, sent.partner_id), ("portal", self.customer_a))
        self.assertEqual(sent.user_id, self.manager)
        self.assertEqual(sent.activity_ids.user_id, self.manager)
        listing = self.url_open("/my/suggestions")
        self.assertIn("Deliver in the morning", listing.text)
        self.assertNotIn("B&#39;s private idea", listing.text)
        other = self.url_open(f"/my/suggestions/{self.other.id}")
        self.assertTrue(other.url.endswith("/my"))
