import re
from datetime import date
from pathlib import Path

import polib

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.translate import TranslationModuleReader

MODULE = "crm_customer_management"
PO_PATH = Path(__file__).resolve().parent.parent / "i18n" / "fa.po"

# What must survive translation unchanged: %-placeholders (%s, %(name)s, %(days).1f),
# {{ inline expressions }} of mail templates, QWeb directives (t-out="...") and tag names.
PLACEHOLDER = re.compile(
    r"%\(\w+\)[-#0 +]*[\d.]*[sdfr]"  # %(name)s, %(days).1f
    r"|%[-#0 +]*[\d.]*[sdfr]"  # %s, %d
    r"|\{\{.*?\}\}"  # {{ object.name }}
    r"|\bt-[\w-]+=\"[^\"]*\""  # t-out="object.name or ''"
    r"|</?\w+"  # <p, </t, <br
)


def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


@tagged("post_install", "-at_install", "crm_customer_management")
class TestPersianCoverage(HttpCase):
    """fa.po covers every term Odoo's exporter finds for the addon, with its placeholders."""

    def test_every_term_has_a_persian_translation(self):
        pofile = polib.pofile(str(PO_PATH))
        self.assertEqual(pofile.metadata.get("Language"), "fa")
        self.assertEqual(pofile.metadata.get("Plural-Forms"), "nplurals=2; plural=(n > 1);")
        translated = {e.msgid for e in pofile if not e.obsolete and e.msgstr.strip()}
        # the terms as `make i18n` exports them: records, views, fields, code, templates
        reader = TranslationModuleReader(self.env.cr, modules=[MODULE])
        terms = {source for module, _type, _name, _res_id, source, _value, _c in reader}
        terms = {t for t in terms if t and t.strip()}
        self.assertGreater(len(terms), 500)  # the reader found the addon's terms
        missing = sorted(terms - translated)
        self.assertFalse(
            missing,
            f"{len(missing)} terms without a Persian translation in i18n/fa.po "
            f"(run `make i18n` and translate them): {missing[:20]}",
        )

    def test_translations_keep_their_placeholders(self):
        pofile = polib.pofile(str(PO_PATH))
        wrong = [
            e.msgid
            for e in pofile
            if e.msgstr and _placeholders(e.msgid) != _placeholders(e.msgstr)
        ]
        self.assertFalse(wrong, f"translations with other placeholders than their source: {wrong}")

    def test_placeholder_check_fails_on_a_lost_placeholder(self):
        # the check above can fail: a translation that drops %(stage)s or a t-out differs
        self.assertNotEqual(
            _placeholders("%(customer)s is already in stage %(stage)s."),
            _placeholders("%(customer)s هم‌اکنون در این مرحله است."),
        )
        self.assertNotEqual(
            _placeholders('<p>Dear <t t-out="object.name">Customer</t></p>'),
            _placeholders("<p>مشتری گرامی</p>"),
        )


@tagged("post_install", "-at_install", "crm_customer_management")
class TestPersianInterface(HttpCase):
    """With fa_IR loaded, what people read comes out in Persian: menus, a selection, the
    portal, an e-mail template and the dashboard's KPI labels."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        # load the addon's fa.po into the database, as installing a language does
        cls.env["ir.module.module"].search([("name", "=", MODULE)])._update_translations(
            ["fa_IR"], overwrite=True
        )
        cls.fa = cls.env(context=dict(cls.env.context, lang="fa_IR"))
        cls.portal_partner = cls.env["res.partner"].create(
            {"name": "Shirin Customer", "email": "shirin@example.com", "lang": "fa_IR"}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="ccm_portal_fa",
            groups="base.group_portal",
            partner_id=cls.portal_partner.id,
            password="ccm_portal_fa",
            lang="fa_IR",
        )

    def test_menus(self):
        root = self.fa.ref(f"{MODULE}.crm_customer_management_menu_root")
        self.assertEqual(root.name, "مشتریان")
        dashboard = self.fa.ref(f"{MODULE}.crm_customer_dashboard_menu")
        self.assertEqual(dashboard.name, "داشبورد")
        self.assertEqual(root.with_context(lang="en_US").name, "Customers")

    def test_selection(self):
        stages = dict(
            self.fa["res.partner"].fields_get(["lifecycle_stage"])["lifecycle_stage"]["selection"]
        )
        self.assertEqual(stages["at_risk"], "در معرض ترک")
        self.assertEqual(stages["won_back"], "بازگشته")
        self.assertEqual(stages["lost"], "از دست رفته")
        severity = dict(self.fa["crm.complaint"].fields_get(["severity"])["severity"]["selection"])
        self.assertEqual(severity["critical"], "بحرانی")

    def test_portal_page(self):
        self.authenticate("ccm_portal_fa", "ccm_portal_fa")
        home = self.url_open("/my")
        self.assertEqual(home.status_code, 200)
        self.assertIn("پیگیری کنید", home.text)  # the Complaints tile's text
        self.assertIn("ثبت شکایت", home.text)  # "File a complaint"
        listing = self.url_open("/my/complaints")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("شما هیچ شکایتی ندارید.", listing.text)
        self.assertNotIn("You have no complaint.", listing.text)
        # the form's severities in Persian too (they were the selection's English labels)
        form = self.url_open("/my/complaints/new")
        self.assertIn('<option value="critical">بحرانی</option>', form.text)
        self.assertNotIn(">Medium<", form.text)

    def test_mail_template(self):
        template = self.env.ref(f"{MODULE}.mail_template_lifecycle_welcome")
        values = template._generate_template(self.portal_partner.ids, ["subject", "body_html"])
        rendered = values[self.portal_partner.id]
        company = self.env.company.name
        self.assertEqual(rendered["subject"], f"به {company} خوش آمدید")
        self.assertIn(f"{self.portal_partner.name} گرامی،", rendered["body_html"])
        self.assertIn("از نخستین سفارش شما سپاسگزاریم.", rendered["body_html"])
        self.assertNotIn("Thank you", rendered["body_html"])

    def test_dashboard_labels(self):
        kpis = self.fa["crm.customer.kpi"]._compare(
            self.env.company, date(2026, 1, 1), date(2026, 1, 31)
        )
        labels = {k["key"]: k["label"] for k in kpis}
        self.assertEqual(labels["churn_rate"], "نرخ ترک مشتری")
        self.assertEqual(labels["retention_rate"], "نرخ نگهداری مشتری")
        self.assertEqual(labels["cac"], "هزینه جذب مشتری (CAC)")
        self.assertEqual(labels["nps"], "امتیاز ترویج‌کننده خالص (NPS)")
        english = (
            self.env["crm.customer.kpi"]
            .with_context(lang="en_US")
            ._compare(self.env.company, date(2026, 1, 1), date(2026, 1, 31))
        )
        self.assertEqual({k["key"]: k["label"] for k in english}["churn_rate"], "Churn rate")
