from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from ..analytics import interaction
from .common import CustomerManagementCase


@tagged("post_install", "-at_install", "crm_customer_management")
class TestSurveyProgramme(CustomerManagementCase):
    """The relationship NPS programme: who is invited (active customers' contacts with an
    address, not opted out, not blacklisted, not surveyed lately, the sample), how often,
    the sending in batches, the answers counted per campaign (response rate, KPI), the
    CSAT after a delivery queued by the scheduled action and never by the validation, and
    the invitations on the timeline."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "ccm_nps_enabled": True,
                "ccm_nps_interval_months": 6,
                "ccm_nps_sample_percent": 100.0,
                "ccm_nps_min_days": 30,
                "email": "hello@ccm-shop.example.com",
            }
        )
        Partner = cls.env["res.partner"]
        email = cls.env.ref("crm_customer_management.crm_customer_channel_email")

        def customer(name, **vals):
            return Partner.create(
                {"name": name, "is_company": True, "user_id": cls.salesman.id, **vals}
            )

        cls.acme = customer("Acme NPS", email="info@acme-nps.example.com")
        cls.amy = Partner.create(
            {"name": "Amy Acme", "email": "amy@acme-nps.example.com", "parent_id": cls.acme.id}
        )
        cls.invoice_address = Partner.create(
            {
                "name": "Acme billing",
                "type": "invoice",
                "email": "billing@acme-nps.example.com",
                "parent_id": cls.acme.id,
            }
        )
        cls.blacklisted = customer("Black NPS", email="black@nps.example.com")
        cls.env["mail.blacklist"]._add("black@nps.example.com")
        cls.opted_out = customer(
            "Quiet NPS",
            email="quiet@nps.example.com",
            ccm_opt_out_channel_ids=[Command.set(email.ids)],
        )
        cls.no_email = customer("Nomail NPS")
        cls.prospect = customer("Prospect NPS", email="prospect@nps.example.com")
        cls.surveyed = customer("Surveyed NPS", email="surveyed@nps.example.com")
        cls.buyers = cls.acme | cls.blacklisted | cls.opted_out | cls.no_email | cls.surveyed
        cls.Programme = cls.env["crm.customer.survey.programme"]
        cls.Invitation = cls.env["crm.customer.survey.invitation"]
        cls.nps = cls.env.ref("crm_customer_management.survey_nps")

    def buy(self, on="2026-03-02"):
        for partner in self.buyers:
            self.confirm_order(partner, on, 1, 100.0)
        self.process_events(on)

    def answer(self, user_input, score, on):
        with freeze_time(on):
            question = user_input.survey_id.question_ids.filtered(
                lambda q: q.question_type == "scale"
            )
            user_input._save_lines(question, str(score))
            user_input._mark_done()

    def invitations(self):
        everyone = (self.buyers | self.prospect).ids
        return self.Invitation.search(
            [("commercial_partner_id", "in", everyone)], order="partner_id"
        )

    def test_who_is_invited_and_how_often(self):
        self.buy()
        # a CSAT answered 10 days before: within the minimum interval
        csat = self.env.ref("crm_customer_management.survey_csat")
        with freeze_time("2026-03-22"):
            answer = self.env["survey.user_input"].create(
                {"survey_id": csat.id, "partner_id": self.surveyed.id}
            )
        self.answer(answer, 5, "2026-03-22")
        count = self.Programme._schedule_nps(self.company, datetime(2026, 4, 1, 8))
        invited = self.invitations()
        # Acme and its contact Amy (not its invoice address); not the blacklisted, opted out,
        # address-less, lately surveyed customers, nor the prospect who never bought
        self.assertEqual(invited.partner_id, self.acme | self.amy)
        self.assertEqual(set(invited.mapped("state")), {"queued"})
        self.assertGreaterEqual(count, 2)
        campaign = invited.campaign_id
        self.assertEqual((campaign.kind, str(campaign.date)), ("nps", "2026-04-01"))
        self.assertEqual(campaign.invited_count, count)
        # the same wave the next day: nobody new
        self.Programme._schedule_nps(self.company, datetime(2026, 4, 2, 8))
        self.assertEqual(self.invitations(), invited)
        # two months later: only the customer whose CSAT answer is now 71 days old
        self.Programme._schedule_nps(self.company, datetime(2026, 6, 1, 8))
        june = self.invitations() - invited
        self.assertEqual(june.partner_id, self.surveyed)
        # six months after the first wave: Acme and Amy again, not the one asked in June
        self.Programme._schedule_nps(self.company, datetime(2026, 10, 2, 8))
        october = self.invitations() - invited - june
        self.assertEqual(october.partner_id, self.acme | self.amy)

    def test_sample_is_the_core_sample(self):
        self.buy()
        self.company.ccm_nps_sample_percent = 50.0
        self.Programme._schedule_nps(self.company, datetime(2026, 4, 1, 8))
        wave = f"{self.company.id}:2026-04"
        expected = (self.acme | self.amy | self.surveyed).filtered(
            lambda p: interaction.in_sample(p.id, wave, 50.0)
        )
        self.assertEqual(self.invitations().partner_id, expected)

    def test_sending_answers_and_response_rate(self):
        self.buy()
        self.Programme._schedule_nps(self.company, datetime(2026, 4, 1, 8))
        with freeze_time("2026-04-01 09:00:00"):
            self.Programme._cron_send()
        invited = self.invitations()
        self.assertEqual(set(invited.mapped("state")), {"sent"})
        self.assertEqual(invited.user_input_id.partner_id, invited.partner_id)
        self.assertEqual(invited.user_input_id.survey_id, self.nps)
        mails = self.env["mail.mail"].search(
            [("model", "=", "survey.user_input"), ("res_id", "in", invited.user_input_id.ids)]
        )
        self.assertEqual(len(mails), 3)  # Acme, Amy and the surveyed customer
        self.assertIn(
            invited[0].user_input_id.access_token,
            mails[0].body_html + mails[1].body_html + mails[2].body_html,
        )
        # Amy answers 10 (a promoter): 1 of 3 answered
        amy = invited.filtered(lambda i: i.partner_id == self.amy)
        self.answer(amy.user_input_id, 10, "2026-04-03 10:00:00")
        self.assertEqual(amy.state, "answered")
        campaign = invited.campaign_id
        self.assertEqual((campaign.sent_count, campaign.answered_count), (3, 1))
        self.assertAlmostEqual(campaign.response_rate, 33.3)  # stored with one decimal
        kpis = self.env["crm.customer.kpi"]._compute(
            self.company, datetime(2026, 4, 1).date(), datetime(2026, 4, 30).date()
        )
        self.assertEqual(kpis["survey_invitations"], 3)
        self.assertAlmostEqual(kpis["survey_response_rate"], 100.0 / 3)
        # the answer updates the satisfaction figures: Acme an advocacy candidate
        self.process_events("2026-04-03 10:05:00")
        profile = self.profile(self.acme)
        self.assertEqual((profile.last_nps_score, profile.nps_category), (10, "promoter"))
        self.assertTrue(profile.advocacy_candidate)
        self.assertIn(
            profile, self.env["crm.customer.value"].search([("advocacy_candidate", "=", True)])
        )
        # the invitation and the answer are on the timeline
        rows = self.env["crm.customer.timeline"].search(
            [("partner_id", "=", self.acme.id), ("kind", "in", ("survey", "survey_invitation"))]
        )
        self.assertEqual(
            [(r.kind, r.direction, r.score) for r in rows],
            [
                ("survey", "in", 10),
                ("survey_invitation", "out", 0),
                ("survey_invitation", "out", 0),
            ],
        )
        # an own-documents salesman of another team sees none of the invitations
        otto = new_test_user(
            self.env, login="ccm_nps_otto", groups="sales_team.group_sale_salesman"
        )
        self.assertFalse(self.Invitation.with_user(otto).search([("id", "in", invited.ids)]))
        self.assertEqual(
            self.Invitation.with_user(self.salesman).search([("id", "in", invited.ids)]), invited
        )
        # a user of another company sees neither the campaign nor its invitations
        company2 = self.env["res.company"].create({"name": "CCM NPS Other"})
        cora = new_test_user(
            self.env,
            login="ccm_nps_cora",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=company2.id,
            company_ids=[Command.set(company2.ids)],
        )
        self.assertFalse(self.Invitation.with_user(cora).search([("id", "in", invited.ids)]))
        self.assertFalse(
            self.env["crm.customer.survey.campaign"]
            .with_user(cora)
            .search([("id", "=", campaign.id)])
        )

    def test_csat_after_delivery_by_the_scheduled_action(self):
        self.company.write({"ccm_csat_delivery_enabled": True, "ccm_csat_delivery_delay_hours": 24})
        order = self.confirm_order(self.acme, "2026-04-09 09:00:00", 1, 100.0)
        picking = self.deliver(order, "2026-04-10 10:00:00")
        # the validation itself queues nothing
        self.assertFalse(self.Invitation.search([("picking_id", "=", picking.id)]))
        self.Programme._schedule_delivery_csat(self.company, datetime(2026, 4, 10, 12))
        self.assertFalse(self.Invitation.search([("picking_id", "=", picking.id)]))
        self.Programme._schedule_delivery_csat(self.company, datetime(2026, 4, 11, 11))
        invitation = self.Invitation.search([("picking_id", "=", picking.id)])
        self.assertEqual(invitation.partner_id, self.acme)
        self.assertEqual(invitation.kind, "delivery")
        self.assertEqual(
            invitation.survey_id, self.env.ref("crm_customer_management.survey_csat_delivery")
        )
        # once per delivery
        self.Programme._schedule_delivery_csat(self.company, datetime(2026, 4, 11, 15))
        self.assertEqual(self.Invitation.search([("picking_id", "=", picking.id)]), invitation)
