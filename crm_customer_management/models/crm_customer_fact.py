from odoo import api, fields, models

FACT_KINDS = [
    ("decision_maker", "Decision maker"),
    ("buying_process", "Buying process"),
    ("preference", "Preference"),
    ("sensitivity", "Sensitivity"),
    ("agreement", "Agreement"),
]


class CrmCustomerFact(models.Model):
    """A key fact about a customer (who decides, how they buy, what they like, what hurts
    them, what was agreed), with who wrote it and when. It belongs to the customer, not to
    the salesperson: it stays when the salesperson changes or leaves."""

    _name = "crm.customer.fact"
    _description = "Customer Key Fact"
    _order = "partner_id, kind, date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    kind = fields.Selection(FACT_KINDS, required=True, default="decision_maker")
    name = fields.Text("Fact", required=True)
    contact_id = fields.Many2one(
        "res.partner", string="About", help="The contact the fact is about (a decision maker)."
    )
    author_id = fields.Many2one(
        "res.users", string="Written By", default=lambda self: self.env.user, readonly=True
    )
    date = fields.Date(default=fields.Date.context_today, readonly=True)
    active = fields.Boolean(default=True)

    @api.model_create_multi
    def create(self, vals_list):
        # always on the commercial entity: a fact outlives the contact it was noted on
        partners = self.env["res.partner"].browse(
            [v["partner_id"] for v in vals_list if v.get("partner_id")]
        )
        commercial = {p.id: p.commercial_partner_id.id for p in partners}
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = commercial[vals["partner_id"]]
        return super().create(vals_list)

    def write(self, vals):
        # whoever edits a fact becomes its author, as of today
        if vals.keys() & {"name", "kind", "contact_id"}:
            vals = dict(vals, author_id=self.env.uid, date=fields.Date.context_today(self))
        return super().write(vals)
