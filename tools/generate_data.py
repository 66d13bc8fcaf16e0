"""Demo and benchmark data for crm_customer_management, deterministic by seed.

    python tools/generate_data.py -c odoo.conf -d DB --customers 200 [--seed 42]

Up to ``--orm-customers`` customers (default 200) are made through Odoo's own flows: leads
won and lost, confirmed sale orders with margins, validated deliveries and some customer
returns (the return wizard), posted invoices, credit notes (the reversal wizard), payments
on time and late (the payment wizard), some invoices left unpaid. Each customer follows a
latent behaviour profile (``BEHAVIOURS``: frequent small buyers, occasional big buyers,
late payers who return a lot, regular customers) that sets its order counts and sizes, its
returns and its payment delays; the clustering is measured against it.

Beyond that size (benchmarks: 100,000 customers and millions of lines) the ORM-made customers
are templates: their partners, orders, order lines, pickings, stock moves, invoices, journal
items and reconciliations are cloned with set-based ``INSERT ... SELECT`` statements, shifted
in time, with fresh ids and names. Cloned documents are as consistent as their templates
(balanced entries, reconciled payments) but carry no chatter or follower rows.

Run on a database where crm_customer_management is installed. Prints what it made and how
long it took.
"""

import argparse
import logging
import random
import sys
import time
from datetime import date, datetime, timedelta

import showcase_data  # tools/, beside this script

_logger = logging.getLogger("generate_data")

COUNTRIES = [
    "base.us",
    "base.be",
    "base.fr",
    "base.de",
    "base.nl",
    "base.uk",
    "base.es",
    "base.it",
    "base.ca",
    "base.in",
]
INDUSTRIES = [
    "base.res_partner_industry_A",
    "base.res_partner_industry_C",
    "base.res_partner_industry_F",
    "base.res_partner_industry_G",
    "base.res_partner_industry_I",
    "base.res_partner_industry_J",
    "base.res_partner_industry_M",
    "base.res_partner_industry_Q",
]
FIRST = [
    "Alex",
    "Sam",
    "Robin",
    "Charlie",
    "Jamie",
    "Morgan",
    "Taylor",
    "Jordan",
    "Casey",
    "Riley",
    "Avery",
    "Quinn",
    "Drew",
    "Elliot",
    "Hayden",
    "Kai",
    "Noa",
    "Lou",
]
LAST = [
    "Martin",
    "Peeters",
    "Dubois",
    "Müller",
    "Jansen",
    "Smith",
    "García",
    "Rossi",
    "Tremblay",
    "Sharma",
    "Lambert",
    "Maes",
    "Novak",
    "Costa",
    "Berg",
    "Keller",
]
COMPANY_WORDS = [
    "Blue",
    "North",
    "Atlas",
    "Nova",
    "Prime",
    "Green",
    "Delta",
    "Bright",
    "Silver",
    "Vertex",
    "Summit",
    "Harbor",
    "Orbit",
    "Pioneer",
    "Crest",
    "Maple",
]
COMPANY_KINDS = [
    "Industries",
    "Logistics",
    "Foods",
    "Systems",
    "Retail",
    "Labs",
    "Works",
    "Trading",
    "Health",
    "Studio",
]

HISTORY_DAYS = 3 * 365
# Latent behaviour profiles of the customers (see OrmGenerator.behaviours): share of the
# customers, orders over the history, units per order line, share of deliveries returned,
# share of invoices paid late and the mean delay of those (days). The benchmark measures how
# well the clustering finds them again (adjusted Rand index).
BEHAVIOURS = {
    "frequent_small": {
        "share": 0.3,
        "orders": (6, 10),
        "qty": (1, 2),
        "returns": 0.02,
        "late": 0.1,
        "delay": 10,
    },
    "occasional_big": {
        "share": 0.2,
        "orders": (1, 2),
        "qty": (25, 60),
        "returns": 0.02,
        "late": 0.2,
        "delay": 10,
    },
    "returns_late": {
        "share": 0.2,
        "orders": (2, 4),
        "qty": (3, 8),
        "returns": 0.5,
        "late": 0.9,
        "delay": 60,
    },
    "regular": {
        "share": 0.3,
        "orders": (2, 4),
        "qty": (4, 10),
        "returns": 0.04,
        "late": 0.3,
        "delay": 20,
    },
}


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument(
        "--orm-customers",
        type=int,
        default=200,
        help="customers made through the ORM; the rest are cloned by SQL",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--check",
        action="store_true",
        help="list the figures of last month's KPI dashboard (company, each salesperson) "
        "that are not defined; exit status 3 if any",
    )
    parser.add_argument(
        "--today", type=date.fromisoformat, default=None, help="reference date (default: today)"
    )
    args = parser.parse_args(argv)
    if args.customers < 1:
        parser.error("--customers must be at least 1")
    return args


