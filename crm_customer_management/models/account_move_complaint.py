from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    ccm_complaint_id = fields.Many2one(
        "crm.complaint", string="Complaint", index="btree_not_null", copy=False, readonly=True
    )
