"""Screenshots of the main screens in English and Persian, for `make screenshots`.

Run by tools/screenshots.sh with pytest-odoo against a database that has the addon and
data (the demo database by default): each screen is opened in headless Chromium (Odoo's own
test browser) as the administrator, inside a transaction that is rolled back (the Persian
language and the user's language are set for the screenshots only), and saved as a PNG in
$CCM_SCREENSHOTS_DIR (docs/screenshots).
"""

import base64
import os
from pathlib import Path

from odoo.tests import HttpCase
from odoo.tests.common import ChromeBrowser

MODULE = "crm_customer_management"
WIDTH, HEIGHT = 1440, 1000
# (file name, URL, JavaScript that is true once the screen is drawn)
SCREENS = [
    (
        "dashboard",
        f"/odoo/action-{MODULE}.crm_customer_dashboard_action_client",
        "document.querySelectorAll('.o_ccm_card').length > 10"
        " && document.querySelectorAll('.o_ccm_chart canvas').length > 10",
    ),
    (
        "customer",
        "/odoo/res.partner/{customer}",
        "!!document.querySelector('.o_form_view .o_notebook')",
    ),
    (
        "complaints",
        f"/odoo/action-{MODULE}.crm_complaint_action",
        "!!document.querySelector('.o_list_view, .o_kanban_view')",
    ),
    ("portal", "/my/complaints/new", "!!document.querySelector('form input[name=subject]')"),
]


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

    def _shoot(self, browser, name, url, ready, lang):
        out = Path(os.environ.get("CCM_SCREENSHOTS_DIR", "docs/screenshots"))
        out.mkdir(parents=True, exist_ok=True)
        browser.navigate_to(self.base_url() + url, wait_stop=True)
        self._wait(browser, ready, name)
        if name == "customer":  # the Customer tab
            browser._websocket_request(  # noqa: SLF001
                "Runtime.evaluate",
                params={
                    "expression": "document.querySelector("
                    "'.o_notebook .nav-link[name=customer_management]').click()"
                },
                timeout=30,
            )
        self._wait(browser, "new Promise(r => setTimeout(() => r(true), 1500))", name)
        png = browser._websocket_request("Page.captureScreenshot", timeout=60)["data"]  # noqa: SLF001
        path = out / f"{name}-{lang.split('_')[0]}.png"
        path.write_bytes(base64.b64decode(png))
        print(f"saved {path}")  # noqa: T201

    def _customer(self):
        value = self.env["crm.customer.value"].search(
            [("order_count", ">", 2)], order="net_value desc", limit=1
        )
        return (
            value.partner_id
            or self.env["res.partner"].search([("customer_rank", ">", 0)], limit=1)
            or self.env.company.partner_id
        )

    def test_screens(self):
        admin = self.env.ref("base.user_admin")
        customer = self._customer()
        langs = ["en_US", "fa_IR"]
        self.env["res.lang"]._activate_lang("fa_IR")
        modules = self.env["ir.module.module"].search(
            [("name", "in", [MODULE, "base", "web", "mail", "portal", "contacts", "crm", "sale"])]
        )
        modules._update_translations(["fa_IR"], overwrite=True)
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
                for name, url, ready in SCREENS:
                    self._shoot(browser, name, url.format(customer=customer.id), ready, lang)
            finally:
                browser.stop()
                self._wait_remaining_requests()
