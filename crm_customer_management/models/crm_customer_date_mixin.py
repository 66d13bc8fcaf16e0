import re
from datetime import datetime

from odoo import fields, models
from odoo.tools.misc import format_date

from ..analytics import periods

# Unicode's right-to-left mark; texts whose direction is mixed: Latin letters, or digits
# beside Persian (Arabic-script) letters ("37.6 روز")
RTL_MARK = "\u200f"
MIXED = re.compile(
    "[A-Za-z]|[0-9\u06f0-\u06f9].*[\u0600-\u06ff]|[\u0600-\u06ff].*[0-9\u06f0-\u06f9]"
)


class CrmCustomerDateMixin(models.AbstractModel):
    """Dates as their reader reads them: the Jalali calendar for Persian readers (1404/12/10),
    Odoo's date format of the language for the others; texts placed right to left for the
    readers of a right-to-left language. Used by the printed reports and the portal pages."""

    _name = "crm.customer.date.mixin"
    _description = "Dates in the Reader's Calendar"

    def _ccm_date(self, value):
        """``value`` (a date, or a datetime in UTC shown in the reader's time zone) as text."""
        if not value:
            return ""
        if isinstance(value, datetime):
            value = fields.Datetime.context_timestamp(self, value).date()
        if (self.env.lang or "").startswith("fa"):
            return periods.format_date(value, periods.JALALI)
        return format_date(self.env, value)

    def _ccm_text(self, value):
        """``value`` as text of a printed report. In a right-to-left language, a text of
        mixed direction (Latin letters: "هزینه جذب مشتری (CAC)", digits and Persian:
        "37.6 روز") between two right-to-left marks: Debian's wkhtmltopdf (the WebKit of an
        unpatched Qt) otherwise misplaces such a line, its start pushed past the cell's edge
        and cut, or its words drawn over one another. Browsers and mail readers show it as
        they would without the marks."""
        text = "" if value is None or value is False else str(value)
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        if lang.direction == "rtl" and MIXED.search(text):
            return f"{RTL_MARK}{text}{RTL_MARK}"
        return text
