from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ccm_cost_review_user_id = fields.Many2one(
        related="company_id.ccm_cost_review_user_id", readonly=False
    )
    ccm_basket_window_days = fields.Integer(
        related="company_id.ccm_basket_window_days", readonly=False
    )
    ccm_basket_min_support = fields.Float(
        related="company_id.ccm_basket_min_support", readonly=False
    )
    ccm_basket_min_confidence = fields.Float(
        related="company_id.ccm_basket_min_confidence", readonly=False
    )
    ccm_offer_count = fields.Integer(related="company_id.ccm_offer_count", readonly=False)
    ccm_offer_acceptance_days = fields.Integer(
        related="company_id.ccm_offer_acceptance_days", readonly=False
    )
    ccm_offer_cron_at = fields.Datetime(related="company_id.ccm_offer_cron_at")
    ccm_offer_cron_error = fields.Text(related="company_id.ccm_offer_cron_error")
    ccm_offer_mine_state = fields.Selection(related="company_id.ccm_offer_mine_state")

    def action_ccm_mine_offers(self):
        """Mine the rules and suggest the next best offers now, in the background
        (managers)."""
        return self.env["crm.customer.basket"].action_mine_now()
