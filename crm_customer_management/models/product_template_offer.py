from odoo import fields, models

from ..const import CCM_USER


class ProductTemplate(models.Model):
    _inherit = "product.template"

    ccm_need_category_ids = fields.Many2many(
        "crm.customer.need.category",
        "product_template_ccm_need_category_rel",
        "product_template_id",
        "category_id",
        string="Serves Needs",
        groups=CCM_USER,
        help="Customer needs this product answers: a next best offer of it fits the customers "
        "with one of these needs better.",
    )
