import shutil

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

MODULE = "crm_customer_management"
DASHBOARD = f"/odoo/action-{MODULE}.crm_customer_dashboard_action_client"


@tagged("post_install", "-at_install", "crm_customer_management")
class TestTours(HttpCase):
    """The screens in a real browser (Odoo tours, static/tests/tours/ccm_tours.js): the
    Customer tab and a manual stage move, the dashboard (period change, drill-down), filing
    and following a complaint in the portal, the Persian interface. The backend users work
    in a company of their own, so that the figures are the tour's documents only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "CCM Tours"})
        cls.manager = new_test_user(
            cls.env,
            login="ccm_tour_manager",
            name="Tina Tour",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.customer = env["res.partner"].create(
            {"name": "Tour Customer", "is_company": True, "user_id": cls.manager.id}
        )
        env["crm.customer.lifecycle"].sudo()._apply_moves(
            cls.company, [(cls.customer.id, None, "target", None)], "manual", "setup"
        )
        cls.complaint = (
            env["crm.complaint"]
            .with_company(cls.company)
            .create(
                {
                    "subject": "Tour complaint",
                    "partner_id": cls.customer.id,
                    "severity": "low",
                    "company_id": cls.company.id,
                    "user_id": cls.manager.id,
                }
            )
        )

    def test_customer_tab_and_manual_stage_move(self):
        self.start_tour(
            f"/odoo/res.partner/{self.customer.id}",
            "ccm_customer_tab_tour",
            login="ccm_tour_manager",
        )
        self.assertEqual(self.customer.with_company(self.company).sudo().lifecycle_stage, "enquiry")

    def test_dashboard_period_change_and_drill_down(self):
        self.start_tour(DASHBOARD, "ccm_dashboard_tour", login="ccm_tour_manager")

    def test_portal_file_and_follow_a_complaint(self):
        partner = self.env["res.partner"].create(
            {"name": "Parvin Portal", "email": "parvin@example.com"}
        )
        new_test_user(
            self.env, login="ccm_tour_portal", groups="base.group_portal", partner_id=partner.id
        )
        self.start_tour("/my", "ccm_portal_complaint_tour", login="ccm_tour_portal")
        complaint = self.env["crm.complaint"].search([("partner_id", "=", partner.id)])
        self.assertEqual(complaint.subject, "The parcel arrived damaged")
        self.assertEqual((complaint.channel, complaint.severity), ("portal", "high"))

    def test_persian_interface(self):
        # Odoo builds the right-to-left stylesheets with rtlcss (make setup installs it)
        self.assertTrue(shutil.which("rtlcss"), "rtlcss is missing: run make setup")
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"].search([("name", "in", [MODULE, "web"])])._update_translations(
            ["fa_IR"], overwrite=True
        )
        self.manager.lang = "fa_IR"
        self.start_tour(DASHBOARD, "ccm_persian_tour", login="ccm_tour_manager")
