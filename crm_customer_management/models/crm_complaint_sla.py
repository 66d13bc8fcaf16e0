from odoo import api, fields, models
from odoo.exceptions import ValidationError

SEVERITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]


class CrmComplaintSla(models.Model):
    """Deadlines of a category (or of every category) for a severity, in working hours of
    the company's calendar."""

    _name = "crm.complaint.sla"
    _description = "Complaint SLA Policy"
    _order = "category_id, severity"

    name = fields.Char(required=True, translate=True)
    category_id = fields.Many2one(
        "crm.complaint.category", help="Leave empty for every category without a policy."
    )
    severity = fields.Selection(SEVERITIES, required=True)
    first_response_hours = fields.Float(required=True, default=8.0)
    resolution_hours = fields.Float(required=True, default=40.0)
    company_id = fields.Many2one("res.company")

    @api.constrains("first_response_hours", "resolution_hours")
    def _check_hours(self):
        for sla in self:
            if sla.first_response_hours <= 0 or sla.resolution_hours < sla.first_response_hours:
                raise ValidationError(
                    self.env._(
                        "SLA '%s': the first response needs a positive delay and the resolution "
                        "cannot come before it.",
                        sla.name,
                    )
                )
