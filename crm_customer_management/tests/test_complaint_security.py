from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import CustomerManagementCase

# fields the customer must not read (portal); the customer-facing ones stay readable
INTERNAL_FIELDS = [
    "root_cause_id",
    "analysis",
    "corrective_action",
    "preventive_action",
    "escalation_level",
    "priority",
    "user_id",
    "team_id",
    "csat_score",
    "sentiment",
    "sentiment_score",
    "compensation_amount",
    "survey_answer_id",
    "first_response_deadline",
    "resolution_deadline",
    "date_first_response",
    "date_resolved",
    "date_closed",
    "sla_status",
    "outcome",
]
CUSTOMER_FIELDS = {"name", "subject", "description", "stage_id", "date_open", "severity"}


def stage(env, xmlid):
    return env.ref(f"crm_customer_management.complaint_stage_{xmlid}")


@tagged("post_install", "-at_install", "crm_customer_management")
class TestComplaintAccess(CustomerManagementCase):
    """Finding 1: a salesman with own documents only works the complaints of his customers,
    those assigned to him and those of customers without salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesman = new_test_user(
            cls.env,
            login="ccm_salesman_2",
            name="Otto Other",
            groups="sales_team.group_sale_salesman",
        )
        cls.all_docs = new_test_user(
            cls.env,
            login="ccm_sales_all",
            name="Alice All",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.ccm_manager = new_test_user(
            cls.env,
            login="ccm_cm_manager",
            name="Carl Customer Manager",
            groups="crm_customer_management.group_manager",
        )
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create(
            {"name": "Mine Ltd", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.mine_contact = Partner.create({"name": "Mo Mine", "parent_id": cls.mine.id})
        cls.theirs = Partner.create(
            {"name": "Theirs Ltd", "is_company": True, "user_id": cls.other_salesman.id}
        )
        cls.free = Partner.create({"name": "Free Ltd", "is_company": True})
        Complaint = cls.env["crm.complaint"]
        base = {"severity": "low", "user_id": cls.other_salesman.id}
        # the contact's complaint: the salesperson is the commercial partner's
        cls.c_mine = Complaint.create(
            {**base, "subject": "mine", "partner_id": cls.mine_contact.id}
        )
        cls.c_assigned = Complaint.create(
            {"subject": "assigned", "partner_id": cls.theirs.id, "user_id": cls.salesman.id}
        )
        cls.c_theirs = Complaint.create({**base, "subject": "theirs", "partner_id": cls.theirs.id})
        cls.c_free = Complaint.create({**base, "subject": "free", "partner_id": cls.free.id})
        cls.all_complaints = cls.c_mine | cls.c_assigned | cls.c_theirs | cls.c_free

    def test_salesman_own_documents(self):
        Complaint = self.env["crm.complaint"].with_user(self.salesman)
        domain = [("id", "in", self.all_complaints.ids)]
        self.assertEqual(Complaint.search(domain), self.c_mine | self.c_assigned | self.c_free)
        theirs = self.c_theirs.with_user(self.salesman)
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            theirs.read(["subject"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            theirs.write({"subject": "hijacked"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            Complaint.create(
                {
                    "subject": "for another's customer",
                    "partner_id": self.theirs.id,
                    "user_id": self.other_salesman.id,
                }
            )
        # his own work goes on
        self.c_mine.with_user(self.salesman).write({"stage_id": stage(self.env, "acknowledged").id})
        # the analysis follows the same rules
        Report = self.env["crm.complaint.report"].with_user(self.salesman)
        rows = Report.search([("complaint_id", "in", self.all_complaints.ids)])
        self.assertEqual(rows.complaint_id, self.c_mine | self.c_assigned | self.c_free)

    def test_all_documents_and_managers_see_every_complaint(self):
        domain = [("id", "in", self.all_complaints.ids)]
        for user in (self.all_docs, self.ccm_manager, self.sales_manager):
            self.assertEqual(
                self.env["crm.complaint"].with_user(user).search(domain), self.all_complaints
            )
            rows = (
                self.env["crm.complaint.report"]
                .with_user(user)
                .search([("complaint_id", "in", self.all_complaints.ids)])
            )
            self.assertEqual(rows.complaint_id, self.all_complaints)

    def test_all_documents_stays_in_its_companies(self):
        company2 = self.env["res.company"].create({"name": "CCM Access Co 2"})
        elsewhere = (
            self.env["crm.complaint"]
            .with_company(company2)
            .create({"subject": "elsewhere", "partner_id": self.free.id, "company_id": company2.id})
        )
        Complaint = self.env["crm.complaint"].with_user(self.all_docs)
        self.assertFalse(Complaint.search([("id", "=", elsewhere.id)]))


@tagged("post_install", "-at_install", "crm_customer_management")
class TestComplaintProtectedFields(CustomerManagementCase):
    """Finding 3: the KPI fields are written by the complaint's own flow only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Guarded Ltd",
                "is_company": True,
                "user_id": cls.salesman.id,
                "email": "info@guarded.example.com",
            }
        )

    def test_salesman_cannot_forge_kpi_fields(self):
        Complaint = self.env["crm.complaint"].with_user(self.salesman)
        with freeze_time("2026-03-02 09:00:00"):
            complaint = Complaint.create({"subject": "Late", "partner_id": self.customer.id})
        forged = {
            "date_first_response": datetime(2026, 3, 2, 9, 1),
            "date_resolved": datetime(2026, 3, 2, 9, 2),
            "date_closed": datetime(2026, 3, 2, 9, 3),
            "csat_score": 5,
            "escalation_level": 0,
            "first_response_deadline": datetime(2027, 1, 1),
            "resolution_deadline": datetime(2027, 1, 1),
            "date_open": datetime(2026, 3, 2, 8, 0),
            "compensation_amount": 0.0,
            "intake_state": "qualified",
            "survey_answer_id": False,
        }
        for fname, value in forged.items():
            with self.subTest(field=fname), self.assertRaisesRegex(AccessError, "set by the"):
                complaint.write({fname: value})
            with self.subTest(field=fname), self.assertRaisesRegex(AccessError, "set by the"):
                Complaint.create({"subject": "x", "partner_id": self.customer.id, fname: value})
        # the flow itself still records them, for the same salesman
        with freeze_time("2026-03-02 11:00:00"):
            complaint.write({"stage_id": stage(self.env, "acknowledged").id})
        with freeze_time("2026-03-03 10:00:00"):
            complaint.write({"stage_id": stage(self.env, "closed").id})
        self.assertEqual(complaint.date_first_response, datetime(2026, 3, 2, 11, 0))
        self.assertEqual(complaint.date_resolved, datetime(2026, 3, 3, 10, 0))
        self.assertEqual(complaint.date_closed, datetime(2026, 3, 3, 10, 0))
        self.assertTrue(complaint.survey_answer_id)
        # medium: 8 working hours from Monday 09:00 (company calendar)
        self.assertTrue(complaint.first_response_deadline)


