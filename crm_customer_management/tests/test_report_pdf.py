import shutil
import subprocess
from datetime import date

from odoo.tests import TransactionCase, tagged

from ..analytics import periods


@tagged("post_install", "-at_install", "crm_customer_management")
class TestReportPdf(TransactionCase):
    """The monthly management report rendered for real by wkhtmltopdf (not the HTML that
    tests get by default) and read back with pdftotext; its dates in the Jalali calendar for
    a Persian reader."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report = cls.env["crm.customer.dashboard"].create(
            {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
        )

    def test_monthly_report_is_a_pdf_with_its_figures(self):
        for tool in ("wkhtmltopdf", "pdftotext"):
            self.assertTrue(shutil.which(tool), f"{tool} is missing: run make setup")
        # wkhtmltopdf renders without the stylesheets (an address nothing answers): Debian's
        # build (unpatched Qt) draws no text in Odoo's web fonts, and under a test no
        # server answers anyway; the text is what is checked here
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        action = self.env.ref("crm_customer_management.action_report_customer_dashboard")
        content, kind = action.with_context(force_report_rendering=True)._render_qweb_pdf(
            action.report_name, self.report.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(content.startswith(b"%PDF-"))
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
        self.assertIn("Customer management report", text)
        self.assertIn("Customers acquired", text)
        self.assertIn("Staff scorecard", text)
        self.assertIn("03/01/2026", text)  # the period, as Odoo writes an en_US date

    def test_persian_reader_reads_jalali_dates(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"].search(
            [("name", "=", "crm_customer_management")]
        )._update_translations(["fa_IR"])
        fa = self.report.with_context(lang="fa_IR")
        # 1 March 2026 is 10 Esfand 1404 (1 Esfand 1404 = 20 February 2026)
        self.assertEqual(fa._ccm_date(date(2026, 3, 1)), "1404/12/10")
        self.assertEqual(periods.format_date(date(2026, 3, 31), periods.JALALI), "1405/01/11")
        html = (
            self.env["ir.actions.report"]
            .with_context(lang="fa_IR")
            ._render_qweb_html("crm_customer_management.report_customer_dashboard", fa.ids)[0]
            .decode()
        )
        self.assertIn("1404/12/10", html)
        self.assertIn("1405/01/11", html)
        # a Persian line with Latin letters between right-to-left marks, which Debian's
        # wkhtmltopdf needs to keep it in its cell; not a Persian one, nor in English
        self.assertIn("<td>\u200fهزینه جذب مشتری (CAC)\u200f</td>", html)
        self.assertIn("<td>هزینه جذب</td>", html)
        self.assertEqual(fa._ccm_text("NPS"), "\u200fNPS\u200f")
        self.assertEqual(fa._ccm_text("37.6 روز"), "\u200f37.6 روز\u200f")
        self.assertEqual(fa._ccm_text("$ 12.50"), "$ 12.50")
        self.assertEqual(self.report.with_context(lang="en_US")._ccm_text("NPS"), "NPS")
        self.assertEqual(self.report._ccm_date(date(2026, 3, 1)), "03/01/2026")