class OrmGenerator:
    """Customers and their documents through Odoo's own flows, batched per step."""

    def __init__(self, env, rng, today):
        self.env = env
        self.rng = rng
        self.today = today
        self.company = env.company
        self.stats = {}
        # showcase (see showcase_data.py): last month's new customers, campaigns, leads
        self.newcomer_ids = set()
        self.campaigns = env["utm.campaign"]
        self.won_leads = self.lost_leads = env["crm.lead"]

    # -- master data ---------------------------------------------------
    def products(self):
        env = self.env
        vals = []
        for i in range(20):
            cost = round(self.rng.uniform(5, 400), 2)
            vals.append(
                {
                    "name": f"CCM Product {i + 1:02d}",
                    "default_code": f"CCM{i + 1:03d}",
                    "type": "consu",
                    "is_storable": True,
                    "standard_price": cost,
                    "list_price": round(cost * self.rng.uniform(1.15, 2.2), 2),
                    "invoice_policy": "order",
                }
            )
        products = env["product.product"].create(vals)
        stock = env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        env["stock.quant"].with_context(inventory_mode=True).create(
            [
                {
                    "product_id": p.id,
                    "location_id": stock.lot_stock_id.id,
                    "inventory_quantity": 1_000_000,
                }
                for p in products
            ]
        )._apply_inventory()
        return products

    def salespeople(self):
        group = self.env.ref("sales_team.group_sale_salesman")
        users = self.env["res.users"].search([("login", "=like", "ccm.sales%")])
        if not users:
            users = (
                self.env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    [
                        {
                            "name": f"{first} {last}",
                            "login": f"ccm.sales{i}",
                            "email": f"ccm.sales{i}@example.com",
                            "groups_id": [(6, 0, [group.id, self.env.ref("base.group_user").id])],
                        }
                        for i, (first, last) in enumerate(
                            [
                                ("Maria", "Lopez"),
                                ("Tom", "Becker"),
                                ("Aisha", "Khan"),
                                ("Luc", "Denis"),
                            ]
                        )
                    ]
                )
            )
        return users

    def foreign_pricelist(self):
        eur = self.env.ref("base.EUR")
        if eur == self.company.currency_id:
            eur = self.env.ref("base.USD")
        eur.active = True
        self.env["res.currency.rate"].search([("currency_id", "=", eur.id)]).unlink()
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "name": self.today - timedelta(days=HISTORY_DAYS + 30),
                "rate": 0.9,
                "company_id": self.company.id,
            }
        )
        return self.env["product.pricelist"].create(
            {"name": f"CCM {eur.name}", "currency_id": eur.id}
        )

    def customers(self, n, users):
        rng = self.rng
        env = self.env
        countries = [env.ref(x) for x in COUNTRIES]
        industries = [env.ref(x, raise_if_not_found=False) for x in INDUSTRIES]
        industries = [x for x in industries if x]
        term30 = env.ref("account.account_payment_term_30days", raise_if_not_found=False)
        vals = []
        iran = env.ref("base.ir")
        for i in range(n):
            is_company = rng.random() < 0.6
            country = rng.choice(countries)
            if is_company:
                name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)} {i + 1:05d}"
            else:
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i + 1:05d}"
            slug = name.lower().replace(" ", ".")
            if rng.random() < showcase_data.PERSIAN_SHARE:
                name, country = showcase_data.persian_name(rng, is_company, i), iran
                slug = f"customer{i + 1:05d}"
            v = {
                "name": name,
                "is_company": is_company,
                "country_id": country.id,
                "email": f"{slug}@example.com" if rng.random() < 0.9 else False,
                "phone": f"+1 555 {rng.randrange(10**6, 10**7)}" if rng.random() < 0.8 else False,
                "customer_rank": 1,
                "user_id": rng.choice(users).id,
            }
            if is_company:
                v["industry_id"] = rng.choice(industries).id if rng.random() < 0.8 else False
                v["vat"] = f"XX{rng.randrange(10**8, 10**9)}" if rng.random() < 0.6 else False
                if term30 and rng.random() < 0.7:
                    v["property_payment_term_id"] = term30.id
                v["child_ids"] = (
                    [
                        (
                            0,
                            0,
                            {
                                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                                "email": f"contact.{slug}@example.com",
                                "type": "contact",
                            },
                        )
                    ]
                    if rng.random() < 0.7
                    else []
                )
            vals.append(v)
        # a few duplicates: same e-mail as an earlier customer
        for v in vals[7::37]:
            v["email"] = vals[0]["email"] or "dup@example.com"
        return env["res.partner"].create(vals)

    def behaviours(self, customers):
        """Give each customer a latent behaviour profile (``BEHAVIOURS``), kept in its
        reference as ``behaviour:<name>`` (clones copy it); orders, returns and payments
        follow it. Its own random stream, so that the other steps draw as before."""
        rng = random.Random(self.rng.random())
        names = list(BEHAVIOURS)
        weights = [BEHAVIOURS[n]["share"] for n in names]
        self.behaviour = {}
        by_name = {}
        for c in customers:
            name = rng.choices(names, weights)[0]
            self.behaviour[c.id] = BEHAVIOURS[name]
            by_name.setdefault(name, []).append(c.id)
        for name, ids in by_name.items():
            self.env["res.partner"].browse(ids).write({"ref": f"behaviour:{name}"})
        self.stats.update({f"behaviour_{n}": len(ids) for n, ids in sorted(by_name.items())})

    # -- documents -----------------------------------------------------
    def leads(self, customers, users):
        env = self.env
        rng = self.rng
        won_vals = [
            {
                "name": f"Opportunity {c.name}",
                "partner_id": c.id,
                "type": "opportunity",
                "user_id": c.user_id.id,
                "expected_revenue": rng.randrange(1000, 50000),
            }
            for c in customers
        ]
        lost_vals = [
            {
                "name": f"Prospect {rng.choice(COMPANY_WORDS)} {i}",
                "type": "lead",
                "contact_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "email_from": f"prospect{i}@example.org",
                "user_id": rng.choice(users).id,
            }
            for i in range(max(1, len(customers) // 3))
        ]
        won = env["crm.lead"].create(won_vals)
        won.action_set_won()
        lost = env["crm.lead"].create(lost_vals)
        lost.action_set_lost()
        self.won_leads, self.lost_leads = won, lost
        open_leads = env["crm.lead"].create(
            [
                {
                    "name": f"New prospect {i}",
                    "type": "lead",
                    "email_from": f"new{i}@example.org",
                }
                for i in range(max(1, len(customers) // 5))
            ]
        )
        self.stats.update(leads_won=len(won), leads_lost=len(lost), leads_open=len(open_leads))

    def orders(self, customers, products, pricelist):
        """Skewed order counts and sizes; dates spread over the history window."""
        rng = self.rng
        vals, dates = [], []
        for c in customers:
            behaviour = self.behaviour[c.id]
            n_orders = rng.randint(*behaviour["orders"])
            start = rng.randrange(30, HISTORY_DAYS)
            days_ago = [rng.randrange(1, start + 1) for _k in range(n_orders)]
            newcomer = c.id in self.newcomer_ids
            if newcomer:
                days_ago = showcase_data.newcomer_days(rng, self.today, n_orders)
            for ago in days_ago:
                d = self.today - timedelta(days=ago)
                lines = [
                    (
                        0,
                        0,
                        {
                            "product_id": p.id,
                            "product_uom_qty": rng.randint(*behaviour["qty"]),
                            "price_unit": round(p.list_price * rng.uniform(0.85, 1.1), 2),
                        },
                    )
                    for p in rng.sample(list(products), rng.randint(2, 5))
                ]
                v = {"partner_id": c.id, "user_id": c.user_id.id, "order_line": lines}
                if pricelist and rng.random() < 0.1:
                    v["pricelist_id"] = pricelist.id
                if self.campaigns and (newcomer or rng.random() < 0.12):
                    v["campaign_id"] = rng.choice(self.campaigns).id
                vals.append(v)
                dates.append(d)
        orders = self.env["sale.order"].create(vals)
        orders.action_confirm()
        self._set_dates("sale_order", "date_order", orders.ids, dates, datetime_=True)
        self.stats["orders"] = len(orders)
        return orders, dict(zip(orders.ids, dates, strict=True))

    def deliveries(self, orders, order_dates):
        pickings = orders.picking_ids
        pickings.action_assign()
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
        pickings.move_ids.picked = True
        pickings.with_context(skip_backorder=True, skip_sms=True).button_validate()
        done = pickings.filtered(lambda p: p.state == "done")
        dates = [
            min(order_dates[p.sale_id.id] + timedelta(days=self.rng.randint(1, 6)), self.today)
            for p in done
        ]
        self._set_dates("stock_picking", "date_done", done.ids, dates, datetime_=True)
        self._set_move_dates(done, dates)
        self.stats["deliveries"] = len(done)
        return done

    def returns(self, deliveries):
        rng = self.rng
        to_return = deliveries.filtered(
            lambda p: (
                rng.random() < self.behaviour[p.partner_id.commercial_partner_id.id]["returns"]
            )
        )
        returns = self.env["stock.picking"]
        for picking in to_return:
            wizard = (
                self.env["stock.return.picking"]
                .with_context(active_id=picking.id, active_model="stock.picking")
                .create({})
            )
            for line in wizard.product_return_moves:
                line.quantity = max(1, int(line.move_id.quantity * rng.uniform(0.2, 1.0)))
            returns |= self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        for move in returns.move_ids:
            move.quantity = move.product_uom_qty
        returns.move_ids.picked = True
        returns.with_context(skip_backorder=True).button_validate()
        dates = [
            min(p.return_id.date_done.date() + timedelta(days=rng.randint(3, 20)), self.today)
            for p in returns
        ]
        self._set_dates("stock_picking", "date_done", returns.ids, dates, datetime_=True)
        self._set_move_dates(returns, dates)
        self.stats["returns"] = len(returns)

    def invoices(self, orders, order_dates):
        rng = self.rng
        invoices = orders._create_invoices(grouped=True)
        by_order = {inv.invoice_line_ids.sale_line_ids.order_id[:1].id: inv for inv in invoices}
        for order_id, inv in by_order.items():
            inv.invoice_date = min(
                order_dates[order_id] + timedelta(days=rng.randint(0, 5)), self.today
            )
        invoices.action_post()
        self.stats["invoices"] = len(invoices)
        return invoices

    def credit_notes(self, invoices):
        rng = self.rng
        to_credit = invoices.filtered(lambda m: rng.random() < 0.05)
        credit_notes = self.env["account.move"]
        for inv in to_credit:
            wizard = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=inv.ids)
                .create(
                    {
                        "reason": "Goods damaged",
                        "journal_id": inv.journal_id.id,
                        "date": min(
                            inv.invoice_date + timedelta(days=rng.randint(5, 40)), self.today
                        ),
                    }
                )
            )
            action = wizard.refund_moves()
            credit_notes |= self.env["account.move"].browse(action.get("res_id"))
        # partial credit notes: keep one line at a lower quantity
        for cn in credit_notes:
            if rng.random() < 0.5 and cn.invoice_line_ids:
                line = cn.invoice_line_ids[0]
                cn.invoice_line_ids = [(2, x.id) for x in cn.invoice_line_ids[1:]]
                line.quantity = max(1, line.quantity // 2)
        credit_notes.action_post()
        self.stats["credit_notes"] = len(credit_notes)
        return credit_notes

    def payments(self, invoices):
        """About 85 % paid: 60 % on time, the rest 1-90 days late; the others stay unpaid.
        Payments are registered in weekly runs (each Friday, as many accounting teams do):
        one payment wizard per run for all the invoices it pays."""
        rng = self.rng
        runs = {}
        for inv in invoices.filtered(lambda m: m.amount_residual > 0):
            if rng.random() > 0.85:
                continue
            due = inv.invoice_date_due
            behaviour = self.behaviour[inv.commercial_partner_id.id]
            delay = (
                int(rng.expovariate(1 / behaviour["delay"])) + 1
                if rng.random() < behaviour["late"]
                else rng.randint(-10, 0)
            )
            pay_date = max(due + timedelta(days=delay), inv.invoice_date)
            pay_date += timedelta(days=(4 - pay_date.weekday()) % 7)  # that week's Friday
            pay_date = min(pay_date, self.today)
            runs.setdefault(pay_date, []).append(inv.id)
        for pay_date, ids in sorted(runs.items()):
            self.env["account.payment.register"].with_context(
                active_model="account.move",
                active_ids=ids,
            ).create({"payment_date": pay_date, "group_payment": False})._create_payments()
        self.stats["payments"] = sum(len(ids) for ids in runs.values())
        self.stats["payment_runs"] = len(runs)

    # -- helpers ---------------------------------------------------------
    def _set_dates(self, table, column, ids, dates, datetime_=False):
        """One UPDATE for all rows: Odoo stamps documents with today's date when they are
        confirmed or validated; the history needs them spread over the past."""
        if not ids:
            return
        self.env.flush_all()
        values = [
            datetime.combine(d, datetime.min.time()) + timedelta(hours=10) if datetime_ else d
            for d in dates
        ]
        self.env.cr.execute(
            f"UPDATE {table} t SET {column} = v.d FROM unnest(%s::int[], %s::timestamp[]) "  # noqa: S608
            "AS v(id, d) WHERE t.id = v.id",
            [list(ids), values],
        )
        self.env.invalidate_all()

    def _set_move_dates(self, pickings, dates):
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE stock_move m SET date = v.d FROM unnest(%s::int[], %s::timestamp[])
                   AS v(id, d) WHERE m.picking_id = v.id""",
            [pickings.ids, [datetime.combine(d, datetime.min.time()) for d in dates]],
        )
        self.env.invalidate_all()

    def run(self, n):
        t0 = time.time()
        timings = {}

        def step(name, func, *a):
            t = time.time()
            res = func(*a)
            timings[name] = round(time.time() - t, 1)
            _logger.info("generated %s in %.1f s", name, timings[name])
            return res

        products = step("products", self.products)
        users = self.salespeople()
        pricelist = self.foreign_pricelist()
        customers = step("customers", self.customers, n, users)
        self.behaviours(customers)
        self.newcomer_ids = showcase_data.pick_newcomers(customers)
        self.campaigns = showcase_data.campaigns(self.env)
        step("leads", self.leads, customers, users)
        orders, order_dates = step("orders", self.orders, customers, products, pricelist)
        deliveries = step("deliveries", self.deliveries, orders, order_dates)
        step("returns", self.returns, deliveries)
        invoices = step("invoices", self.invoices, orders, order_dates)
        step("credit_notes", self.credit_notes, invoices)
        step("payments", self.payments, invoices)
        _logger.info("ORM steps (s): %s", timings)
        print("ORM steps (s): " + ", ".join(f"{k}={v}" for k, v in timings.items()))
        self.stats["customers"] = len(customers)
        self.stats["orm_seconds"] = round(time.time() - t0, 1)
        self.orders_made, self.order_dates = orders, order_dates
        return customers


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    import odoo  # noqa: PLC0415 - Odoo is importable once PYTHONPATH points at its source
    from odoo.tools import config

    config.parse_config(["-c", args.config, "--log-level=warn"])
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
    import clone_data  # noqa: PLC0415

    registry = odoo.modules.registry.Registry.new(args.database)
    rng = random.Random(args.seed)
    today = args.today or date.today()
    t0 = time.time()
    with registry.cursor() as cr:
        env = odoo.api.Environment(
            cr,
            odoo.SUPERUSER_ID,
            {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True},
        )
        n_orm = min(args.customers, args.orm_customers)
        gen = OrmGenerator(env, rng, today)
        templates = gen.run(n_orm)
        stats = dict(gen.stats)
        if args.customers > n_orm:
            stats.update(
                clone_data.clone_customers(env, templates, args.customers - n_orm, rng, today)
            )
        # commit and ANALYZE before the full refresh: the statistics of a fresh install are
        # those of empty tables, on which the refresh's joins would be planned
        cr.commit()
        cr.execute("ANALYZE")
        showcase = showcase_data.Showcase(env, rng, today, templates)
        stats.update(showcase.run_after_documents(gen))
        env["crm.customer.value"]._cron_refresh_all()
        env["crm.customer.lifecycle"]._cron_evaluate_all()
        stats.update(showcase.run_after_refresh())
        # the events the ORM flows recorded, done now rather than by the first cron run
        env["crm.customer.event"]._process_queue()
        cr.commit()
        stats["total_seconds"] = round(time.time() - t0, 1)
        print("generated: " + ", ".join(f"{k}={v}" for k, v in stats.items()))
        return showcase_data.check_or_exit(env, today) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
