from odoo import api, fields, models

from ..const import CCM_USER


class CrmLead(models.Model):
    _inherit = "crm.lead"

    ccm_suggestion_ids = fields.Many2many(
        "crm.customer.offer.suggestion",
        string="Suggested Products",
        compute="_compute_ccm_suggestion_ids",
        groups=CCM_USER,
    )

    @api.depends("partner_id", "company_id")
    def _compute_ccm_suggestion_ids(self):
        Suggestion = self.env["crm.customer.offer.suggestion"]
        found = Suggestion.search(
            [
                ("partner_id", "in", self.partner_id.commercial_partner_id.ids),
                ("company_id", "in", (self.company_id | self.env.company).ids),
            ]
        )
        by_key = found.grouped(lambda s: (s.partner_id.id, s.company_id.id))
        for lead in self:
            company = lead.company_id or self.env.company
            lead.ccm_suggestion_ids = by_key.get(
                (lead.partner_id.commercial_partner_id.id, company.id), Suggestion
            )
