from odoo import fields, models


class ResCompany(models.Model):
    """Where the acquisition costs of the CAC come from, per company."""

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
