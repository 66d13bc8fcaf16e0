from datetime import datetime

from odoo import fields, models
from odoo.tools.misc import format_date

from ..analytics import periods


class CrmCustomerDateMixin(models.AbstractModel):
    """Dates as their reader reads them: the Jalali calendar for Persian readers (1404/12/10),
    Odoo's date format of the language for the others. Used by the printed reports and the
    portal pages."""

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
