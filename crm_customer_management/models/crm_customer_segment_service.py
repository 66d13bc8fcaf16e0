from odoo import fields, models


class CrmCustomerSegment(models.Model):
    _inherit = "crm.customer.segment"

    ccm_account_manager_id = fields.Many2one(
        "res.users",
        string="Account Manager",
        domain=[("share", "=", False)],
        help="Gets the new leads and complaints of the segment's members who have no account "
        "manager of their own (the first segment by sequence that names one).",
    )
