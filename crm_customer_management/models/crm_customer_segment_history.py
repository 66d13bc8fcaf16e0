from odoo import fields, models


class CrmCustomerSegmentHistory(models.Model):
    """Who entered and left which segment when, written in bulk by the segment refresh
    (one row per change) with the customer's net value at that moment."""

    _name = "crm.customer.segment.history"
    _description = "Customer Segment Membership Change"
    _order = "date desc, id desc"
    _log_access = False

    segment_id = fields.Many2one(
        "crm.customer.segment", required=True, readonly=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    date = fields.Date(required=True, readonly=True, index=True)
    change = fields.Selection(
        [("entered", "Entered"), ("left", "Left")], required=True, readonly=True
    )
    net_value = fields.Float(readonly=True, help="The customer's net value at the change.")
