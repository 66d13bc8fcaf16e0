from odoo import fields, models

from ..const import CCM_USER, LIFECYCLE_STAGES


class ResPartner(models.Model):
    """QCI lifecycle stage of a customer, per company (company-dependent: a customer can be
    developing in one company and lost in another). Moved by the lifecycle service."""

    _inherit = "res.partner"

    lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES,
        company_dependent=True,
        readonly=True,
        groups=CCM_USER,
        help="Where the customer stands in the customer-management cycle of the current "
        "company; moved by sales, invoices, complaints, satisfaction answers and inactivity.",
    )
    lifecycle_stage_date = fields.Date(
        "In Stage Since", company_dependent=True, readonly=True, groups=CCM_USER
    )
    lifecycle_history_count = fields.Integer(
        "Stage Changes", compute="_compute_lifecycle_history_count", groups=CCM_USER
    )

    def _compute_lifecycle_history_count(self):
        groups = self.env["crm.customer.lifecycle.history"]._read_group(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.lifecycle_history_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_ccm_lifecycle_move(self):
        self.ensure_one()
        self._ccm_check_user_access()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Move lifecycle stage"),
            "res_model": "crm.customer.lifecycle.move",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_ccm_view_lifecycle_history(self):
        self.ensure_one()
        self._ccm_check_user_access()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_lifecycle_history_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action
