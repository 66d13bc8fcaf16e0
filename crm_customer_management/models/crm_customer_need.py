from odoo import api, fields, models
from odoo.exceptions import ValidationError

IMPORTANCE = [
    ("1", "Minor"),
    ("2", "Low"),
    ("3", "Medium"),
    ("4", "High"),
    ("5", "Critical"),
]


class CrmCustomerNeed(models.Model):
    """One need of one customer (IDIC: differentiate by need), captured on the partner, on a
    lead or from a complaint. Needs of contacts roll up to their commercial entity."""

    _name = "crm.customer.need"
    _description = "Customer Need"
    _order = "importance desc, id desc"
    _check_company_auto = True

    category_id = fields.Many2one(
        "crm.customer.need.category", string="Need", required=True, index=True
    )
    department_id = fields.Many2one(related="category_id.department_id", store=True)
    importance = fields.Selection(IMPORTANCE, required=True, default="3")
    source = fields.Selection(
        [
            ("interaction", "Interaction"),
            ("survey", "Survey"),
            ("lead", "Lead"),
            ("complaint", "Complaint"),
        ],
        required=True,
        default=lambda self: self._default_source(),
    )
    note = fields.Text()
    lead_id = fields.Many2one(
        "crm.lead", index="btree_not_null", ondelete="cascade", check_company=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        ondelete="cascade",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    commercial_partner_id = fields.Many2one(
        "res.partner",
        string="Commercial Entity",
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    user_id = fields.Many2one("res.users", string="Captured by", default=lambda self: self.env.user)

    def _default_source(self):
        return "lead" if self.env.context.get("default_lead_id") else "interaction"

    @api.depends("lead_id.partner_id")
    def _compute_partner_id(self):
        for need in self:
            if need.lead_id.partner_id:
                need.partner_id = need.lead_id.partner_id

    @api.constrains("partner_id", "lead_id")
    def _check_partner_or_lead(self):
        for need in self:
            if not need.partner_id and not need.lead_id:
                raise ValidationError(
                    self.env._("A customer need belongs to a customer or to a lead.")
                )
