from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged, users

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

    def test_users_outside_the_addon_duplicate_its_records(self):
        """Odoo copies as the copying user every copied field, the addon's too: a product
        manager outside Customer Management duplicates a product, which keeps the needs it
        serves (read from the database: a cached value would hide the check)."""
        category = self.env.ref("crm_customer_management.need_category_price")
        product = self.env["product.template"].create(
            {"name": "Bulk pack", "ccm_need_category_ids": [(6, 0, category.ids)]}
        )
        clerk = new_test_user(
            self.env, login="ccm_sec_clerk", groups="base.group_user,stock.group_stock_manager"
        )
        self.env.invalidate_all()
        copy = self.env["product.template"].browse(product.with_user(clerk).copy().id)
        self.assertEqual(copy.ccm_need_category_ids, category)
        with self.assertRaises(AccessError):
            copy.with_user(clerk).read(["ccm_need_category_ids"])
