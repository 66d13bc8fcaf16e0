from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._ccm_schedule_refresh()
        return partials

    def unlink(self):
        # an invoice no longer paid (a payment unreconciled or cancelled) changes its
        # customer's payment figures as much as its payment did
        self._ccm_schedule_refresh()
        return super().unlink()

    def _ccm_schedule_refresh(self):
        """Refresh, after the commit, the customers whose invoices these reconcile (read as
        superuser: whoever reconciles may not read every move of the other side)."""
        partials = self.sudo()
        moves = (partials.debit_move_id | partials.credit_move_id).move_id
        invoices = moves.filtered(lambda m: m.is_sale_document(include_receipts=False))
        if invoices:
            self.env["crm.customer.value"]._schedule_refresh(
                (m.company_id.id, m.commercial_partner_id.id) for m in invoices
            )
