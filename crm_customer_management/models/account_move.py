from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # Customer figures are gathered per commercial partner: the single-customer refresh
    # reads a customer's invoices by this column.
    commercial_partner_id = fields.Many2one(index=True)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        customer_moves = posted.filtered(lambda m: m.is_sale_document(include_receipts=False))
        if customer_moves:
            self.env["crm.customer.value"]._schedule_refresh(
                (m.company_id.id, m.commercial_partner_id.id) for m in customer_moves
            )
            self.env["crm.customer.lifecycle"]._schedule_evaluation(
                (m.company_id.id, m.commercial_partner_id.id, m)
                for m in customer_moves
                if m.move_type == "out_invoice"
            )
        return posted

    def button_draft(self):
        # a customer invoice or credit note reset to draft no longer counts
        customer_moves = self.sudo().filtered(
            lambda m: m.state == "posted" and m.is_sale_document(include_receipts=False)
        )
        res = super().button_draft()
        if customer_moves:
            self.env["crm.customer.value"]._schedule_refresh(
                (m.company_id.id, m.commercial_partner_id.id) for m in customer_moves
            )
        return res
