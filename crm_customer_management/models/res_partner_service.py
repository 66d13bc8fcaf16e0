from odoo import fields, models
from odoo.exceptions import AccessError

from ..const import CCM_MANAGER, CCM_USER


class ResPartner(models.Model):
    """Service by value: the customer's named account manager, and the tier and account
    manager that serve a set of customers in a company, read set-based."""

    _inherit = "res.partner"

    ccm_account_manager_id = fields.Many2one(
        "res.users",
        string="Account Manager",
        company_dependent=True,
        domain=[("share", "=", False)],
        groups=CCM_USER,
        help="Gets this customer's new leads and complaints. Empty: the account manager of "
        "its first segment that names one, else of its value tier.",
    )

    def write(self, vals):
        if (
            "ccm_account_manager_id" in vals
            and not self.env.su
            and not self.env.user.has_group(CCM_MANAGER)
        ):
            raise AccessError(
                self.env._("Only Customer Management managers name a customer's account manager.")
            )
        return super().write(vals)

    def _ccm_service(self, company):
        """{commercial partner id: (tier record or empty, account manager user id or None)}
        for these partners' commercial entities in ``company``: one read of the profiles,
        one of the partners' own account managers, one of the segments that name one."""
        Tier = self.env["crm.customer.tier"]
        partners = self.sudo().with_company(company).commercial_partner_id
        if not partners:
            return {}
        profiles = (
            self.env["crm.customer.value"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
                ["partner_id", "value_tier"],
            )
        )
        tiers = Tier._by_code()
        tier_of = {p.partner_id.id: tiers.get(p.value_tier, Tier) for p in profiles}
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (r.partner_id) r.partner_id, s.ccm_account_manager_id
              FROM crm_customer_segment_member_rel r
              JOIN crm_customer_segment s ON s.id = r.segment_id
             WHERE s.company_id = %s AND s.active AND s.ccm_account_manager_id IS NOT NULL
               AND r.partner_id = ANY(%s)
             ORDER BY r.partner_id, s.sequence, s.id
            """,
            [company.id, partners.ids],
        )
        by_segment = dict(self.env.cr.fetchall())
        result = {}
        for partner in partners:
            tier = tier_of.get(partner.id, Tier)
            manager = (
                partner.ccm_account_manager_id
                or self.env["res.users"].sudo().browse(by_segment.get(partner.id))
                or tier.with_company(company).account_manager_id
            )
            usable = manager and manager.active and not manager.share
            result[partner.id] = (tier, manager.id if usable else None)
        return result
