from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    customer_need_ids = fields.One2many(
        "crm.customer.need", "lead_id", string="Needs", groups="crm_customer_management.group_user"
    )
