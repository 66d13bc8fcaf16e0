from odoo import fields, models


class CrmCustomerSuggestionCategory(models.Model):
    """What a suggestion or a piece of feedback is about, and the department that owns it."""

    _name = "crm.customer.suggestion.category"
    _description = "Suggestion Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    department_id = fields.Many2one(
        "crm.customer.department", string="Owning Department", required=True
    )
    company_id = fields.Many2one("res.company")
    portal_visible = fields.Boolean(
        "Offered in the Portal", default=True, help="Customers can choose it in the portal."
    )
