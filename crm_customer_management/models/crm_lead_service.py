from odoo import api, models


class CrmLead(models.Model):
    """A new lead of a customer with an account manager (its own, its segment's or its
    tier's) goes to that account manager."""

    _inherit = "crm.lead"

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._ccm_assign_account_manager()
        return leads

    def _ccm_assign_account_manager(self):
        to_assign = {}
        for company, leads in (
            self.filtered("partner_id")
            .grouped(lambda lead: lead.company_id or self.env.company)
            .items()
        ):
            service = leads.partner_id._ccm_service(company)
            for lead in leads:
                manager = service.get(lead.partner_id.commercial_partner_id.id, (None, None))[1]
                if manager and lead.user_id.id != manager:
                    to_assign.setdefault(manager, []).append(lead.id)
        for manager, lead_ids in to_assign.items():
            self.browse(lead_ids).write({"user_id": manager})
