from odoo import fields, models

from ..const import CCM_USER


class ResPartner(models.Model):
    _inherit = "res.partner"

    churn_score = fields.Float(related="customer_value_id.churn_score", groups=CCM_USER)
    churn_drivers = fields.Text(related="customer_value_id.churn_drivers", groups=CCM_USER)
