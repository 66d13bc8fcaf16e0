from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        moves = (partials.debit_move_id | partials.credit_move_id).move_id
        invoices = moves.filtered(lambda m: m.is_sale_document(include_receipts=False))
        if invoices:
            self.env["crm.customer.value"]._schedule_refresh(
                (m.company_id.id, m.commercial_partner_id.id) for m in invoices
            )
        return partials
