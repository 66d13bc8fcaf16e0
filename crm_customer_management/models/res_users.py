from odoo import models
from odoo.exceptions import UserError
from odoo.http import request


class ResUsers(models.Model):
    """Archiving a user who still holds customers from the web client offers the handover
    first (as Odoo's employees offer their departure wizard): archiving would leave his
    customers orphaned and delete his activities (Odoo's mail does, those on documents the
    archiving user may post on), which the handover gives to successors. A caller in code
    (a script, a scheduled action, another module's method) archives as Odoo does."""

    _inherit = "res.users"

    def action_archive(self):
        if self._ccm_archive_offers_handover():
            holding = self._ccm_holding_customers()
            if len(holding) == 1 and len(self) == 1:
                return holding._ccm_action_handover(archive=True)
            if holding:
                raise UserError(
                    self.env._(
                        "%(users)s still hold customers: archive them one at a time, each "
                        "opens the handover of his customers first.",
                        users=", ".join(holding.mapped("name")),
                    )
                )
        return super().action_archive()

    def _ccm_archive_offers_handover(self):
        """Whether this archive is the web client's *Archive* of users (the action menu of
        their form or list): the request is the call of ``action_archive`` on users itself.
        Not when the handover is done (``ccm_handover_done``), nor outside a request."""
        if self.env.context.get("ccm_handover_done") or not request:
            return False
        params = getattr(request, "params", None) or {}
        return params.get("model") == self._name and params.get("method") == "action_archive"

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
