from odoo import fields, models


class CrmComplaintCategory(models.Model):
    _name = "crm.complaint.category"
    _description = "Complaint Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    department_id = fields.Many2one("crm.customer.department", string="Owning Department")
    team_id = fields.Many2one("crm.team", string="Default Team")
    company_id = fields.Many2one("res.company")
