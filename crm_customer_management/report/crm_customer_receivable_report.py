from odoo import fields, models
from odoo.tools.sql import create_index

AGING = [
    ("not_due", "Not due"),
    ("1_30", "1-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("90_plus", "Over 90 days"),
]
# Open customer invoices and credit notes: a small part of all journal entries, read by a
# partial index on Odoo's table (made by the report, dropped at uninstall) rather than by
# a scan of every invoice ever posted.
OPEN_RECEIVABLE_INDEX = "account_move_ccm_open_receivable_idx"
OPEN_RECEIVABLE = (
    "state = 'posted' AND move_type IN ('out_invoice', 'out_refund')"
    " AND payment_state IN ('not_paid', 'partial')"
)


class CrmCustomerReceivableReport(models.Model):
    """Open customer invoices and credit notes with the customer's tier, RFM segment and
    lifecycle stage: overdue receivables per tier for accounting and the customer team.
    Amounts are the residuals in the company's currency, ages counted today."""

    _name = "crm.customer.receivable.report"
    _inherit = ["crm.customer.profile.report.mixin"]
    _description = "Receivables by Customer Tier"
    _auto = False
    _order = "date_due"
    _depends = {
        "account.move": [
            "state",
            "move_type",
            "payment_state",
            "invoice_date",
            "invoice_date_due",
            "amount_residual_signed",
            "commercial_partner_id",
            "company_id",
        ],
        "res.partner": ["user_id"],
        "crm.customer.lifecycle.history": ["partner_id", "company_id", "stage_to", "is_current"],
        "crm.customer.value": ["value_tier", "rfm_segment", "company_id"],
    }

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    date = fields.Date("Invoice Date", readonly=True)
    date_due = fields.Date("Due Date", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    residual = fields.Monetary("Open Amount", readonly=True)
    overdue = fields.Monetary("Overdue Amount", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    aging = fields.Selection(AGING, readonly=True)
    nbr = fields.Integer("# Documents", readonly=True)

    @property
    def _table_query(self):
        return f"{self._select()} {self._from()} {self._where()}"

    def _select(self):
        return f"""
            SELECT am.id, am.id AS move_id, am.invoice_date AS date,
                   am.invoice_date_due AS date_due, am.company_id, c.currency_id,
                   cp.id AS partner_id, cp.user_id,
                   am.amount_residual_signed AS residual,
                   CASE WHEN am.invoice_date_due < CURRENT_DATE
                        THEN am.amount_residual_signed ELSE 0 END AS overdue,
                   GREATEST(CURRENT_DATE - am.invoice_date_due, 0) AS days_overdue,
                   CASE WHEN am.invoice_date_due >= CURRENT_DATE THEN 'not_due'
                        WHEN CURRENT_DATE - am.invoice_date_due <= 30 THEN '1_30'
                        WHEN CURRENT_DATE - am.invoice_date_due <= 60 THEN '31_60'
                        WHEN CURRENT_DATE - am.invoice_date_due <= 90 THEN '61_90'
                        ELSE '90_plus' END AS aging,
                   {self._select_profile("am.company_id")},
                   1 AS nbr
        """

    def _from(self):
        return f"""
              FROM account_move am
              JOIN res_company c ON c.id = am.company_id
              JOIN res_partner cp ON cp.id = am.commercial_partner_id
              {self._from_profile("cp.id", "am.company_id")}
        """

    def _where(self):
        return """
             WHERE am.state = 'posted'
               AND am.move_type IN ('out_invoice', 'out_refund')
               AND am.payment_state IN ('not_paid', 'partial')
               AND am.amount_residual_signed <> 0
        """

    def init(self):
        res = super().init()
        create_index(
            self.env.cr,
            OPEN_RECEIVABLE_INDEX,
            "account_move",
            ["company_id"],
            where=OPEN_RECEIVABLE,
        )
        return res
