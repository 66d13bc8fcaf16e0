from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CustomerManagementCase


@tagged("post_install", "-at_install", "crm_customer_management")
class TestChannelConsent(CustomerManagementCase):
    """Channel and consent per contact: opted-out channels are never used by the
    playbooks nor by the segment campaigns; the preferred permitted channel is; Odoo's
    e-mail and phone blacklists and the opt-in a channel needs are respected."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Consent Team",
                "user_id": cls.sales_manager.id,
                "crm_team_member_ids": [Command.create({"user_id": cls.salesman.id})],
            }
        )
        ref = cls.env.ref
        cls.phone = ref("crm_customer_management.crm_customer_channel_phone")
        cls.email = ref("crm_customer_management.crm_customer_channel_email")
        cls.sms = ref("crm_customer_management.crm_customer_channel_sms")
        cls.visit = ref("crm_customer_management.crm_customer_channel_visit")
        cls.meeting = ref("crm_customer_management.crm_customer_channel_meeting")
        Partner = cls.env["res.partner"]
        common = {"is_company": True, "user_id": cls.salesman.id}
        # e-mail and phone, prefers e-mail
        cls.anna = Partner.create(
            {
                **common,
                "name": "Anna Any",
                "email": "anna@any.example.com",
                "phone": "+3225550301",
                "ccm_preferred_channel_id": cls.email.id,
            }
        )
        # opted out of e-mail, prefers the phone
        cls.bert = Partner.create(
            {
                **common,
                "name": "Bert Phone",
                "email": "bert@phone.example.com",
                "phone": "+3225550302",
                "ccm_preferred_channel_id": cls.phone.id,
                "ccm_opt_out_channel_ids": [Command.set(cls.email.ids)],
            }
        )
        # opted out of e-mail and of the phone
        cls.cleo = Partner.create(
            {
                **common,
                "name": "Cleo Quiet",
                "email": "cleo@quiet.example.com",
                "phone": "+3225550303",
                "ccm_opt_out_channel_ids": [Command.set((cls.email | cls.phone).ids)],
            }
        )
        cls.customers = cls.anna | cls.bert | cls.cleo

    def test_permitted_channels(self):
        self.env["phone.blacklist"].sudo().create({"number": "+3225550301"})
        self.env["mail.blacklist"]._add("anna@any.example.com")
        self.anna.ccm_opt_in_channel_ids = self.sms
        permitted = self.customers._ccm_permitted_channels(
            self.phone | self.email | self.sms | self.visit | self.meeting
        )
        # Anna: both addresses blacklisted, SMS opted in but her only number is blacklisted,
        # no postal address for a visit: only a meeting
        self.assertEqual(permitted[self.anna.id], self.meeting)
        self.assertEqual(permitted[self.bert.id], self.phone | self.meeting)  # no SMS opt-in
        self.assertEqual(permitted[self.cleo.id], self.meeting)
        chosen = self.customers._ccm_contact_channels(self.phone | self.email)
        self.assertEqual(chosen, {self.bert.id: self.phone})
        self.assertEqual(self.bert.ccm_contact_channel_id, self.phone)
        with self.assertRaises(ValidationError):
            self.bert.ccm_opt_in_channel_ids = self.email  # in and out at once

    def move(self, stage_to):
        return (
            self.env["crm.customer.lifecycle"]
            .sudo()
            ._apply_moves(
                self.company,
                [(p.id, "developing", stage_to, None) for p in self.customers],
                "event",
            )
        )

    def test_playbooks_never_use_an_opted_out_channel(self):
        # dissatisfied: the apology e-mail and the recovery call (phone)
        rows = self.move("dissatisfied")
        mails = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "in", self.customers.ids)]
        )
        self.assertEqual(mails.mapped("res_id"), self.anna.ids)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", self.customers.ids)]
        )
        self.assertEqual(sorted(activities.mapped("res_id")), sorted((self.anna | self.bert).ids))
        notes = {row.partner_id: row.playbook_note or "" for row in rows}
        self.assertIn("does not permit channel E-mail", notes[self.bert])
        self.assertIn("does not permit channel Phone", notes[self.cleo])
        self.assertIn("does not permit channel E-mail", notes[self.cleo])

    def test_playbook_through_the_preferred_permitted_channel(self):
        self.env["crm.customer.playbook.action"].search([("stage", "=", "at_risk")]).write(
            {"active": False}
        )
        self.env["crm.customer.playbook.action"].create(
            {
                "name": "Check in",
                "stage": "at_risk",
                "action_type": "activity",
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "use_preferred_channel": True,
            }
        )
        rows = self.move("at_risk")
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", self.customers.ids)]
        )
        by_partner = {a.res_id: a for a in activities}
        # Anna: her preferred e-mail, Bert: his preferred phone, Cleo: a meeting (the
        # only channel left, no address to visit)
        self.assertEqual(
            by_partner[self.anna.id].activity_type_id, self.env.ref("mail.mail_activity_data_email")
        )
        self.assertEqual(by_partner[self.anna.id].summary, "Check in (E-mail)")
        self.assertEqual(
            by_partner[self.bert.id].activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(
            by_partner[self.cleo.id].activity_type_id,
            self.env.ref("mail.mail_activity_data_meeting"),
        )
        self.assertFalse(any(rows.mapped("playbook_note")))

    def test_segment_campaign_never_uses_an_opted_out_channel(self):
        segment = self.env["crm.customer.segment"].create(
            {
                "name": "Consent members",
                "kind": "manual",
                "manual_partner_ids": [Command.set(self.customers.ids)],
            }
        )
        composer = segment.with_user(self.salesman).action_send_mail()
        self.assertEqual(composer["context"]["default_res_ids"], self.anna.ids)
        # through the preferred permitted channel: Bert gets a call by his salesperson,
        # Anna the e-mail, Cleo nothing but a meeting
        action = segment.with_user(self.salesman).action_contact_members()
        self.assertEqual(action["context"]["default_res_ids"], self.anna.ids)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", self.customers.ids)]
        )
        self.assertEqual(
            {(a.res_id, a.activity_type_id) for a in activities},
            {
                (self.bert.id, self.env.ref("mail.mail_activity_data_call")),
                (self.cleo.id, self.env.ref("mail.mail_activity_data_meeting")),
            },
        )
        self.assertEqual(activities.user_id, self.salesman)
