from odoo import fields, models


class CrmCustomerPlaybookAction(models.Model):
    _inherit = "crm.customer.playbook.action"

    segment_id = fields.Many2one(
        "crm.customer.segment",
        string="Only for Segment",
        help="Run the action only for the customers in this segment when they enter the stage.",
    )
