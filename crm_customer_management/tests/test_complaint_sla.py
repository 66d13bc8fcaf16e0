from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import CustomerManagementCase


@tagged("post_install", "-at_install", "crm_customer_management")
class TestComplaintSlaRecompute(CustomerManagementCase):
    """Finding 6: the deadlines follow the severity, category and team, from the opening."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id = cls.working_calendar("CCM SLA 8-12 13-17 UTC")
        cls.customer = cls.env["res.partner"].create(
            {"name": "SLA Ltd", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.fast_lane = cls.env["crm.complaint.category"].create({"name": "CCM Fast lane"})
        cls.env["crm.complaint.sla"].create(
            {
                "name": "Fast lane high",
                "category_id": cls.fast_lane.id,
                "severity": "high",
                "first_response_hours": 1,
                "resolution_hours": 6,
            }
        )
        cls.team = cls.env["crm.team"].create({"name": "SLA Team"})

    def deadlines(self, complaint):
        return complaint.first_response_deadline, complaint.resolution_deadline

    def test_deadlines_follow_severity_category_team(self):
        Complaint = self.env["crm.complaint"].with_user(self.salesman)
        with freeze_time("2026-03-02 09:00:00"):  # a Monday
            complaint = Complaint.create(
                {"subject": "Scratched", "partner_id": self.customer.id, "severity": "low"}
            )
        # low, 16 h / 80 h: Mon 7 h + Tue 8 h + Wed 1 h; two weeks of 40 h
        self.assertEqual(
            self.deadlines(complaint), (datetime(2026, 3, 4, 9, 0), datetime(2026, 3, 16, 9, 0))
        )
        with freeze_time("2026-03-02 11:00:00"):
            complaint.write({"severity": "high"})
        # high, 4 h / 16 h from Monday 09:00 (not from 11:00): Mon 14:00, Wed 09:00
        self.assertEqual(
            self.deadlines(complaint), (datetime(2026, 3, 2, 14, 0), datetime(2026, 3, 4, 9, 0))
        )
        with freeze_time("2026-03-02 11:30:00"):
            complaint.write(
                {
                    "stage_id": self.env.ref(
                        "crm_customer_management.complaint_stage_acknowledged"
                    ).id
                }
            )
        self.assertEqual(complaint.date_first_response, datetime(2026, 3, 2, 11, 30))
        with freeze_time("2026-03-02 12:00:00"):
            complaint.write({"category_id": self.fast_lane.id})
        # fast lane high, 1 h / 6 h: the answered first response keeps its deadline (Mon 14:00);
        # the resolution: Mon 9-12 + 13-16
        self.assertEqual(
            self.deadlines(complaint), (datetime(2026, 3, 2, 14, 0), datetime(2026, 3, 2, 16, 0))
        )
        self.assertEqual(complaint.date_first_response, datetime(2026, 3, 2, 11, 30))
        self.assertEqual(complaint.date_open, datetime(2026, 3, 2, 9, 0))
        # a team change recomputes them too
        complaint.sudo().resolution_deadline = datetime(2030, 1, 1)
        with freeze_time("2026-03-02 13:00:00"):
            complaint.write({"team_id": self.team.id})
        self.assertEqual(complaint.resolution_deadline, datetime(2026, 3, 2, 16, 0))
        # other changes keep them
        complaint.sudo().resolution_deadline = datetime(2030, 1, 1)
        complaint.write({"subject": "Scratched badly"})
        self.assertEqual(complaint.resolution_deadline, datetime(2030, 1, 1))


@tagged("post_install", "-at_install", "crm_customer_management")
class TestComplaintEscalation(CustomerManagementCase):
    """Finding 4: level 2 goes to a manager of the complaint's own company, never root."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.env["res.company"].create({"name": "CCM Escalation Co 2"})
        cls.company3 = cls.env["res.company"].create({"name": "CCM Escalation Co 3"})
        # sorts before every other sales manager: the old code picked him everywhere
        cls.first_manager = new_test_user(
            cls.env,
            login="ccm_aaa_manager",
            name="Aaaron First Manager",
            groups="sales_team.group_sale_manager",
        )
        cls.manager2 = new_test_user(
            cls.env,
            login="ccm_manager_co2",
            name="Zed Second Manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company2.id,
            company_ids=[Command.set(cls.company2.ids)],
        )
        cls.escalation2 = new_test_user(
            cls.env,
            login="ccm_escalation_co2",
            name="Esme Escalation",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.company2.id,
            company_ids=[Command.set(cls.company2.ids)],
        )
        cls.agent2 = new_test_user(
            cls.env,
            login="ccm_agent_co2",
            name="Agnes Agent",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company2.id,
            company_ids=[Command.set(cls.company2.ids)],
        )
        cls.agent3 = new_test_user(
            cls.env,
            login="ccm_agent_co3",
            name="Igor Agent",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company3.id,
            company_ids=[Command.set(cls.company3.ids)],
        )
        cls.customer = cls.env["res.partner"].create({"name": "Escalating Ltd"})

    def breached(self, company, agent):
        complaint = (
            self.env["crm.complaint"]
            .with_company(company)
            .create(
                {
                    "subject": "Still waiting",
                    "partner_id": self.customer.id,
                    "company_id": company.id,
                    "user_id": agent.id,
                }
            )
        )
        # level 1 already given; the resolution deadline passed by as long again as allowed
        complaint.sudo().write(
            {
                "escalation_level": 1,
                "date_open": datetime(2026, 3, 2, 9, 0),
                "first_response_deadline": datetime(2026, 3, 2, 10, 0),
                "resolution_deadline": datetime(2026, 3, 2, 17, 0),
            }
        )
        return complaint

    def escalate(self):
        with freeze_time("2026-03-05 09:00:00"):
            self.env["crm.complaint"]._cron_escalate()

    def test_level2_goes_to_the_company_manager(self):
        complaint = self.breached(self.company2, self.agent2)
        self.escalate()
        self.assertEqual(complaint.escalation_level, 2)
        self.assertEqual(complaint.activity_ids.user_id, self.manager2)
        followers = complaint.message_partner_ids
        self.assertIn(self.manager2.partner_id, followers)
        self.assertNotIn(self.first_manager.partner_id, followers)

    def test_level2_goes_to_the_configured_escalation_manager(self):
        self.company2.ccm_complaint_escalation_user_id = self.escalation2
        complaint = self.breached(self.company2, self.agent2)
        self.escalate()
        self.assertEqual(complaint.activity_ids.user_id, self.escalation2)

    def test_level2_without_manager_never_root(self):
        complaint = self.breached(self.company3, self.agent3)
        self.escalate()
        self.assertEqual(complaint.escalation_level, 2)
        self.assertEqual(complaint.activity_ids.user_id, self.agent3)
        root = self.env.ref("base.user_root")
        self.assertNotIn(root.partner_id, complaint.message_partner_ids)

    def test_escalation_manager_setting_is_checked(self):
        with self.assertRaisesRegex(ValidationError, "escalation"):
            self.company2.ccm_complaint_escalation_user_id = self.first_manager
        with self.assertRaisesRegex(ValidationError, "escalation"):
            self.company.ccm_complaint_escalation_user_id = self.portal_user
