from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CustomerManagementCase


@tagged("post_install", "-at_install", "crm_customer_management")
class TestIdentify(CustomerManagementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.price = cls.env.ref("crm_customer_management.need_category_price")
        cls.delivery = cls.env.ref("crm_customer_management.need_category_delivery_speed")

    def test_completeness_and_missing_items(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Gamma SA",
                "is_company": True,
                "email": "info@gamma.example",
                "phone": "+32 2 555 01 02",
                "country_id": self.env.ref("base.be").id,
            }
        )
        self.env["res.partner"].create({"name": "Gina", "parent_id": partner.id})
        # 7 items: contact person, e-mail, phone, country filled; industry, VAT, needs missing
        self.assertAlmostEqual(partner.ccm_completeness, 400 / 7)
        self.assertEqual(partner.ccm_missing_data, "Industry, VAT, Needs")
        self.env["crm.customer.need"].create(
            {"partner_id": partner.id, "category_id": self.price.id}
        )
        self.assertAlmostEqual(partner.ccm_completeness, 500 / 7)
        self.assertEqual(partner.ccm_missing_data, "Industry, VAT")

    def test_dominant_need_and_roll_up_from_contact_and_lead(self):
        company = self.env["res.partner"].create({"name": "Delta BV", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Dirk", "parent_id": company.id})
        self.env["crm.customer.need"].create(
            {"partner_id": contact.id, "category_id": self.price.id, "importance": "3"}
        )
        self.assertEqual(company.dominant_need_category_id, self.price)
        lead = self.env["crm.lead"].create({"name": "Delta expansion", "partner_id": contact.id})
        with Form(lead) as form:
            with form.customer_need_ids.new() as line:
                line.category_id = self.delivery
                line.importance = "5"
        need = lead.customer_need_ids
        self.assertEqual(need.source, "lead")
        self.assertEqual(need.commercial_partner_id, company)
        self.assertEqual(company.dominant_need_category_id, self.delivery)
        self.assertEqual(len(company.customer_need_ids), 2)

    def test_need_needs_a_customer_or_a_lead(self):
        with self.assertRaises(ValidationError):
            self.env["crm.customer.need"].create({"category_id": self.price.id})

    def test_duplicate_suspects_open_the_merge_wizard(self):
        Partner = self.env["res.partner"]
        a = Partner.create({"name": "Echo One", "email": "Sales@Echo.example"})
        b = Partner.create({"name": "Echo Two", "email": " sales@echo.example"})
        c = Partner.create({"name": "Foxtrot", "phone": "+32 470 12 34 56"})
        d = Partner.create({"name": "Foxtrot bis", "mobile": "0470/12.34.56"})
        e = Partner.create({"name": "Unique", "email": "unique@example.org"})
        suspects = self.env["res.partner"]._ccm_refresh_duplicate_suspects()
        self.assertTrue({a.id, b.id, c.id, d.id} <= set(suspects))
        self.assertEqual((a | b | c | d).mapped("ccm_duplicate_suspect"), [True] * 4)
        self.assertFalse(e.ccm_duplicate_suspect)
        action = a.action_ccm_merge_duplicates()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        self.assertEqual(set(action["context"]["active_ids"]), {a.id, b.id})
        wizard = self.env[action["res_model"]].with_context(**action["context"]).create({})
        self.assertEqual(wizard.partner_ids, a | b)
        with self.assertRaises(UserError):
            e.action_ccm_merge_duplicates()

    # -- who may call the profile actions ---------------------------------------
    def test_refresh_value_is_for_users_on_readable_customers_in_small_batches(self):
        Partner = self.env["res.partner"]
        with self.assertRaises(AccessError):
            self.portal_partner.with_user(self.portal_user).action_ccm_refresh_value()
        company2 = self.env["res.company"].create({"name": "CCM Identify Other"})
        elsewhere = Partner.create({"name": "Elsewhere Ltd", "company_id": company2.id})
        with self.assertRaises(AccessError):
            elsewhere.with_user(self.salesman).action_ccm_refresh_value()
        many = Partner.create([{"name": f"Bulk {i}"} for i in range(101)])
        with self.assertRaisesRegex(UserError, "at most 100 customers at once"):
            many.with_user(self.salesman).action_ccm_refresh_value()
        self.assertTrue(many[:2].with_user(self.salesman).action_ccm_refresh_value())

    def test_duplicates_of_other_companies_stay_hidden(self):
        Partner = self.env["res.partner"]
        company2 = self.env["res.company"].create({"name": "CCM Identify Second"})
        clerk = new_test_user(
            self.env,
            login="ccm_clerk",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        mine = Partner.create(
            {"name": "Hotel Mine", "email": "desk@hotel.example", "company_id": self.company.id}
        )
        theirs = Partner.create(
            {"name": "Hotel Theirs", "email": "Desk@Hotel.example", "company_id": company2.id}
        )
        shared = Partner.create({"name": "Hotel Shared", "phone": "+32 2 555 77 88"})
        twin = Partner.create(
            {"name": "Hotel Shared bis", "phone": "0032 2 555 77 88", "company_id": company2.id}
        )
        with self.assertRaises(AccessError):
            self.portal_partner.with_user(self.portal_user).action_ccm_merge_duplicates()
        with self.assertRaisesRegex(UserError, "No other customer shares"):
            mine.with_user(clerk).action_ccm_merge_duplicates()
        with self.assertRaisesRegex(UserError, "No other customer shares"):
            shared.with_user(clerk).action_ccm_merge_duplicates()
        # who reads both companies sees both
        action = mine.sudo().action_ccm_merge_duplicates()
        self.assertEqual(set(action["context"]["active_ids"]), {mine.id, theirs.id})
        action = shared.sudo().action_ccm_merge_duplicates()
        self.assertEqual(set(action["context"]["active_ids"]), {shared.id, twin.id})
