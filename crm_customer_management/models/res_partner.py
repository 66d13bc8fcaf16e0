from odoo import fields, models


class ResPartner(models.Model):
    """The customer 360-degree screen: smart buttons to the customer's documents across
    sales, inventory and accounting, and the "Customer" tab that the other concerns
    (value, needs, identify, lifecycle, complaints) fill."""

    _inherit = "res.partner"

    ccm_delivery_count = fields.Integer(
        "Deliveries", compute="_compute_ccm_delivery_count", groups="stock.group_stock_user"
    )

    def _ccm_delivery_domain(self):
        return [
            ("partner_id", "child_of", self.commercial_partner_id.ids),
            ("picking_type_code", "=", "outgoing"),
        ]

    def _compute_ccm_delivery_count(self):
        # one grouped query for the whole recordset, counts rolled up to commercial partners
        all_partners = self.with_context(active_test=False).search_fetch(
            [("id", "child_of", self.commercial_partner_id.ids)], ["commercial_partner_id"]
        )
        groups = self.env["stock.picking"]._read_group(
            [("partner_id", "in", all_partners.ids), ("picking_type_code", "=", "outgoing")],
            ["partner_id"],
            ["__count"],
        )
        per_commercial = {}
        for partner, count in groups:
            key = partner.commercial_partner_id.id
            per_commercial[key] = per_commercial.get(key, 0) + count
        for partner in self:
            partner.ccm_delivery_count = per_commercial.get(partner.commercial_partner_id.id, 0)

    def action_ccm_view_deliveries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = self._ccm_delivery_domain()
        action["context"] = {"create": False}
        action["display_name"] = self.env._(
            "Deliveries of %s", self.commercial_partner_id.display_name
        )
        return action
