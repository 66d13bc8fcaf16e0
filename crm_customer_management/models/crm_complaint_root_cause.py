from odoo import fields, models


class CrmComplaintRootCause(models.Model):
    _name = "crm.complaint.root.cause"
    _description = "Complaint Root Cause"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
