from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..analytics import value
from ..const import CCM_MANAGER

COMPLAINT_PRIORITIES = [("0", "Normal"), ("1", "High"), ("2", "Urgent")]


class CrmCustomerTier(models.Model):
    """A value tier (most valuable, most growable, maintain, below zero) as a record, so that
    SLA policies, playbook actions and offers can be restricted to tiers, and how each tier
    is served in a company: its pricelist and payment terms suggested on new quotations,
    the priority of its complaints and its account manager."""

    _name = "crm.customer.tier"
    _description = "Customer Value Tier"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(value.TIERS, required=True, readonly=True)
    sequence = fields.Integer(default=10)
    # How the tier is served, per company
    pricelist_id = fields.Many2one(
        "product.pricelist",
        company_dependent=True,
        help="Suggested on the new quotations of the tier's customers who have no pricelist "
        "of their own; the salesperson may change it.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        company_dependent=True,
        help="Suggested on the new quotations of the tier's customers who have no payment "
        "terms of their own; the salesperson may change them.",
    )
    complaint_priority = fields.Selection(
        COMPLAINT_PRIORITIES,
        company_dependent=True,
        help="Priority given to the new complaints of the tier's customers.",
    )
    account_manager_id = fields.Many2one(
        "res.users",
        company_dependent=True,
        domain=[("share", "=", False)],
        help="Gets the new leads and complaints of the tier's customers, unless the customer "
        "or one of its segments names another account manager.",
    )

    _sql_constraints = [("code_uniq", "unique(code)", "Each value tier has one record.")]

    @api.model
    def _by_code(self):
        return {tier.code: tier for tier in self.sudo().search([])}

    def write(self, vals):
        if not self.env.su and not self.env.user.has_group(CCM_MANAGER):
            raise AccessError(
                self.env._("Only Customer Management managers configure how tiers are served.")
            )
        return super().write(vals)
