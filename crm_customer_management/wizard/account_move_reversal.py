from odoo import models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    def _prepare_default_reversal(self, move):
        """A credit note made from a complaint is linked back to it."""
        values = super()._prepare_default_reversal(move)
        if self.env.context.get("ccm_complaint_id"):
            values["ccm_complaint_id"] = self.env.context["ccm_complaint_id"]
        return values
