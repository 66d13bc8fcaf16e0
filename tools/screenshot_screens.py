"""Screenshots of the main screens in English and Persian, for `make screenshots`.

Run by tools/screenshots.sh with pytest-odoo against a database that has the addon and
data (the demo database by default): each screen is opened in headless Chromium (Odoo's own
test browser) as the administrator, inside a transaction that is rolled back (the Persian
language, the user's language and the quotation of the offers screen exist for the
screenshots only), and saved as a PNG in $CCM_SCREENSHOTS_DIR (docs/screenshots).

Persian screens are right to left only with Odoo's right-to-left stylesheets, which Odoo
builds with ``rtlcss`` (make setup installs it): without it Odoo serves the left-to-right
ones and the screenshots would be Persian words laid out left to right, so the script checks
the direction the browser computes and fails instead.
"""

import base64
import os
import shutil
from pathlib import Path

from odoo.tests import HttpCase
from odoo.tests.common import ChromeBrowser

MODULE = "crm_customer_management"
WIDTH, HEIGHT = 1440, 1000
# (file name, URL, JavaScript that is true once the screen is drawn, JavaScript run then)
SCREENS = [
    (
        "dashboard",
        f"/odoo/action-{MODULE}.crm_customer_dashboard_action_client",
        "document.querySelectorAll('.o_ccm_card').length > 10"
        " && document.querySelectorAll('.o_ccm_chart canvas').length > 10",
        None,
    ),
    (
        "customer",
        "/odoo/res.partner/{customer}",
        "!!document.querySelector('.o_form_view .o_notebook')",
        "document.querySelector('.o_notebook .nav-link[name=customer_management]').click();"
        " new Promise(r => setTimeout(() => {"
        " document.querySelector('.o_notebook').scrollIntoView({block: 'start'});"
        " r(true); }, 800))",
    ),
    (
        "offers",
        "/odoo/sale.order/{quotation}",
        "!!document.querySelector('.o_form_view .o_notebook')",
        "document.querySelector('.o_notebook .nav-link[name=customer_suggestions]').click()",
    ),
    (
        "complaints",
        f"/odoo/action-{MODULE}.crm_complaint_action",
        "!!document.querySelector('.o_list_view, .o_kanban_view')",
        None,
    ),
    (
        "portal",
        "/my/complaints/new",
        "!!document.querySelector('form input[name=subject]')",
        None,
    ),
]
# the element whose computed direction tells the stylesheets' direction
DIRECTION_OF = "document.querySelector('.o_action_manager') || document.querySelector('#wrapwrap')"


class TestScreenshots(HttpCase):
    # what Odoo gives the test classes of an addon (this file lives outside one)
    test_tags = {"post_install"}
    test_module = MODULE
    test_class = "TestScreenshots"
    test_sequence = 0

    def _wait(self, browser, ready, name):
        """Wait for ``ready`` to be true; the page may be too busy loading to answer."""
        for __ in range(12):
            try:
                if browser._wait_ready(ready, timeout=20):  # noqa: SLF001 - Odoo's test browser
                    return
            except TimeoutError:
                continue
        self.fail(f"{name} never drew")

    def _eval(self, browser, expression):
        result = browser._websocket_request(  # noqa: SLF001 - Odoo's test browser
            "Runtime.evaluate",
            params={"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout=30,
        )
        return result.get("result", {}).get("value")

    def _shoot(self, browser, name, url, ready, then, lang):
        out = Path(os.environ.get("CCM_SCREENSHOTS_DIR", "docs/screenshots"))
        out.mkdir(parents=True, exist_ok=True)
        browser.navigate_to(self.base_url() + url, wait_stop=True)
        self._wait(browser, ready, name)
        if then:
            self._eval(browser, then)
        self._wait(browser, "new Promise(r => setTimeout(() => r(true), 1500))", name)
        direction = self._eval(browser, f"getComputedStyle({DIRECTION_OF}).direction")
        expected = "rtl" if lang == "fa_IR" else "ltr"
        self.assertEqual(
            direction, expected, f"{name} ({lang}) is laid out {direction}: is rtlcss installed?"
        )
        png = browser._websocket_request("Page.captureScreenshot", timeout=60)["data"]  # noqa: SLF001
        path = out / f"{name}-{lang.split('_')[0]}.png"
        path.write_bytes(base64.b64decode(png))
        print(f"saved {path}")  # noqa: T201

    def _customer(self):
        """The most valuable customer with a few orders and next best offers."""
        value = self.env["crm.customer.value"].search(
            [
                ("order_count", ">", 2),
                ("partner_id.ccm_suggestion_ids", "!=", False),
                ("company_id", "=", self.env.company.id),
            ],
            order="net_value desc",
            limit=1,
        ) or self.env["crm.customer.value"].search(
            [("order_count", ">", 2)], order="net_value desc", limit=1
        )
        return (
            value.partner_id
            or self.env["res.partner"].search([("customer_rank", ">", 0)], limit=1)
            or self.env.company.partner_id
        )

    def _quotation(self, customer, admin):
        """A new quotation of ``customer`` by its salesperson, where the customer's next
        best offers show (rolled back with the rest)."""
        user = customer.user_id or admin
        return (
            self.env["sale.order"]
            .with_user(user)
            .sudo()
            .create({"partner_id": customer.id, "user_id": user.id})
        )

    def test_screens(self):
        self.assertTrue(shutil.which("rtlcss"), "rtlcss is missing: run make setup")
        admin = self.env.ref("base.user_admin")
        customer = self._customer()
        quotation = self._quotation(customer, admin)
        langs = ["en_US", "fa_IR"]
        self.env["res.lang"]._activate_lang("fa_IR")
        modules = self.env["ir.module.module"].search(
            [("name", "in", [MODULE, "base", "web", "mail", "portal", "contacts", "crm", "sale"])]
        )
        modules._update_translations(["fa_IR"], overwrite=True)
        # right-to-left bundles built before rtlcss was installed are left-to-right copies
        # kept under the same version: built again (this transaction is rolled back)
        self.env["ir.attachment"].search([("url", "=like", "/web/assets/%.rtl.%")]).unlink()
        for lang in langs:
            admin.lang = lang
            browser = ChromeBrowser(self, headless=True)
            try:
                self.authenticate("admin", "admin", browser=browser)
                browser._websocket_request(  # noqa: SLF001 - Odoo's test browser
                    "Emulation.setDeviceMetricsOverride",
                    params={
                        "width": WIDTH,
                        "height": HEIGHT,
                        "deviceScaleFactor": 1,
                        "mobile": False,
                    },
                )
                for name, url, ready, then in SCREENS:
                    url = url.format(customer=customer.id, quotation=quotation.id)
                    self._shoot(browser, name, url, ready, then, lang)
            finally:
                browser.stop()
                self._wait_remaining_requests()
