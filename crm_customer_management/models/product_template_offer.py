from odoo import fields, models

from ..const import CCM_USER
from ..tools.copying import copy_data_keeping


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

    def copy_data(self, default=None):
        # a product manager outside the addon duplicates a product: the copy serves the
        # same needs
        return copy_data_keeping(self, default, ["ccm_need_category_ids"], super().copy_data)
