from odoo import fields, models


class CrmComplaintStage(models.Model):
    _name = "crm.complaint.stage"
    _description = "Complaint Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean("Folded in Kanban")
    is_resolved = fields.Boolean(
        "Resolved", help="Reaching this stage records the resolution and sends the survey."
    )
    is_closed = fields.Boolean("Closed", help="Complaints in this stage are no longer open.")
