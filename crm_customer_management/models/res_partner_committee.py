from odoo import fields, models


class ResPartner(models.Model):
    """The customer's key facts, kept when its salesperson changes."""

    _inherit = "res.partner"

    ccm_fact_ids = fields.One2many(
        "crm.customer.fact", "partner_id", string="Key Facts", groups="base.group_user"
    )
