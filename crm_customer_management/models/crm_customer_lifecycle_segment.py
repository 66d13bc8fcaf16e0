from odoo import models


class CrmCustomerLifecycle(models.AbstractModel):
    _inherit = "crm.customer.lifecycle"

    def _playbook_recipient_issue(self, partner, action, reachable):
        """A playbook action aimed at a segment runs only for its members."""
        if action.segment_id and action.segment_id not in partner.sudo().ccm_segment_ids:
            return self.env._(
                "%%(action)s: not run, the customer is not in segment %s.",
                action.segment_id.name.replace("%", "%%"),
            )
        return super()._playbook_recipient_issue(partner, action, reachable)
