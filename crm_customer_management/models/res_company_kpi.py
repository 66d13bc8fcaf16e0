from odoo import fields, models

from ..analytics import periods

PERIOD_CALENDARS = [(periods.GREGORIAN, "Gregorian"), (periods.JALALI, "Jalali (Solar Hijri)")]


class ResCompany(models.Model):
    """Where the acquisition costs of the CAC come from, and the calendar of the KPI periods
    (the dashboard's presets, the cohort and monthly reports), per company."""

    _inherit = "res.company"

    ccm_acquisition_account_ids = fields.Many2many(
        "account.account",
        "ccm_company_acquisition_account_rel",
        "company_id",
        "account_id",
        string="Acquisition Cost Accounts",
        help="Posted journal items on these accounts (e.g. advertising, trade fairs) are "
        "acquisition costs in the CAC.",
    )
    ccm_acquisition_analytic_ids = fields.Many2many(
        "account.analytic.account",
        "ccm_company_acquisition_analytic_rel",
        "company_id",
        "analytic_account_id",
        string="Acquisition Cost Analytic Accounts",
        help="Costs booked on these analytic accounts are acquisition costs in the CAC.",
    )
    ccm_period_calendar = fields.Selection(
        PERIOD_CALENDARS,
        string="Calendar for Periods",
        required=True,
        default=periods.GREGORIAN,
        help="Months, quarters and years of the dashboard, the cohorts and the monthly "
        "report: Gregorian, or Jalali with the year starting at Nowruz.",
    )
    ccm_refresh_requested = fields.Boolean(
        "Refresh Requested",
        copy=False,
        help="A manager asked for the customer figures of the company to be refreshed now: "
        "the background job is queued or running.",
    )

    def write(self, vals):
        changed = self.browse()
        if "ccm_period_calendar" in vals:
            changed = self.filtered(lambda c: c.ccm_period_calendar != vals["ccm_period_calendar"])
        res = super().write(vals)
        # the cohort report's months are the calendar's: rebuilt now, not at the next full
        # value refresh (two statements per company)
        Report = self.env["crm.customer.cohort.report"].sudo()
        for company in changed:
            Report._rebuild(company, fields.Date.context_today(Report))
        return res
