from odoo import api, fields, models


class CrmComplaintSla(models.Model):
    _inherit = "crm.complaint.sla"

    tier_ids = fields.Many2many(
        "crm.customer.tier",
        string="Only for Tiers",
        help="Leave empty for every tier. The most specific policy matching a complaint wins: "
        "tier and category, then tier, then category, then neither.",
    )


class CrmComplaint(models.Model):
    """Service by value on complaints: the customer's tier chooses the SLA policy and the
    priority, its account manager gets the complaint."""

    _inherit = "crm.complaint"

    def _sla_policy(self):
        self.ensure_one()
        tier = self.commercial_partner_id._ccm_service(self.company_id).get(
            self.commercial_partner_id.id, (self.env["crm.customer.tier"], None)
        )[0]
        policies = self.env["crm.complaint.sla"].search(
            [
                ("severity", "=", self.severity),
                ("category_id", "in", [self.category_id.id, False]),
                ("company_id", "in", [self.company_id.id, False]),
                "|",
                ("tier_ids", "=", False),
                ("tier_ids", "in", tier.ids),
            ],
            order="id",
        )
        if not policies:
            return policies
        return max(policies, key=lambda p: (bool(p.tier_ids), bool(p.category_id), -p.id))

    @api.model_create_multi
    def create(self, vals_list):
        # the customer's tier and account manager, read once for the batch (per company)
        service = {}
        for vals in vals_list:
            if vals.get("partner_id"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                service.setdefault(company, set()).add(vals["partner_id"])
        found = {}
        for company, partner_ids in service.items():
            partners = self.env["res.partner"].browse(partner_ids)
            by_commercial = partners._ccm_service(company)
            for partner in partners.sudo():
                found[company.id, partner.id] = by_commercial.get(partner.commercial_partner_id.id)
        for vals in vals_list:
            company_id = vals.get("company_id") or self.env.company.id
            tier, manager = found.get((company_id, vals.get("partner_id"))) or (None, None)
            if tier and "priority" not in vals:
                priority = tier.with_company(company_id).complaint_priority
                if priority:
                    vals["priority"] = priority
            if manager and vals.get("intake_state") != "to_qualify":
                vals["user_id"] = manager
        return super().create(vals_list)
