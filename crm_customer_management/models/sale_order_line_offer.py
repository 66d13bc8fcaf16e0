from odoo import fields, models

from ..const import CCM_USER


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    ccm_suggestion_id = fields.Many2one(
        "crm.customer.offer.suggestion",
        string="From Suggestion",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups=CCM_USER,
    )
    ccm_suggested_at = fields.Datetime(
        "Suggested At",
        readonly=True,
        copy=False,
        groups=CCM_USER,
        help="When the line was added from a suggestion: it is accepted when its order is "
        "confirmed within the company's acceptance window from then.",
    )
    ccm_offer_id = fields.Many2one(
        "crm.customer.offer",
        string="From Offer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups=CCM_USER,
    )
