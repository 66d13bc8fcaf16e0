from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import CustomerManagementCase


@tagged("post_install", "-at_install", "crm_customer_management")
class TestSecurity(CustomerManagementCase):
    def test_groups_chain(self):
        user_group = self.env.ref("crm_customer_management.group_user")
        manager_group = self.env.ref("crm_customer_management.group_manager")
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertTrue(self.salesman.has_group("crm_customer_management.group_user"))
        self.assertFalse(self.salesman.has_group("crm_customer_management.group_manager"))
        self.assertTrue(self.sales_manager.has_group("crm_customer_management.group_manager"))
        self.assertFalse(self.portal_user.has_group("crm_customer_management.group_user"))

    @users("ccm_salesman")
    def test_salesman_captures_needs_and_reads_catalogue(self):
        partner = self.env["res.partner"].browse(self.portal_partner.id)
        category = self.env.ref("crm_customer_management.need_category_price")
        need = self.env["crm.customer.need"].create(
            {"partner_id": partner.id, "category_id": category.id, "importance": "4"}
        )
        self.assertEqual(need.commercial_partner_id, partner)
        self.assertTrue(self.env["crm.customer.department"].search([]))
        with self.assertRaises(AccessError):
            category.name = "Renamed by a salesman"
        with self.assertRaises(AccessError):
            self.env["crm.customer.need.category"].create({"name": "Nope"})

    @users("ccm_portal")
    def test_portal_user_sees_nothing(self):
        for model in (
            "crm.customer.need",
            "crm.customer.value",
            "crm.customer.department",
            "crm.customer.need.category",
        ):
            with self.assertRaises(AccessError):
                self.env[model].search([])

    def test_partner_form_has_customer_tab_for_users_only(self):
        arch = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="customer_management"', arch)
        arch = (
            self.env["res.partner"]
            .with_user(self.portal_user)
            .sudo(False)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn('name="customer_management"', arch)

    def test_need_records_follow_company_rules(self):
        company2 = self.env["res.company"].create({"name": "CCM Other"})
        category = self.env.ref("crm_customer_management.need_category_price")
        need = self.env["crm.customer.need"].create(
            {
                "partner_id": self.portal_partner.id,
                "category_id": category.id,
                "company_id": company2.id,
            }
        )
        self.assertFalse(
            self.env["crm.customer.need"].with_user(self.salesman).search([("id", "=", need.id)])
        )
