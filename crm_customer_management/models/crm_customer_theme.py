from odoo import fields, models


class CrmCustomerTheme(models.Model):
    """A theme of the complaint texts of one month: the strongest terms of an NMF topic
    (``analytics.text.themes``), with how many texts it gathers."""

    _name = "crm.customer.theme"
    _description = "Customer Text Theme"
    _order = "period desc, text_count desc, id"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    period = fields.Date(required=True, readonly=True)
    name = fields.Char(required=True, readonly=True, translate=False)
    text_count = fields.Integer("Texts", readonly=True, aggregator="sum")
    text_ids = fields.One2many("crm.customer.text", "theme_id", readonly=True)
