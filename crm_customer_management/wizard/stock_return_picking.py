from odoo import models


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _prepare_picking_default_values_based_on(self, picking):
        """Returns (and replacement deliveries) made from a complaint are linked back to it."""
        values = super()._prepare_picking_default_values_based_on(picking)
        if self.env.context.get("ccm_complaint_id"):
            values["ccm_complaint_id"] = self.env.context["ccm_complaint_id"]
        return values
