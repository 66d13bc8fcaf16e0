from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

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
        suspects = self.env["crm.customer.value"]._refresh_duplicate_suspects()
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
