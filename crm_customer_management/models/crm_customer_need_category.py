from odoo import fields, models


class CrmCustomerNeedCategory(models.Model):
    """The need catalogue: what customers may need (delivery speed, price, technical
    support, ...), each owned by the department that can act on it."""

    _name = "crm.customer.need.category"
    _description = "Customer Need Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    department_id = fields.Many2one(
        "crm.customer.department", string="Owning Department", index=True
    )
    need_count = fields.Integer(compute="_compute_need_count")

    _sql_constraints = [
        ("name_uniq", "unique(name)", "A need category with this name already exists."),
    ]

    def _compute_need_count(self):
        counts = dict(
            self.env["crm.customer.need"]._read_group(
                [("category_id", "in", self.ids)], ["category_id"], ["__count"]
            )
        )
        for category in self:
            category.need_count = counts.get(category, 0)
