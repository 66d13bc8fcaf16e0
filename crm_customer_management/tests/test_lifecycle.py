from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged, users

from .common import CustomerManagementCase


@tagged("post_install", "-at_install", "crm_customer_management")
class TestLifecycle(CustomerManagementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create(
            {
                "name": "CCM Team",
                "user_id": cls.sales_manager.id,
                "crm_team_member_ids": [Command.create({"user_id": cls.salesman.id})],
            }
        )
        cls.walker = cls.env["res.partner"].create(
            {
                "name": "Walker Ltd",
                "is_company": True,
                "email": "info@walker.example.com",
                "phone": "+32 2 555 01 01",
                "country_id": cls.env.ref("base.be").id,
                "industry_id": cls.env.ref("base.res_partner_industry_G").id,
                "vat": "BE0477472701",
                "user_id": cls.salesman.id,
                "child_ids": [
                    Command.create({"name": "Wendy Walker", "email": "w@walker.example.com"})
                ],
            }
        )
        cls.nps = cls.env.ref("crm_customer_management.survey_nps")
        cls.service = cls.env["crm.customer.lifecycle"]

    # -- helpers -------------------------------------------------------------
    def commit_events(self, on):
        """What follows the commit of the transaction: the customer events processed."""
        self.process_events(on)

    def cron(self, on, partners=None):
        """The nightly evaluation of the whole company; returns the number of moves of the
        fixture customers (a database with demo data has customers of its own)."""
        partners = partners or self.walker
        History = self.env["crm.customer.lifecycle.history"]
        before = History.search_count([("partner_id", "in", partners.ids)])
        with freeze_time(on):
            self.service._evaluate(self.company)
        return History.search_count([("partner_id", "in", partners.ids)]) - before

    def stage(self, partner=None, company=None):
        return (partner or self.walker).with_company(company or self.company).lifecycle_stage

    def history(self, partner=None):
        return self.env["crm.customer.lifecycle.history"].search(
            [("partner_id", "=", (partner or self.walker).id)], order="date, id"
        )

    def answer_nps(self, score, on, partner=None):
        with freeze_time(on):
            answer = self.env["survey.user_input"].create(
                {"survey_id": self.nps.id, "partner_id": (partner or self.walker).id}
            )
            question = self.nps.question_ids.filtered(lambda q: q.question_type == "scale")
            answer._save_lines(question, str(score))
            answer._mark_done()
        self.commit_events(on)
        return answer

    def activities(self, partner=None):
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", (partner or self.walker).id)],
            order="id",
        )

    def mails(self, partner=None):
        return self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", (partner or self.walker).id)],
            order="id",
        )

    # -- the whole cycle -----------------------------------------------------
    def test_walk_through_the_whole_cycle(self):
        # a lead for a new prospect: target
        with freeze_time("2026-01-05"):
            lead = self.env["crm.lead"].create(
                {
                    "name": "Walker fit-out",
                    "partner_id": self.walker.id,
                    "user_id": self.salesman.id,
                }
            )
        self.assertEqual(lead.lifecycle_stage, "target")
        self.commit_events("2026-01-05")
        self.assertEqual(self.stage(), "target")
        # the prospect writes back: enquiry
        with freeze_time("2026-01-10"):
            lead.message_update({"email_from": self.walker.email, "subject": "Re: fit-out"})
        self.assertEqual(lead.lifecycle_stage, "enquiry")
        self.commit_events("2026-01-10")
        self.assertEqual(self.stage(), "enquiry")

        # first confirmed order: acquired, with the needs interview for the salesperson
        with freeze_time("2026-02-01"):
            lead.action_set_won()
        order1 = self.confirm_order(self.walker, "2026-02-01", 2, 100.0)
        self.invoice(order1, "2026-02-01", "2026-03-03")
        self.commit_events("2026-02-01")
        self.assertEqual(self.stage(), "acquired")
        interview = self.activities()
        self.assertEqual(
            interview.mapped("summary"), ["Needs interview: learn what the new customer needs"]
        )
        self.assertEqual(interview.user_id, self.salesman)
        self.assertEqual(str(interview.date_deadline), "2026-02-08")

        # the nightly run: onboarding, the welcome e-mail and the onboarding call
        self.assertEqual(self.cron("2026-02-02"), 1)
        self.assertEqual(self.stage(), "onboarding")
        self.assertEqual(str(self.walker.lifecycle_stage_date), "2026-02-02")
        self.assertEqual(self.mails().mapped("subject"), [f"Welcome to {self.env.company.name}"])
        call = self.activities() - interview
        self.assertEqual(call.summary, "Onboarding call: first delivery and invoice went well?")
        self.assertEqual(str(call.date_deadline), "2026-02-05")
        # onboarding lasts 30 days from the first purchase, even once the profile is known
        self.env["crm.customer.need"].create(
            {
                "partner_id": self.walker.id,
                "category_id": self.env["crm.customer.need.category"].search([], limit=1).id,
                "importance": "4",
                "source": "interaction",
            }
        )
        self.assertEqual(self.walker.ccm_completeness, 100.0)
        self.assertEqual(self.cron("2026-03-02"), 0)
        self.assertEqual(self.cron("2026-03-03"), 1)
        self.assertEqual(self.stage(), "known")

        # a repeat purchase: developing, as an event of the order
        order2 = self.confirm_order(self.walker, "2026-03-10", 1, 100.0)
        self.commit_events("2026-03-10")
        self.assertEqual(self.stage(), "developing")

        # an NPS detractor: dissatisfied, apology e-mail and a recovery call for the team leader
        before = self.activities()
        detractor = self.answer_nps(4, "2026-03-20")
        self.assertEqual(self.stage(), "dissatisfied")
        self.assertEqual(self.mails()[-1].subject, "We are sorry, Walker Ltd")
        recovery = self.activities() - before
        self.assertEqual(recovery.user_id, self.sales_manager)
        # a promoter answer later: back to the previous active stage
        self.answer_nps(9, "2026-03-25")
        self.assertEqual(self.stage(), "developing")

        # no purchase for 2 x the usual interval (37 days) -> at risk after 74 days
        self.assertEqual(self.cron("2026-05-23"), 0)  # 74 days
        self.assertEqual(self.cron("2026-05-24"), 1)  # 75 days
        self.assertEqual(self.stage(), "at_risk")
        self.assertIn(
            "Retention call: the customer stopped buying", self.activities().mapped("summary")
        )
        # a year without purchase: lost, with the win-back offer
        self.assertEqual(self.cron("2027-03-09"), 0)
        self.assertEqual(self.cron("2027-03-10"), 1)
        self.assertEqual(self.stage(), "lost")
        self.assertEqual(self.mails()[-1].subject, "We miss you, Walker Ltd")
        # buying again: won back, then developing after the welcome-back period
        order3 = self.confirm_order(self.walker, "2027-03-15", 1, 100.0)
        self.commit_events("2027-03-15")
        self.assertEqual(self.stage(), "won_back")
        self.assertEqual(self.cron("2027-04-13"), 0)
        self.assertEqual(self.cron("2027-04-14"), 1)
        self.assertEqual(self.stage(), "developing")
        # re-running the nightly evaluation changes nothing and adds no row
        self.assertEqual(self.cron("2027-04-14"), 0)

        rows = self.history()
        self.assertEqual(
            [(r.stage_from or None, r.stage_to, r.trigger) for r in rows],
            [
                (None, "target", "event"),
                ("target", "enquiry", "event"),
                ("enquiry", "acquired", "event"),
                ("acquired", "onboarding", "scheduled"),
                ("onboarding", "known", "scheduled"),
                ("known", "developing", "event"),
                ("developing", "dissatisfied", "event"),
                ("dissatisfied", "developing", "event"),
                ("developing", "at_risk", "scheduled"),
                ("at_risk", "lost", "scheduled"),
                ("lost", "won_back", "event"),
                ("won_back", "developing", "scheduled"),
            ],
        )
        self.assertEqual(rows[0].document_ref, lead)
        self.assertEqual(rows[2].document_ref, order1)
        self.assertEqual(rows[5].document_ref, order2)
        self.assertEqual(rows[6].document_ref, detractor)
        self.assertEqual(rows[10].document_ref, order3)
        self.assertEqual(str(rows[8].date.date()), "2026-05-24")
        self.assertTrue(all(rows.mapped("playbook_done")))
        # playbooks ran once per entry: 1 interview, 1 onboarding call, 1 recovery call,
        # 1 retention call; 3 e-mails (welcome, apology, win-back)
        self.assertEqual(len(self.activities()), 4)
        self.assertEqual(len(self.mails()), 3)

        # the funnel and the days in stage
        report = self.env["crm.customer.lifecycle.report"]
        current = report.search([("partner_id", "=", self.walker.id), ("is_current", "=", True)])
        self.assertEqual(current.stage, "developing")
        self.assertEqual(current.user_id, self.salesman)
        self.assertEqual(current.team_id, self.team)
        onboarding = report.search(
            [("partner_id", "=", self.walker.id), ("stage", "=", "onboarding")]
        )
        self.assertAlmostEqual(onboarding.days_in_stage, 29.0)  # 2026-02-02 -> 2026-03-03

    def test_first_classification_runs_no_playbook(self):
        self.confirm_order(self.walker, "2025-01-10", 1, 100.0)
        self.env.cr.precommit.clear()  # as if the addon was installed after this order
        self.assertEqual(self.cron("2026-06-30"), 1)  # 536 days without purchase
        self.assertEqual(self.stage(), "lost")
        row = self.history()
        self.assertEqual((row.stage_from, row.stage_to, row.trigger), (False, "lost", "scheduled"))
        self.assertTrue(row.playbook_done)
        self.assertFalse(self.mails())
        self.assertFalse(self.activities())

    # -- manual moves ---------------------------------------------------------
    @users("ccm_salesman")
    def test_salesman_moves_with_a_reason(self):
        self.confirm_order(self.walker.sudo(), "2026-06-01", 1, 100.0)
        self.commit_events("2026-06-01")
        partner = self.walker.with_user(self.env.user)
        wizard = self.env["crm.customer.lifecycle.move"].create(
            {"partner_id": partner.id, "stage": "at_risk", "reason": "Their buyer left"}
        )
        self.assertEqual(wizard.current_stage, "acquired")
        wizard.action_confirm()
        self.assertEqual(partner.lifecycle_stage, "at_risk")
        last = self.history().sudo()[-1]
        self.assertEqual(
            (last.trigger, last.user_id, last.reason), ("manual", self.salesman, "Their buyer left")
        )
        # the move holds against the nightly run for 30 days
        self.assertEqual(self.cron("2026-06-10"), 0)
        with self.assertRaises(UserError):
            self.service._move_manually(partner, "at_risk", "again")
        with self.assertRaises(UserError):
            self.service._move_manually(partner, "developing", "  ")

    def test_manual_moves_need_the_customer_or_a_manager(self):
        other = new_test_user(
            self.env, login="ccm_other_salesman", groups="sales_team.group_sale_salesman"
        )
        all_leads = new_test_user(
            self.env, login="ccm_all_leads", groups="sales_team.group_sale_salesman_all_leads"
        )
        ccm_manager = new_test_user(
            self.env, login="ccm_ccm_manager", groups="crm_customer_management.group_manager"
        )
        self.confirm_order(self.walker, "2026-06-01", 1, 100.0)
        self.commit_events("2026-06-01")
        Wizard = self.env["crm.customer.lifecycle.move"]
        # a salesman of other customers (own documents only)
        wizard = Wizard.with_user(other).create(
            {"partner_id": self.walker.id, "stage": "at_risk", "reason": "Not mine"}
        )
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        with self.assertRaises(AccessError):
            self.service.with_user(other)._move_manually(self.walker, "at_risk", "Not mine")
        self.assertEqual(self.stage(), "acquired")
        self.assertEqual(len(self.history()), 1)
        # a salesman who sees all leads, then a customer-management manager
        Wizard.with_user(all_leads).create(
            {"partner_id": self.walker.id, "stage": "at_risk", "reason": "Buyer left"}
        ).action_confirm()
        self.assertEqual(self.stage(), "at_risk")
        Wizard.with_user(ccm_manager).create(
            {"partner_id": self.walker.id, "stage": "developing", "reason": "Back on track"}
        ).action_confirm()
        self.assertEqual(self.stage(), "developing")
        self.assertEqual(self.history()[1:].mapped("user_id"), all_leads | ccm_manager)

    def test_invalid_manual_moves_are_refused(self):
        prospect = self.env["res.partner"].create({"name": "Never Bought"})
        with self.assertRaisesRegex(UserError, "has never bought"):
            self.service._move_manually(prospect, "acquired", "Looks keen")
        self.confirm_order(self.walker, "2026-06-01", 1, 100.0)
        self.commit_events("2026-06-01")
        with self.assertRaisesRegex(UserError, "only for prospects"):
            self.service._move_manually(self.walker, "enquiry", "Oops")
        with self.assertRaisesRegex(UserError, "can be won back"):
            self.service._move_manually(self.walker, "won_back", "Oops")
        self.assertEqual(len(self.history()), 1)

    # -- companies and access --------------------------------------------------
    def test_two_companies_stay_apart(self):
        company2 = self.env["res.company"].create({"name": "CCM Second Company"})
        self.env.user.company_ids |= company2
        self.confirm_order(self.walker, "2026-06-01", 1, 100.0, company=company2)
        self.commit_events("2026-06-01")
        self.assertEqual(self.stage(company=company2), "acquired")
        self.assertFalse(self.stage())
        self.assertEqual(self.cron("2026-06-02"), 0)
        self.assertFalse(self.stage())
        self.assertFalse(
            self.env["crm.customer.lifecycle.history"]
            .with_user(self.salesman)
            .search([("partner_id", "=", self.walker.id)])
        )

    def test_portal_user_sees_none_of_it(self):
        self.confirm_order(self.walker, "2026-06-01", 1, 100.0)
        self.commit_events("2026-06-01")
        with self.assertRaises(AccessError):
            self.env["crm.customer.lifecycle.history"].with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            self.env["crm.customer.lifecycle.report"].with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            self.walker.with_user(self.portal_user).read(["lifecycle_stage"])

    def test_invalid_settings_are_refused(self):
        with self.assertRaises(UserError):
            self.company.ccm_lost_days = 30  # before the minimum at-risk delay
        with self.assertRaises(UserError):
            self.company.ccm_period_days = 0
