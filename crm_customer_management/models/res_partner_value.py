from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import CCM_USER

# customers one click (or one RPC call) may refresh at once; the nightly run does the rest
REFRESH_MAX_PARTNERS = 100


class ResPartner(models.Model):
    """Value side of the customer profile (IDIC: differentiate by value). The figures are
    stored per company on crm.customer.value; the partner shows the current company's."""

    _inherit = "res.partner"

    customer_value_ids = fields.One2many(
        "crm.customer.value", "partner_id", string="Value Profiles", groups=CCM_USER
    )
    customer_value_id = fields.Many2one(
        "crm.customer.value",
        string="Value Profile",
        compute="_compute_customer_value_id",
        search="_search_customer_value_id",
        groups=CCM_USER,
    )
    value_tier = fields.Selection(related="customer_value_id.value_tier", groups=CCM_USER)
    rfm_score = fields.Char("RFM", related="customer_value_id.rfm_score", groups=CCM_USER)
    rfm_segment = fields.Selection(related="customer_value_id.rfm_segment", groups=CCM_USER)
    clv_predicted = fields.Monetary(
        related="customer_value_id.clv_predicted", groups=CCM_USER, currency_field="ccm_currency_id"
    )
    churn_probability = fields.Float(related="customer_value_id.churn_probability", groups=CCM_USER)
    net_value = fields.Monetary(
        related="customer_value_id.net_value", groups=CCM_USER, currency_field="ccm_currency_id"
    )
    ccm_currency_id = fields.Many2one(
        related="customer_value_id.currency_id", string="Value Currency", groups=CCM_USER
    )

    @api.depends_context("company")
    def _compute_customer_value_id(self):
        profiles = self.env["crm.customer.value"].search_fetch(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ],
            ["partner_id"],
        )
        by_partner = {p.partner_id.id: p for p in profiles}
        for partner in self:
            partner.customer_value_id = by_partner.get(partner.commercial_partner_id.id, False)

    def _search_customer_value_id(self, operator, value):
        # commercial partners and their contacts share the company's profile
        return [
            (
                "commercial_partner_id.customer_value_ids",
                "any",
                [("company_id", "=", self.env.company.id), ("id", operator, value)],
            )
        ]

    def _ccm_check_user_access(self):
        """The customer actions are for Customer Management users, on customers they may
        read."""
        if not self.env.user.has_group(CCM_USER):
            raise AccessError(
                self.env._("Only Customer Management users can work on customer profiles.")
            )
        self.check_access("read")

    def action_ccm_refresh_value(self):
        """Refresh these customers' value profiles now (against the last full refresh)."""
        self._ccm_check_user_access()
        if len(self) > REFRESH_MAX_PARTNERS:
            raise UserError(
                self.env._(
                    "You can refresh at most %(max)s customers at once (%(count)s selected); "
                    "the nightly refresh updates all of them.",
                    max=REFRESH_MAX_PARTNERS,
                    count=len(self),
                )
            )
        partners = self.commercial_partner_id
        self.env["crm.customer.value"].sudo()._refresh(self.env.company, partners.ids)
        return True

    def action_ccm_view_value_profiles(self):
        self.ensure_one()
        self._ccm_check_user_access()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_value_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action
