from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import CCM_USER
from .res_partner_value import REFRESH_MAX_PARTNERS


class ResPartner(models.Model):
    _inherit = "res.partner"

    ccm_suggestion_ids = fields.Many2many(
        "crm.customer.offer.suggestion",
        string="Next Best Offers",
        compute="_compute_ccm_suggestion_ids",
        groups=CCM_USER,
    )

    @api.depends_context("company")
    def _compute_ccm_suggestion_ids(self):
        Suggestion = self.env["crm.customer.offer.suggestion"]
        found = Suggestion.search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = found.grouped("partner_id")
        for partner in self:
            partner.ccm_suggestion_ids = by_partner.get(partner.commercial_partner_id, Suggestion)

    def action_ccm_refresh_suggestions(self):
        """Suggest again for these customers now (the nightly run does every customer)."""
        self._ccm_check_user_access()
        partners = self.commercial_partner_id
        if len(partners) > REFRESH_MAX_PARTNERS:
            raise UserError(
                self.env._(
                    "Suggest again for at most %(max)s customers at once; the nightly run "
                    "suggests to every customer.",
                    max=REFRESH_MAX_PARTNERS,
                )
            )
        self.env["crm.customer.basket"].sudo()._suggest(self.env.company, partners.ids)
        return True
