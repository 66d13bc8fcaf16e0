from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import CCM_USER, LIFECYCLE_STAGES


class ResPartner(models.Model):
    """QCI lifecycle stage of a customer, per company (company-dependent: a customer can be
    developing in one company and lost in another). Moved by the lifecycle service."""

    _inherit = "res.partner"

    lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES,
        compute="_compute_lifecycle_stage",
        search="_search_lifecycle_stage",
        groups=CCM_USER,
        help="Where the customer stands in the customer-management cycle of the current "
        "company; moved by sales, invoices, complaints, satisfaction answers and inactivity.",
    )
    lifecycle_stage_date = fields.Date(
        "In Stage Since", compute="_compute_lifecycle_stage", groups=CCM_USER
    )
    ccm_lifecycle_history_ids = fields.One2many(
        "crm.customer.lifecycle.history", "partner_id", string="Stage History", groups=CCM_USER
    )
    lifecycle_history_count = fields.Integer(
        "Stage Changes", compute="_compute_lifecycle_history_count", groups=CCM_USER
    )

    @api.depends_context("company")
    def _compute_lifecycle_stage(self):
        # the stage is the customer's, shown to whoever may read the partner
        moves = (
            self.env["crm.customer.lifecycle.history"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "in", self.ids),
                    ("company_id", "=", self.env.company.id),
                    ("is_current", "=", True),
                ],
                ["partner_id", "stage_to", "date"],
            )
        )
        by_partner = {move.partner_id.id: move for move in moves}
        for partner in self:
            move = by_partner.get(partner.id)
            partner.lifecycle_stage = move.stage_to if move else False
            partner.lifecycle_stage_date = move.date.date() if move else False

    def _search_lifecycle_stage(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the lifecycle stage: %s", operator))
        stages = [value] if operator in ("=", "!=") else list(value or [])
        positive = operator in ("=", "in")
        keep_unclassified = False in stages
        stages = [s for s in stages if s]
        History = self.env["crm.customer.lifecycle.history"].sudo()
        current = [("company_id", "=", self.env.company.id), ("is_current", "=", True)]
        classified = History._search([*current, ("stage_to", "in", stages)]).subselect("partner_id")
        any_stage = History._search(current).subselect("partner_id")
        domain = [("id", "in", classified)]
        if keep_unclassified:
            domain = ["|", ("id", "not in", any_stage), *domain]
        return domain if positive else ["!", *domain]

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
