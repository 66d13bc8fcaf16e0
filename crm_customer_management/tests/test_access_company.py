from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user

from .common import CustomerManagementCase


class DedicatedCompanyCase(CustomerManagementCase):
    """The fixtures in a company of their own, with a chart of accounts and a warehouse:
    the company-wide figures (KPIs, full value refreshes, tiers, quintiles) then count the
    test's documents only, on a database with Odoo's demo data too. The test users work in
    that company; the superuser's environment has it as its current company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        main = cls.company
        main_cost = cls.product.standard_price  # company-dependent
        company = cls.env["res.company"].create(
            {"name": f"CCM {cls.__name__}", "currency_id": main.currency_id.id}
        )
        cls.env.user.company_ids |= company
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        cls.env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        for user in (cls.salesman, cls.sales_manager):
            user.write({"company_ids": [Command.link(company.id)], "company_id": company.id})
        cls.company = company
        cls.product.with_company(company).standard_price = main_cost
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 1000
        )
        company.write(
            {
                field: main[field]
                for field in (
                    "ccm_cost_per_order",
                    "ccm_cost_per_delivery",
                    "ccm_cost_per_return",
                    "ccm_cost_per_complaint",
                    "ccm_capital_cost_rate",
                )
            }
        )

    def confirm_orders(self, partners, days, product):
        """One order of one ``product`` at 100 per customer on each of these days,
        confirmed in the dedicated company."""
        for day in days:
            with freeze_time(day):
                orders = self.env["sale.order"].create(
                    [
                        {
                            "partner_id": partner.id,
                            "company_id": self.company.id,
                            "order_line": [
                                Command.create(
                                    {
                                        "product_id": product.id,
                                        "product_uom_qty": 1,
                                        "price_unit": 100.0,
                                    }
                                )
                            ],
                        }
                        for partner in partners
                    ]
                )
                orders.action_confirm()

    @classmethod
    def company_user(cls, login, groups, **values):
        """A user of the dedicated company only."""
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            **values,
        )