class PortalFixtures:
    @classmethod
    def make_portal_fixtures(cls):
        env = cls.env
        cls.customer_a = env["res.partner"].create({"name": "RPC A Ltd", "is_company": True})
        cls.customer_b = env["res.partner"].create({"name": "RPC B Ltd", "is_company": True})
        contact_a = env["res.partner"].create(
            {"name": "Rita A", "parent_id": cls.customer_a.id, "email": "rita@a.example.com"}
        )
        contact_b = env["res.partner"].create(
            {"name": "Bert B", "parent_id": cls.customer_b.id, "email": "bert@b.example.com"}
        )
        cls.portal_a = new_test_user(
            env,
            login="ccm_rpc_a",
            groups="base.group_portal",
            partner_id=contact_a.id,
            password="ccm_rpc_a_pwd",
        )
        cls.portal_b = new_test_user(
            env,
            login="ccm_rpc_b",
            groups="base.group_portal",
            partner_id=contact_b.id,
            password="ccm_rpc_b_pwd",
        )
        cls.complaint_a = env["crm.complaint"].create(
            {
                "subject": "A's broken part",
                "partner_id": cls.customer_a.id,
                "severity": "high",
                "analysis": "<p>Customer misused the part</p>",
                "corrective_action": "Replace silently",
                "preventive_action": "Train the buyer",
                "root_cause_id": env.ref("crm_customer_management.complaint_root_cause_product").id,
                "resolution_summary": "We replaced the part.",
            }
        )


@tagged("post_install", "-at_install", "crm_customer_management")
class TestComplaintPortalFields(CustomerManagementCase, PortalFixtures):
    """Finding 2 over the ORM: the customer reads the customer-facing fields only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_portal_fixtures()

    def test_portal_reads_customer_fields_only(self):
        Complaint = self.env["crm.complaint"].with_user(self.portal_a)
        rows = Complaint.search_read([("id", "=", self.complaint_a.id)])
        self.assertEqual([r["id"] for r in rows], self.complaint_a.ids)
        self.assertTrue(CUSTOMER_FIELDS <= set(rows[0]))
        self.assertFalse(set(INTERNAL_FIELDS) & set(rows[0]))
        self.assertEqual(rows[0]["resolution_summary"], "We replaced the part.")
        for fname in INTERNAL_FIELDS:
            with self.subTest(field=fname), self.assertRaises(AccessError):
                Complaint.search_read([("id", "=", self.complaint_a.id)], [fname])
        # a portal contact of another customer sees nothing
        other = self.env["crm.complaint"].with_user(self.portal_b)
        self.assertFalse(other.search_read([("id", "=", self.complaint_a.id)], ["subject"]))


@tagged("post_install", "-at_install", "crm_customer_management")
class TestComplaintPortalRpc(HttpCase, PortalFixtures):
    """Finding 2 over HTTP JSON-RPC, as the web client or a script would call it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_portal_fixtures()

    def call_kw(self, method, args, kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/crm.complaint/{method}",
            {"model": "crm.complaint", "method": method, "args": args, "kwargs": kwargs},
        )

    def test_rpc_search_read(self):
        self.authenticate("ccm_rpc_a", "ccm_rpc_a_pwd")
        rows = self.call_kw("search_read", [[("id", "=", self.complaint_a.id)]], {})
        self.assertEqual([r["id"] for r in rows], self.complaint_a.ids)
        self.assertFalse(set(INTERNAL_FIELDS) & set(rows[0]))
        self.assertNotIn("misused", str(rows))
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self.call_kw(
                "search_read",
                [[("id", "=", self.complaint_a.id)]],
                {"fields": ["analysis", "root_cause_id", "csat_score"]},
            )
        # another customer's portal contact
        self.authenticate("ccm_rpc_b", "ccm_rpc_b_pwd")
        self.assertEqual(self.call_kw("search_read", [[]], {"fields": ["subject"]}), [])
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self.call_kw("read", [self.complaint_a.ids], {"fields": ["subject"]})
