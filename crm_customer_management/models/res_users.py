from odoo import models


class ResUsers(models.Model):
    """Archiving a user who still holds customers offers the handover first."""

    _inherit = "res.users"

    def action_archive(self):
        if not self.env.context.get("ccm_handover_done"):
            holding = self._ccm_holding_customers()
            if holding:
                return holding._ccm_action_handover(archive=True)
        return super().action_archive()

    def _ccm_holding_customers(self):
        """The users of ``self`` who are still the salesperson of an active customer."""
        if not self:
            return self
        self.env["res.partner"].flush_model(["user_id", "active"])
        self.env.cr.execute(
            "SELECT DISTINCT user_id FROM res_partner WHERE user_id = ANY(%s) AND active",
            (self.ids,),
        )
        return self.browse([uid for (uid,) in self.env.cr.fetchall()])

    def _ccm_action_handover(self, archive=False):
        user = self[:1]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("%(user)s still holds customers: hand them over", user=user.name),
            "res_model": "res.users.handover",
            "view_mode": "form",
            "target": "new",
            "context": {"default_user_id": user.id, "default_archive_user": archive},
        }

    def action_ccm_handover(self):
        """Open the handover of this user's customers and documents."""
        self.ensure_one()
        return self._ccm_action_handover()
