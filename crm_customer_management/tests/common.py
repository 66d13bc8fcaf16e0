from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class CustomerManagementCase(TransactionCase):
    """Users per role, a product with a known cost, and helpers that drive Odoo's own flows
    (sale confirmation, delivery, return wizard, invoicing, payment and reversal wizards)
    at frozen dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env,
            login="ccm_salesman",
            name="Sally Salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="ccm_sales_manager",
            name="Manny Manager",
            groups="sales_team.group_sale_manager,stock.group_stock_user",
        )
        cls.portal_partner = cls.env["res.partner"].create({"name": "Portal Customer"})
        cls.portal_user = new_test_user(
            cls.env,
            login="ccm_portal",
            name="Paula Portal",
            groups="base.group_portal",
            partner_id=cls.portal_partner.id,
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "CCM Widget",
                "type": "consu",
                "is_storable": True,
                "standard_price": 60.0,
                "list_price": 100.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 1000
        )
        cls.company.write(
            {
                "ccm_cost_per_order": 10.0,
                "ccm_cost_per_delivery": 5.0,
                "ccm_cost_per_return": 20.0,
                "ccm_cost_per_complaint": 0.0,
                "ccm_capital_cost_rate": 36.5,
            }
        )

    @classmethod
    def working_calendar(cls, name):
        """Working hours Monday to Friday, 8-12 and 13-17 UTC (SLA deadlines by hand)."""
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{day} {start}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for start, end, period in ((8, 12, "morning"), (13, 17, "afternoon"))
                ],
            }
        )

    # -- flows ------------------------------------------------------------
    def confirm_order(self, partner, on, qty, price, pricelist=None, company=None):
        with freeze_time(on):
            vals = {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": qty, "price_unit": price}
                    )
                ],
            }
            if pricelist:
                vals["pricelist_id"] = pricelist.id
            if company:
                vals["company_id"] = company.id
            order = self.env["sale.order"].with_company(company or self.company).create(vals)
            order.action_confirm()
        return order

    def deliver(self, order, on):
        with freeze_time(on):
            picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking.button_validate()
        return picking

    def return_goods(self, picking, qty, on):
        with freeze_time(on):
            wizard = (
                self.env["stock.return.picking"]
                .with_context(active_id=picking.id, active_model="stock.picking")
                .create({})
            )
            wizard.product_return_moves.quantity = qty
            ret = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
            for move in ret.move_ids:
                move.quantity = move.product_uom_qty
            ret.move_ids.picked = True
            ret.button_validate()
        return ret

    def invoice(self, order, on, due):
        with freeze_time(on):
            invoice = order._create_invoices()
            invoice.write({"invoice_date": on, "invoice_payment_term_id": False})
            invoice.invoice_date_due = due
            invoice.action_post()
        return invoice

    def pay(self, invoice, on, amount=None):
        with freeze_time(on):
            vals = {"payment_date": on}
            if amount is not None:
                vals.update(amount=amount, payment_difference_handling="open")
            self.env["account.payment.register"].with_context(
                active_model="account.move",
                active_ids=invoice.ids,
            ).create(vals)._create_payments()

    def credit_note(self, invoice, on, qty):
        with freeze_time(on):
            wizard = (
                self.env["account.move.reversal"]
                .with_context(
                    active_model="account.move",
                    active_ids=invoice.ids,
                )
                .create({"reason": "Damaged", "journal_id": invoice.journal_id.id, "date": on})
            )
            credit_note = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
            credit_note.invoice_line_ids[0].quantity = qty
            credit_note.action_post()
        return credit_note

    def process_events(self, on):
        """What follows the commit of a transaction: the events it recorded are written,
        then the customer event queue's scheduled action processes them."""
        with freeze_time(on):
            self.env.flush_all()
            self.env.cr.precommit.run()
            return self.env["crm.customer.event"].sudo()._process_queue()  # as the cron does

    def refresh(self, on, company=None, partners=None):
        with freeze_time(on):
            ids = partners.ids if partners is not None else None
            return self.env["crm.customer.value"]._refresh(company or self.company, ids)

    def profile(self, partner, company=None):
        return self.env["crm.customer.value"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", (company or self.company).id)]
        )


TODAY = date(2026, 6, 30)
