from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import CustomerManagementCase


@tagged("post_install", "-at_install", "crm_customer_management")
class TestPlaybook(CustomerManagementCase):
    """Playbooks reach only customers who may be reached, from the company or the
    salesperson, with activities for active internal users; a mass move holds them for a
    manager's review."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create(
            {
                "name": "CCM Playbook Team",
                "user_id": cls.sales_manager.id,
                "crm_team_member_ids": [Command.create({"user_id": cls.salesman.id})],
            }
        )
        cls.company.email = "hello@ccm-shop.example.com"
        cls.admin = cls.env.ref("base.user_admin")  # the first internal sales manager
        cls.service = cls.env["crm.customer.lifecycle"]
        cls.History = cls.env["crm.customer.lifecycle.history"]

    # -- helpers -------------------------------------------------------------
    def customer(self, name, email=None, user=None):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": email or False,
                "user_id": user.id if user else False,
            }
        )

    def move(self, partners, stage_from, stage_to, user=None, company=None):
        """An event evaluation, as it runs at the end of the transaction of ``user`` (the
        portal customer who answered a survey, the accountant who posted an invoice)."""
        service = self.service.with_user(user) if user else self.service
        return service.sudo()._apply_moves(
            company or self.company,
            [(p.id, stage_from, stage_to, None) for p in partners],
            "event",
        )

    def mails(self, partners):
        return self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids)], order="id"
        )

    def activities(self, partners):
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)], order="id"
        )

    # -- who gets the e-mails, from whom ---------------------------------------
    def test_mail_only_to_reachable_customers_from_salesperson_or_company(self):
        reachable = self.customer("Olive Oak", "olive@oak.example.com", self.salesman)
        no_salesperson = self.customer("Fern Free", "fern@free.example.com")
        archived = self.customer("Archie Arch", "archie@arch.example.com", self.salesman)
        archived.action_archive()
        opted_out = self.customer("Otto Out", "otto@out.example.com", self.salesman)
        self.env["mail.blacklist"]._add("Otto@Out.example.com")
        no_email = self.customer("Nora Nomail", user=self.salesman)
        everyone = reachable | no_salesperson | archived | opted_out | no_email
        # the portal customer's own answer moved them: nothing comes from the portal user
        rows = self.move(everyone, "developing", "dissatisfied", user=self.portal_user)

        mails = self.mails(everyone)
        self.assertEqual(mails.mapped("res_id"), [reachable.id, no_salesperson.id])
        self.assertEqual(
            [(m.email_from, m.author_id) for m in mails],
            [
                (self.salesman.email_formatted, self.salesman.partner_id),
                (self.company.email_formatted, self.company.partner_id),
            ],
        )
        self.assertEqual(
            mails.mapped("subject"), ["We are sorry, Olive Oak", "We are sorry, Fern Free"]
        )
        for mail in mails:
            self.assertNotIn("Paula Portal", mail.body_html)
        # the recovery call (team leader): none for the archived customer
        calls = self.activities(everyone)
        self.assertEqual(
            [(a.res_id, a.user_id) for a in calls],
            [
                (reachable.id, self.sales_manager),
                (no_salesperson.id, self.admin),
                (opted_out.id, self.sales_manager),
                (no_email.id, self.sales_manager),
            ],
        )
        notes = {row.partner_id: row.playbook_note or "" for row in rows}
        self.assertEqual(notes[reachable], "")
        self.assertEqual(notes[no_salesperson], "")
        self.assertEqual(
            notes[archived],
            "Apology e-mail: not sent, the customer is archived.\n"
            "Recovery call: not scheduled, the customer is archived.",
        )
        self.assertEqual(
            notes[opted_out], "Apology e-mail: not sent, the customer opted out of e-mails."
        )
        self.assertEqual(
            notes[no_email], "Apology e-mail: not sent, the customer has no e-mail address."
        )
        self.assertEqual(rows.mapped("playbook_state"), ["done"] * 5)

    # -- who gets the activities -------------------------------------------------
    def test_activities_only_for_active_internal_users(self):
        archie = new_test_user(
            self.env, login="ccm_archie", name="Archie", groups="sales_team.group_sale_salesman"
        )
        self.team.crm_team_member_ids = [Command.create({"user_id": archie.id})]
        archie.active = False  # left the company; still in the team
        portal = self.customer("Pia Portal", user=self.portal_user)
        public = self.customer("Pete Public", user=self.env.ref("base.public_user"))
        root = self.customer("Rob Root", user=self.env.ref("base.user_root"))
        gone = self.customer("Gina Gone", user=archie)
        mine = self.customer("Mia Mine", user=self.salesman)
        everyone = portal | public | root | gone | mine
        # the retention call is for the salesperson
        self.move(everyone, "developing", "at_risk", user=self.portal_user)
        self.assertEqual(
            [(a.res_id, a.user_id) for a in self.activities(everyone)],
            [
                (portal.id, self.admin),  # no team: a sales manager of the company
                (public.id, self.admin),
                (root.id, self.admin),
                (gone.id, self.sales_manager),  # the archived salesperson's team leader
                (mine.id, self.salesman),
            ],
        )

    def test_two_activities_of_one_stage_for_one_customer(self):
        """Two activity actions of a stage for the same customer and user: both scheduled
        (Odoo subscribes the user once per document, not once per activity)."""
        self.env["crm.customer.playbook.action"].create(
            {
                "name": "Retention visit",
                "stage": "at_risk",
                "company_id": self.company.id,
                "action_type": "activity",
                "activity_type_id": self.env.ref("mail.mail_activity_data_meeting").id,
                "responsible": "salesperson",
            }
        )
        first = self.customer("Tia Twice", user=self.salesman)
        second = self.customer("Tom Twice", user=self.salesman)
        self.move(first | second, "developing", "at_risk", user=self.portal_user)
        call = "Retention call: the customer stopped buying"
        self.assertEqual(
            [(a.res_id, a.summary, a.user_id) for a in self.activities(first | second)],
            [
                (first.id, call, self.salesman),
                (first.id, "Retention visit", self.salesman),
                (second.id, call, self.salesman),
                (second.id, "Retention visit", self.salesman),
            ],
        )
        for customer in first | second:
            self.assertEqual(
                customer.message_follower_ids.filtered(
                    lambda f: f.partner_id == self.salesman.partner_id
                ).mapped("partner_id"),
                self.salesman.partner_id,
            )

    def test_activity_skipped_when_nobody_may_get_it(self):
        company2 = self.env["res.company"].create({"name": "CCM Playbook Second"})
        partner = self.customer("Solo Ltd", user=self.portal_user)
        with mute_logger("odoo.addons.crm_customer_management.models.crm_customer_lifecycle"):
            rows = self.move(partner, "developing", "at_risk", company=company2)
        self.assertFalse(self.activities(partner))
        self.assertEqual(
            rows.playbook_note, "Retention call: not scheduled, no active internal user to assign."
        )
        self.assertEqual(rows.playbook_state, "done")

    # -- mass moves ----------------------------------------------------------------
    def acquire(self, customers):
        for customer in customers:
            self.confirm_order(customer, "2026-02-01", 1, 100.0)
        with freeze_time("2026-02-01"):
            self.service._evaluate(self.company, customers.ids, "event")

    def test_mass_move_holds_playbooks_for_review(self):
        customers = (
            self.customer("Mass One", "one@mass.example.com", self.salesman)
            | self.customer("Mass Two", "two@mass.example.com", self.salesman)
            | self.customer("Mass Three", "three@mass.example.com", self.salesman)
        )
        self.acquire(customers)
        interviews = self.activities(customers)
        self.assertEqual(len(interviews), 3)
        self.company.ccm_playbook_max_runs = 2
        company_partner = self.company.partner_id
        notices_before = self.activities(company_partner)

        # the nightly run moves 3 customers to onboarding: more than 2 playbooks
        with freeze_time("2026-02-02"):
            self.assertEqual(self.service._evaluate(self.company, customers.ids, "scheduled"), 3)
        rows = self.History.search(
            [("partner_id", "in", customers.ids), ("stage_to", "=", "onboarding")]
        )
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows.mapped("playbook_state"), ["held"] * 3)
        self.assertEqual(rows.mapped("playbook_done"), [False] * 3)
        self.assertEqual(customers.mapped("lifecycle_stage"), ["onboarding"] * 3)
        self.assertFalse(self.mails(customers))
        self.assertEqual(self.activities(customers), interviews)
        notice = self.activities(company_partner) - notices_before
        self.assertEqual(len(notice), 1)
        self.assertEqual(
            notice.summary, "3 customers entered stage Onboarding: playbooks held for review"
        )
        self.assertEqual(notice.user_id, self.admin)

        # only a manager releases them
        with self.assertRaises(AccessError):
            rows.with_user(self.salesman).action_run_held_playbooks()
        with self.assertRaises(AccessError):
            rows.with_user(self.salesman).action_discard_held_playbooks()
        rows.with_user(self.sales_manager).action_run_held_playbooks()
        self.assertEqual(
            self.mails(customers).mapped("subject"), [f"Welcome to {self.company.name}"] * 3
        )
        calls = self.activities(customers) - interviews
        self.assertEqual(
            calls.mapped("summary"),
            ["Onboarding call: first delivery and invoice went well?"] * 3,
        )
        self.assertEqual(rows.mapped("playbook_state"), ["done"] * 3)
        # once
        rows.with_user(self.sales_manager).action_run_held_playbooks()
        self.assertEqual(len(self.mails(customers)), 3)
        self.assertEqual(len(self.activities(customers)), 6)

    def test_discarded_playbooks_never_run(self):
        customers = self.customer("Held One", "held@one.example.com", self.salesman) | (
            self.customer("Held Two", "held@two.example.com", self.salesman)
        )
        self.acquire(customers)
        self.company.ccm_playbook_max_runs = 1
        with freeze_time("2026-02-02"):
            self.service._evaluate(self.company, customers.ids, "scheduled")
        rows = self.History.search(
            [("partner_id", "in", customers.ids), ("stage_to", "=", "onboarding")]
        )
        self.assertEqual(rows.mapped("playbook_state"), ["held"] * 2)
        rows.with_user(self.sales_manager).action_discard_held_playbooks()
        self.assertEqual(rows.mapped("playbook_state"), ["discarded"] * 2)
        rows.with_user(self.sales_manager).action_run_held_playbooks()
        self.assertFalse(self.mails(customers))
        self.assertEqual(len(self.activities(customers)), 2)  # the interviews only
        # a move by hand is deliberate: never held
        self.company.ccm_playbook_max_runs = 0
        self.service._move_manually(customers[0], "at_risk", "Their buyer left")
        self.assertIn(
            "Retention call: the customer stopped buying",
            self.activities(customers[0]).mapped("summary"),
        )
