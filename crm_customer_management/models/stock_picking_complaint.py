from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    ccm_complaint_id = fields.Many2one(
        "crm.complaint", string="Complaint", index="btree_not_null", copy=False, readonly=True
    )
