"""The demo's showcase: what makes every screen of crm_customer_management show something.

``generate_data.py`` makes customers, leads, orders, deliveries, invoices and payments over
three years; this module adds, through the addon's and Odoo's own flows:

- Persian and English customer names (the first users read Persian);
- a few customers acquired last month by each salesperson, through a campaign, so that the
  dashboard's default period (last month) has new customers, campaign orders and deliveries;
- won leads linked to the customer's first order (days from lead to first order), leads
  closed over the history (won and lost, some last month for each salesperson);
- marketing campaigns with their costs, acquisition costs booked as vendor bills on an
  acquisition cost account, non-zero unit costs to serve;
- needs on customers;
- the lifecycle history of three years (the lifecycle rules replayed twice a month), so that
  churn and retention have customers active at the start of a period;
- complaints in every stage, in and out of their SLA, with credit notes (the reversal wizard)
  and returns (the return wizard) made from them, satisfaction surveys answered, outcomes;
- NPS answers with comments, the relationship NPS programme's last two monthly waves
  (invitations sent, some answered), next best offers made and accepted in the last two
  months, a portal user with complaints, deliveries promised five days after the order
  (some late), Persian installed;
- ``check()``: every figure of the KPI dashboard as a manager opens it (last month, the
  company and each salesperson), its previous period and its charts, must be defined.

Everything here concerns the ORM-made (template) customers only, so its cost does not grow
with the benchmark sizes.
"""

import logging
import time
from collections import defaultdict
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from unittest.mock import patch

_logger = logging.getLogger("generate_data")

PERSIAN_SHARE = 0.35
PERSIAN_FIRST = ["علی", "مریم", "رضا", "زهرا", "حسین", "فاطمه", "امیر", "سارا", "مهدی", "نگار"]
PERSIAN_LAST = ["احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "جعفری", "صادقی"]
PERSIAN_COMPANY_KINDS = ["بازرگانی", "صنایع", "پخش", "فناوری", "تجهیزات", "گروه"]
PERSIAN_COMPANY_WORDS = ["آریا", "پارس", "البرز", "زاگرس", "سپهر", "کیان", "مهر", "نوین"]

# customers acquired last month, per salesperson
NEWCOMERS_PER_SALESPERSON = 2
PORTAL_LOGIN = "customer"
PORTAL_PASSWORD = "customer"  # noqa: S105 - a documented demo login

CAMPAIGNS = [
    ("Nowruz offer / پیشنهاد نوروزی", 9000),
    ("Trade fair / نمایشگاه صنعت", 14000),
    ("Newsletter", 2500),
    ("Online ads / تبلیغات آنلاین", 7000),
]
NEED_NOTES = [
    "Needs delivery before the end of the Persian month.",
    "تحویل سریع برایشان مهم‌تر از قیمت است.",
    "Asks for a monthly statement of account.",
    "به پشتیبانی فنی تلفنی نیاز دارند.",
    "Wants a dedicated contact person.",
    "پرداخت اقساطی می‌خواهند.",
    "",
]
NPS_COMMENTS = {
    "promoter": [
        "Always on time, great people.",
        "کیفیت عالی و پاسخگویی سریع.",
        "We recommend you to all our partners.",
        "از همکاری با شما بسیار راضی هستیم.",
    ],
    "passive": [
        "Good products, prices could be better.",
        "خوب است ولی گاهی تحویل دیر می‌شود.",
        "Fine overall.",
    ],
    "detractor": [
        "Too many late deliveries this year.",
        "پاسخ به شکایت ما خیلی طول کشید.",
        "Invoices often have errors.",
    ],
}
CSAT_COMMENTS = {
    True: ["Solved quickly, thank you.", "مشکل ما سریع حل شد، ممنون.", "Fair compensation."],
    False: ["It took far too long.", "هنوز از نتیجه راضی نیستیم.", "Nobody called us back."],
}
# (subject, category, root cause, what it is about: delivery or invoice)
COMPLAINTS = [
    ("Damaged goods on arrival", "product", "product", "delivery"),
    ("کالا آسیب‌دیده رسید", "product", "product", "delivery"),
    ("Delivery two weeks late", "delivery", "delay", "delivery"),
    ("تأخیر در ارسال سفارش", "delivery", "delay", "delivery"),
    ("Wrong item delivered", "delivery", "wrong_item", "delivery"),
    ("Invoice amount is wrong", "billing", "billing", "invoice"),
    ("مبلغ فاکتور اشتباه است", "billing", "billing", "invoice"),
    ("Rude answer on the phone", "service", "behaviour", "invoice"),
    ("Product does not do what was promised", "product", "expectation", "invoice"),
]
CHANNELS = ["phone", "email", "portal", "chat", "in_person", "social"]
SEVERITIES = ["low", "medium", "medium", "high", "critical"]
STAGES = ["new", "acknowledged", "investigating", "proposed", "resolved", "closed"]
MOD = "crm_customer_management"
# exit status of ``generate_data.py --check`` when a dashboard figure is undefined
CHECK_FAILED = 3


def last_month(today):
    """The dashboard's default period: the previous calendar month."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def at(d, hour=10):
    return datetime.combine(d, datetime.min.time()) + timedelta(hours=hour)


def persian_name(rng, is_company, i):
    if is_company:
        return (
            f"{rng.choice(PERSIAN_COMPANY_KINDS)} {rng.choice(PERSIAN_COMPANY_WORDS)} {i + 1:05d}"
        )
    return f"{rng.choice(PERSIAN_FIRST)} {rng.choice(PERSIAN_LAST)} {i + 1:05d}"


def pick_newcomers(customers):
    """Per salesperson, the customers who place their first order last month."""
    by_user = defaultdict(list)
    for c in customers:
        by_user[c.user_id.id].append(c.id)
    return {pid for ids in by_user.values() for pid in ids[-NEWCOMERS_PER_SALESPERSON:]}


def newcomer_days(rng, today, n_orders):
    """Days before ``today`` of a newcomer's orders: the first in the first half of last
    month (its delivery and invoice then fall in the same month), the others after it."""
    start, __ = last_month(today)
    first = start + timedelta(days=rng.randint(1, 10))
    days = [(today - first).days]
    for _k in range(n_orders - 1):
        days.append(rng.randint(1, days[0]))
    return days


def campaigns(env):
    return env["utm.campaign"].create([{"name": name} for name, __ in CAMPAIGNS])


class Showcase:
    """The showcase content of one demo database (see the module's docstring)."""

    def __init__(self, env, rng, today, customers):
        self.env = env
        self.rng = rng
        self.today = today
        self.company = env.company
        self.customers = customers
        self.month_start, self.month_end = last_month(today)
        # the month before: the dashboard's previous period, its cards' "previous" figures
        self.prev_start, self.prev_end = last_month(self.month_start)
        self.stats = {}

    def showcase_month(self, day):
        """(first day, last day) of the dashboard's period (last month) or of its previous
        period when ``day`` falls in one, else None."""
        for start, end in ((self.prev_start, self.prev_end), (self.month_start, self.month_end)):
            if start <= day <= end:
                return start, end
        return None

    def ref(self, xmlid):
        return self.env.ref(f"{MOD}.{xmlid}")

    # -- logins, settings and costs ----------------------------------------
    def salesperson_logins(self):
        """The salespeople log in with their login as password (documented in the README)."""
        for user in self.env["res.users"].search([("login", "=like", "ccm.sales%")]):
            user.password = user.login

    def unit_costs(self):
        self.company.write(
            {
                "ccm_cost_per_order": 12.0,
                "ccm_cost_per_delivery": 18.0,
                "ccm_cost_per_return": 35.0,
                "ccm_cost_per_complaint": 60.0,
            }
        )

    def campaign_costs(self, campaign_records):
        """Monthly costs of each campaign over the history (staff time, printing...)."""
        vals = []
        first = (self.today - timedelta(days=3 * 365)).replace(day=1)
        for campaign, (__, budget) in zip(campaign_records, CAMPAIGNS, strict=True):
            month = first
            while month <= self.month_start:
                vals.append(
                    {
                        "campaign_id": campaign.id,
                        "date": month + timedelta(days=self.rng.randint(0, 20)),
                        "name": f"{campaign.name} - {month:%Y-%m}",
                        "amount": round(budget * self.rng.uniform(0.6, 1.3), 2),
                        "company_id": self.company.id,
                    }
                )
                month = (month + timedelta(days=32)).replace(day=1)
        self.env["crm.customer.campaign.cost"].create(vals)
        self.stats["campaign_costs"] = len(vals)

    def acquisition_costs(self):
        """An advertising account counted as acquisition cost, and a vendor bill on it each
        month (an agency's invoice)."""
        env = self.env
        code = "ccm6100"
        account = env["account.account"].search(
            [("code", "=", code), ("company_ids", "in", self.company.id)], limit=1
        ) or env["account.account"].create(
            {
                "name": "Advertising and trade fairs (customer acquisition)",
                "code": code,
                "account_type": "expense",
                "company_ids": [(6, 0, self.company.ids)],
            }
        )
        self.company.ccm_acquisition_account_ids = [(4, account.id)]
        agency = env["res.partner"].create({"name": "آژانس تبلیغاتی نگاه (Negah Agency)"})
        vals = []
        month = (self.today - timedelta(days=3 * 365)).replace(day=1)
        while month <= self.month_start:
            vals.append(
                {
                    "move_type": "in_invoice",
                    "partner_id": agency.id,
                    "invoice_date": month + timedelta(days=self.rng.randint(0, 25)),
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": f"Advertising {month:%Y-%m}",
                                "account_id": account.id,
                                "quantity": 1,
                                "price_unit": round(self.rng.uniform(15000, 35000), 2),
                                "tax_ids": [(5, 0, 0)],
                            },
                        )
                    ],
                }
            )
            month = (month + timedelta(days=32)).replace(day=1)
        bills = env["account.move"].create(vals)
        bills.action_post()
        self.stats["acquisition_bills"] = len(bills)

    # -- leads ---------------------------------------------------------------
    def date_leads(self, won, lost, orders, order_dates):
        """Won leads: opened weeks before the customer's first order, won a few days before
        it, the order linked to them. Lost leads: closed over the history, the first of each
        salesperson last month."""
        rng = self.rng
        first_order = {}
        for order in orders.sorted(lambda o: (order_dates[o.id], o.id)):
            first_order.setdefault(order.partner_id.id, order)
        rows = []  # (lead id, created, closed)
        links = []  # (order id, lead id)
        history_start = self.today - timedelta(days=3 * 365 + 60)
        for lead in won:
            order = first_order.get(lead.partner_id.id)
            if not order:
                continue
            d = order_dates[order.id]
            closed = d - timedelta(days=rng.randint(0, 5))
            if d >= self.month_start:
                closed = max(closed, self.month_start)
            created = max(closed - timedelta(days=rng.randint(7, 75)), history_start)
            rows.append((lead.id, at(created, 9), at(closed, 15)))
            links.append((order.id, lead.id))
        seen = set()
        for lead in lost:
            if lead.user_id.id not in seen:
                seen.add(lead.user_id.id)
                closed = self.month_start + timedelta(days=rng.randint(0, 20))
            else:
                closed = self.today - timedelta(days=rng.randint(40, 3 * 365))
            created = closed - timedelta(days=rng.randint(5, 60))
            rows.append((lead.id, at(created, 9), at(closed, 15)))
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """UPDATE crm_lead l SET create_date = v.created, date_open = v.created,
                      date_closed = v.closed, date_last_stage_update = v.closed,
                      day_open = 0,
                      day_close = ROUND(EXTRACT(EPOCH FROM v.closed - v.created) / 86400.0)
                 FROM unnest(%s::int[], %s::timestamp[], %s::timestamp[])
                      AS v(id, created, closed)
                WHERE l.id = v.id""",
            [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
        )
        cr.execute(
            """UPDATE sale_order so SET opportunity_id = v.lead
                 FROM unnest(%s::int[], %s::int[]) AS v(id, lead) WHERE so.id = v.id""",
            [[x[0] for x in links], [x[1] for x in links]],
        )
        self.env.invalidate_all()
        self.stats["leads_linked_to_orders"] = len(links)

    # -- deliveries -----------------------------------------------------------
    def delivery_promises(self, orders):
        """Deliveries promised five days after the order (the generator validated them
        today, then dated them 1-6 days after the order): those done on the sixth day are
        late in the delivery KPIs."""
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE stock_picking sp
                  SET scheduled_date = so.date_order + INTERVAL '5 days',
                      date_deadline = CASE WHEN sp.date_deadline IS NOT NULL
                                           THEN so.date_order + INTERVAL '5 days' END
                 FROM sale_order so
                WHERE so.id = sp.sale_id AND so.id = ANY(%s)
                  AND sp.picking_type_id IN (SELECT id FROM stock_picking_type
                                              WHERE code = 'outgoing')""",
            [orders.ids],
        )
        self.stats["deliveries_late"] = self._late_count(orders)
        self.env.invalidate_all()

    def _late_count(self, orders):
        self.env.cr.execute(
            """SELECT COUNT(*) FROM stock_picking
                WHERE sale_id = ANY(%s) AND state = 'done'
                  AND date_done > COALESCE(date_deadline, scheduled_date)""",
            [orders.ids],
        )
        return self.env.cr.fetchone()[0]

    # -- needs ----------------------------------------------------------------
    def needs(self):
        rng = self.rng
        categories = self.env["crm.customer.need.category"].search([])
        vals = []
        for c in self.customers:
            if rng.random() > 0.65:
                continue
            for category in rng.sample(list(categories), rng.randint(1, min(3, len(categories)))):
                vals.append(
                    {
                        "partner_id": c.id,
                        "category_id": category.id,
                        "importance": str(rng.randint(1, 5)),
                        "source": rng.choice(["interaction", "survey", "lead", "interaction"]),
                        "note": rng.choice(NEED_NOTES) or False,
                        "user_id": c.user_id.id,
                        "company_id": self.company.id,
                    }
                )
        self.env["crm.customer.need"].create(vals)
        self.stats["needs"] = len(vals)

    # -- lifecycle history ------------------------------------------------------
    def lifecycle_history(self):
        """The lifecycle rules replayed on the 14th and the last day of each month of the
        history, as the nightly evaluation would have run them. Past moves run no playbook
        (no e-mail or activity dated years ago): they are recorded with "nothing to run"."""
        from freezegun import freeze_time  # noqa: PLC0415 - Odoo's test dependency

        Lifecycle = self.env["crm.customer.lifecycle"]
        partner_ids = self.customers.commercial_partner_id.ids
        first = self.today - timedelta(days=3 * 365)
        points = []
        month = first.replace(day=1)
        while month <= self.month_start:
            end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            points += [month.replace(day=14), end]
            month = end + timedelta(days=1)
        points = [p for p in points if first <= p <= self.month_end]
        moves = 0
        cls = type(Lifecycle)
        with ExitStack() as stack:
            stack.enter_context(patch.object(cls, "_playbook_actions", lambda *a, **k: {}))
            for point in points:
                with freeze_time(at(point, 22)):
                    moves += Lifecycle._evaluate(self.company, partner_ids)
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE crm_customer_lifecycle_history
                  SET playbook_done = FALSE, playbook_state = 'none'
                WHERE company_id = %s AND date < %s""",
            [self.company.id, at(self.today, 0)],
        )
        self.env.invalidate_all()
        self.stats["lifecycle_moves"] = moves

    # -- satisfaction --------------------------------------------------------------
    def _answer(self, survey, partner, score, comment):
        """A survey answer of ``partner`` filled as the survey form saves it."""
        questions = survey.question_ids.sorted("sequence")
        scale = questions.filtered(lambda q: q.question_type == "scale")[:1]
        text = questions.filtered(lambda q: q.question_type == "text_box")[:1]
        answer = survey._create_answer(partner=partner, check_attempts=False)
        return self._fill(answer, scale, text, score, comment)

    def _fill(self, answer, scale, text, score, comment):
        answer._mark_in_progress()
        answer._save_lines(scale, str(score))
        if text and comment:
            answer._save_lines(text, comment)
        return answer

    def nps_answers(self):
        """NPS answers over the history; for each salesperson some last month and some the
        month before."""
        rng = self.rng
        survey = self.ref("survey_nps")
        answers, dates = self.env["survey.user_input"], []
        recent, before = set(), set()
        for c in self.customers:
            n = 0
            if c.user_id.id not in recent or rng.random() < 0.15:
                recent.add(c.user_id.id)
                dates.append(at(self.month_start + timedelta(days=rng.randint(0, 25)), 11))
                n += 1
            elif c.user_id.id not in before or rng.random() < 0.1:
                before.add(c.user_id.id)
                dates.append(at(self.prev_start + timedelta(days=rng.randint(0, 25)), 11))
                n += 1
            elif rng.random() < 0.5:
                dates.append(at(self.today - timedelta(days=rng.randint(40, 3 * 365)), 11))
                n += 1
            for _k in range(n):
                score = min(10, max(0, int(round(rng.gauss(8.3, 2)))))
                kind = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                comment = rng.choice(NPS_COMMENTS[kind]) if rng.random() < 0.7 else ""
                answers |= self._answer(survey, c, score, comment)
        answers._mark_done()
        self._date_answers(answers, dates)
        self.stats["nps_answers"] = len(answers)

    def _date_answers(self, answers, dates):
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE survey_user_input ui
                  SET start_datetime = v.d - INTERVAL '3 minutes', end_datetime = v.d,
                      create_date = v.d - INTERVAL '1 day'
                 FROM unnest(%s::int[], %s::timestamp[]) AS v(id, d) WHERE ui.id = v.id""",
            [answers.ids, dates],
        )
        self.env.invalidate_all()

    # -- complaints -------------------------------------------------------------------
    def complaint_plan(self):
        """(customer, date opened, last stage, in SLA) of each complaint: the history's,
        two per salesperson opened and closed last month and two the month before, and
        open ones in every stage."""
        rng = self.rng
        plan = []
        customers = list(self.customers)
        for _k in range(max(12, len(customers) // 5)):
            opened = self.today - timedelta(days=rng.randint(70, 3 * 365 - 30))
            plan.append((rng.choice(customers), opened, "closed", rng.random() < 0.75))
        by_user = defaultdict(list)
        for c in customers:
            by_user[c.user_id.id].append(c)
        for own in by_user.values():
            for start in (self.month_start, self.prev_start):
                for in_sla in (True, False):
                    opened = start + timedelta(days=rng.randint(1, 6))
                    plan.append((rng.choice(own), opened, "closed", in_sla))
        for i, stage in enumerate(STAGES[:-1] * 2):
            # the first round opened these days, the second weeks ago: their SLA breached
            opened = self.today - timedelta(
                days=rng.randint(0, 2) if i < 5 else rng.randint(20, 45)
            )
            plan.append((rng.choice(customers), opened, stage, i < 5))
        return plan

    def complaints(self):
        """Complaints made and moved through their stages as the back office does; then the
        dates of their flow set to the plan's (opened in the past)."""
        plan = self.complaint_plan()
        deliveries = self._documents("stock.picking", [("picking_type_code", "=", "outgoing")])
        invoices = self._documents("account.move", [("move_type", "=", "out_invoice")])
        made = []
        for customer, opened, stage, in_sla in plan:
            made.append(self._complaint(customer, opened, stage, in_sla, deliveries, invoices))
        portal = self.portal_user()
        for stage, days in (("closed", 50), ("investigating", 4), ("new", 1)):
            made.append(
                self._complaint(
                    portal.partner_id,
                    self.today - timedelta(days=days),
                    stage,
                    True,
                    deliveries,
                    invoices,
                    channel="portal",
                )
            )
        complaints = self.env["crm.complaint"].browse(c.id for c in made)
        self.stats["complaints"] = len(complaints)
        self.stats["complaint_credit_notes"] = len(complaints.credit_note_ids)
        self.stats["complaint_returns"] = len(complaints.return_picking_ids)
        # open complaints past their deadline: escalated as the hourly cron does
        self.stats["complaints_escalated"] = self.env["crm.complaint"]._cron_escalate()

    def _documents(self, model, domain):
        """Done deliveries or posted invoices of each customer, oldest first."""
        records = self.env[model].search(
            domain
            + [
                ("partner_id", "child_of", self.customers.ids),
                ("state", "in", ["done", "posted"]),
            ]
        )
        by_partner = defaultdict(list)
        for r in records:
            by_partner[r.partner_id.commercial_partner_id.id].append(r)
        return by_partner

    def _complaint(self, customer, opened, stage, in_sla, deliveries, invoices, channel=None):
        rng = self.rng
        env = self.env
        subject, category, cause, about = rng.choice(COMPLAINTS)
        commercial = customer.commercial_partner_id
        delivery = [d for d in deliveries.get(commercial.id, []) if d.date_done.date() < opened]
        invoice = [m for m in invoices.get(commercial.id, []) if m.invoice_date < opened]
        severity = rng.choice(SEVERITIES)
        opened_at = at(opened, rng.randint(8, 15)) + timedelta(minutes=rng.randint(0, 59))
        opened_at = min(opened_at, datetime.now() - timedelta(hours=2))
        vals = {
            "subject": subject,
            "partner_id": customer.id,
            "channel": channel or rng.choice(CHANNELS),
            "category_id": self.ref(f"complaint_category_{category}").id,
            "severity": severity,
            "description": f"<p>{subject}</p>",
            "company_id": self.company.id,
            "user_id": commercial.user_id.id or False,
            "date_open": opened_at,
        }
        if about == "delivery" and delivery:
            vals.update(picking_id=delivery[-1].id, sale_order_id=delivery[-1].sale_id.id)
        if invoice:
            vals["invoice_id"] = invoice[-1].id
        complaint = env["crm.complaint"].create(vals)
        if channel == "portal":
            complaint.message_subscribe(partner_ids=customer.ids)
        target = STAGES.index(stage)
        for name in STAGES[1 : target + 1]:
            if name == "closed":
                complaint.write(
                    {
                        "root_cause_id": self.ref(f"complaint_root_cause_{cause}").id,
                        "resolution_summary": rng.choice(
                            [
                                "Replaced and credited; we changed the packaging.",
                                "مبلغ اصلاح شد و فاکتور جدید صادر شد.",
                                "Apologised, delivery process reviewed with the carrier.",
                            ]
                        ),
                    }
                )
            complaint.write({"stage_id": self.ref(f"complaint_stage_{name}").id})
        self._date_flow(complaint, opened_at, target, in_sla)
        if target >= STAGES.index("resolved"):
            self._compensate(complaint)
            self._csat(complaint, in_sla)
        if stage == "closed":
            complaint.outcome = rng.choices(["retained", "won_back", "lost"], [6, 2, 1])[0]
        return complaint

    def _date_flow(self, complaint, opened_at, target, in_sla):
        """The flow stamped its dates now: set them to the plan's, as if the complaint had
        been handled then; in SLA or late by the plan. Never after now."""
        rng = self.rng
        c = complaint.sudo()
        now = datetime.now()
        vals = {}
        first_span = c.first_response_deadline - opened_at
        resolve_span = c.resolution_deadline - opened_at
        if target >= 1:
            factor = rng.uniform(0.2, 0.9) if in_sla else rng.uniform(1.2, 1.8)
            vals["date_first_response"] = min(opened_at + first_span * factor, now)
        if target >= STAGES.index("resolved"):
            factor = rng.uniform(0.3, 0.95) if in_sla else rng.uniform(1.2, 1.8)
            resolved = opened_at + resolve_span * factor
            month = self.showcase_month(opened_at.date())
            if month:  # resolved within the month it was opened in
                resolved = min(resolved, at(month[1], 12))
            resolved = max(min(resolved, now), vals["date_first_response"])
            vals["date_resolved"] = resolved
            if target == STAGES.index("closed"):
                closed = resolved + timedelta(hours=rng.randint(1, 30))
                if opened_at.date() <= self.month_end:
                    closed = min(closed, at((month or (None, self.month_end))[1], 17))
                vals["date_closed"] = max(min(closed, now), resolved)
        if vals:
            c.write(vals)

    def _compensate(self, complaint):
        """A credit note from the reversal wizard on about a third of the resolved complaints
        with an invoice, a return from the return wizard on about half of those with a
        delivery; both dated at the resolution."""
        rng = self.rng
        env = self.env
        resolved = complaint.sudo().date_resolved
        if complaint.invoice_id and rng.random() < 0.35:
            action = complaint.action_credit_note()
            wizard = (
                env[action["res_model"]]
                .with_context(**action["context"])
                .create(
                    {
                        "reason": action["context"]["default_reason"],
                        "journal_id": complaint.invoice_id.journal_id.id,
                        "date": resolved.date(),
                    }
                )
            )
            note = env["account.move"].browse(wizard.refund_moves()["res_id"])
            line = note.invoice_line_ids[:1]
            note.invoice_line_ids = [(2, x.id) for x in note.invoice_line_ids[1:]]
            line.quantity = max(1, line.quantity // 3)
            note.action_post()
        if complaint.picking_id and rng.random() < 0.5:
            action = complaint.action_return()
            wizard = env[action["res_model"]].with_context(**action["context"]).create({})
            for line in wizard.product_return_moves:
                line.quantity = max(1, int(line.move_id.quantity * rng.uniform(0.1, 0.5)))
            returned = env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
            for move in returned.move_ids:
                move.quantity = move.product_uom_qty
            returned.move_ids.picked = True
            returned.with_context(skip_backorder=True).button_validate()
            env.flush_all()
            env.cr.execute(
                "UPDATE stock_picking SET date_done = %s WHERE id = %s", [resolved, returned.id]
            )
            env.cr.execute(
                "UPDATE stock_move SET date = %s WHERE picking_id = %s", [resolved, returned.id]
            )
            env.invalidate_all()

    def _csat(self, complaint, in_sla):
        """The customer answers the survey the resolution sent (most of them do)."""
        rng = self.rng
        answer = complaint.sudo().survey_answer_id
        resolved = complaint.sudo().date_resolved
        recent = self.showcase_month(resolved.date())
        if not answer or (not recent and rng.random() < 0.25):
            return
        score = rng.choice([4, 5, 5, 3]) if in_sla else rng.choice([1, 2, 3, 4])
        survey = answer.survey_id
        questions = survey.question_ids
        self._fill(
            answer,
            questions.filtered(lambda q: q.question_type == "scale")[:1],
            questions.filtered(lambda q: q.question_type == "text_box")[:1],
            score,
            rng.choice(CSAT_COMMENTS[score >= 4]),
        )
        answer._mark_done()
        done = min(
            complaint.sudo().date_resolved + timedelta(hours=rng.randint(2, 20)), datetime.now()
        )
        if recent:
            done = min(done, at(recent[1], 20))
        self._date_answers(answer, [done])

    # -- portal -------------------------------------------------------------------------
    def offers(self):
        """Next best offers made on the 10th of the month before last for every second
        customer of each salesperson, on the 10th of last month for all (a catalogue offer
        for the most valuable and growable customers, then the mined rules; a suggestion
        made again keeps its first date), and some accepted in both months: for each
        salesperson, two suggestions first made that month added to a quotation by the
        suggestion's own action, as the salesperson, the order confirmed three days
        later."""
        from freezegun import freeze_time  # noqa: PLC0415 - Odoo's test dependency

        env = self.env
        company = env.company
        tiers = env["crm.customer.tier"].search([("code", "in", ["mvc", "mgc"])])
        product = env["product.product"].search([("default_code", "=like", "CCM%")], limit=1)
        if product:
            env["crm.customer.offer"].create(
                {
                    "name": "Loyalty: 10 % off for our best customers",
                    "product_id": product.id,
                    "discount": 10.0,
                    "tier_ids": [(6, 0, tiers.ids)],
                    "company_id": company.id,
                }
            )
        Basket = env["crm.customer.basket"]
        by_user = defaultdict(list)
        for c in self.customers:
            by_user[c.user_id.id].append(c.commercial_partner_id.id)
        half = [pid for ids in by_user.values() for pid in ids[::2]]
        salespeople = env["res.users"].search([("login", "=like", "ccm.sales%")])
        accepted = 0
        for start in (self.prev_start, self.month_start):
            made = start + timedelta(days=9)
            with freeze_time(at(made, 3)):
                if start == self.prev_start:
                    Basket._suggest(company, partner_ids=half, lines=Basket._mine(company))
                else:
                    Basket._run(company)
            accepted += self._accept_offers(company, salespeople, made)
        self.stats["offers_accepted"] = accepted

    def _accept_offers(self, company, salespeople, made):
        """Two suggestions first made on ``made`` per salesperson added to a quotation the
        next day, the order confirmed three days after: how many."""
        from freezegun import freeze_time  # noqa: PLC0415 - Odoo's test dependency

        env = self.env
        accepted = 0
        for user in salespeople:
            suggestions = env["crm.customer.offer.suggestion"].search(
                [
                    ("company_id", "=", company.id),
                    ("user_id", "=", user.id),
                    ("date_first", "=", made),
                ],
                order="source desc, rank, id",
                limit=2,
            )
            for suggestion in suggestions:
                with freeze_time(at(made + timedelta(days=1))):
                    order = (
                        env["sale.order"]
                        .with_user(user)
                        .create({"partner_id": suggestion.partner_id.id})
                    )
                    suggestion.with_user(user).with_context(
                        ccm_order_id=order.id
                    ).action_add_to_order()
                with freeze_time(at(made + timedelta(days=4))):
                    order.sudo().action_confirm()
                accepted += 1
        return accepted

    def survey_programme(self):
        """The relationship NPS programme switched on (a 15 % sample of the due contacts
        each month), its monthly waves of the month before last and of last month (queued
        and sent by the scheduled actions' methods on the 3rd), about two invitations in
        five answered within the week."""
        from freezegun import freeze_time  # noqa: PLC0415 - Odoo's test dependency

        rng = self.rng
        env = self.env
        Programme = env["crm.customer.survey.programme"]
        Invitation = env["crm.customer.survey.invitation"]
        # the programme on (Settings), a sample of the due contacts each month
        self.company.write({"ccm_nps_enabled": True, "ccm_nps_sample_percent": 15.0})
        sent = answered = 0
        for start in (self.prev_start, self.month_start):
            wave = at(start + timedelta(days=2), 8)
            with freeze_time(wave):
                Programme._schedule_nps(self.company, now=wave)
                invitations = Invitation.search(
                    [("company_id", "=", self.company.id), ("state", "=", "queued")]
                )
                Programme._send(invitations)
            sent += len(invitations)
            for invitation in invitations.filtered("user_input_id"):
                if rng.random() > 0.4:
                    continue
                done = wave + timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 9))
                score = min(10, max(0, int(round(rng.gauss(8.0, 2)))))
                kind = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                answer = invitation.user_input_id
                questions = answer.survey_id.question_ids
                with freeze_time(done):
                    self._fill(
                        answer,
                        questions.filtered(lambda q: q.question_type == "scale")[:1],
                        questions.filtered(lambda q: q.question_type == "text_box")[:1],
                        score,
                        rng.choice(NPS_COMMENTS[kind]),
                    )
                    answer._mark_done()
                self._date_answers(answer, [done])
                answered += 1
        self.stats.update(survey_invitations=sent, survey_invitations_answered=answered)

    def portal_user(self):
        """A portal user for a contact of a customer company (login and password in the
        README)."""
        env = self.env
        user = env["res.users"].search([("login", "=", PORTAL_LOGIN)], limit=1)
        if user:
            return user
        company = next(
            (c for c in self.customers if c.is_company and c.child_ids), self.customers[0]
        )
        contact = company.child_ids[:1] or company
        user = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": contact.name,
                    "login": PORTAL_LOGIN,
                    "password": PORTAL_PASSWORD,
                    "partner_id": contact.id,
                    "email": contact.email or f"{PORTAL_LOGIN}@example.com",
                    "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
                }
            )
        )
        self.stats["portal_user"] = f"{PORTAL_LOGIN} ({contact.commercial_partner_id.name})"
        return user

    def persian(self):
        """Persian installed (Odoo's translations and the addon's), the language of the
        portal user and of the salesperson ``ccm.sales2``; the others switch in their
        preferences."""
        env = self.env
        lang = env["res.lang"].with_context(active_test=False).search([("code", "=", "fa_IR")])
        env["base.language.install"].create({"lang_ids": [(6, 0, lang.ids)]}).lang_install()
        users = env["res.users"].search([("login", "in", [PORTAL_LOGIN, "ccm.sales2"])])
        users.write({"lang": "fa_IR"})

    def run_after_refresh(self):
        """What needs the value profiles (tiers): the next best offers, whose catalogue
        offer is for the most valuable and growable customers."""
        t = time.time()
        self.offers()
        self.stats["offers_seconds"] = round(time.time() - t, 1)
        return self.stats

    def run_after_documents(self, gen):
        """What needs the customers' documents (made by ``gen``, an ``OrmGenerator``): leads,
        costs, needs, the lifecycle history, then complaints and answers (which the past
        evaluations must not see)."""
        t = time.time()
        self.salesperson_logins()
        self.unit_costs()
        self.campaign_costs(gen.campaigns)
        self.acquisition_costs()
        self.date_leads(gen.won_leads, gen.lost_leads, gen.orders_made, gen.order_dates)
        self.needs()
        self.delivery_promises(gen.orders_made)
        self.lifecycle_history()
        self.complaints()
        self.nps_answers()
        self.survey_programme()
        t_lang = time.time()
        self.persian()
        self.stats["persian_seconds"] = round(time.time() - t_lang, 1)
        self.stats["showcase_seconds"] = round(time.time() - t, 1)
        return self.stats


# -- the check: every dashboard figure defined ------------------------------------------


def check(env, today):
    """Undefined figures of the KPI dashboard as a manager (the administrator) opens it: its
    default period (last month) and company, for the company and for each salesperson of
    the demo's customers; every KPI of ``_kpi_definitions()`` (its value, and its previous
    period where the card shows one), every chart, and the staff scorecard: [(scope, key)].
    """
    admin = env.ref("base.user_admin")
    Kpi = env["crm.customer.kpi"].with_user(admin).with_context(lang="en_US")
    company = env.company
    salespeople = env["res.users"].search([("login", "=like", "ccm.sales%")])
    keys = set(Kpi._kpi_definitions())
    date_from, date_to = last_month(today)
    # the dashboard opens on last month of the real today; a generation --today elsewhere
    # is checked on its own last month
    period = {}
    if today != date.today():
        period = {"period": "custom", "date_from": date_from, "date_to": date_to}
    missing = []
    for user in [None, *salespeople]:
        data = Kpi.get_dashboard_data(dict(period, user_id=user.id) if user else period)
        scope = user.login if user else company.name
        cards = {card["key"]: card for card in data["kpis"]}
        missing += [(scope, f"{key} (no card)") for key in sorted(keys - set(cards))]
        for key, card in cards.items():
            if card["value"] is None:
                missing.append((scope, key))
            elif not card["snapshot"] and key != "clv_cac_ratio" and card["previous"] is None:
                missing.append((scope, f"{key} (previous period)"))
        for name, rows in data["charts"].items():
            if not any(_chart_has_data(row) for row in rows):
                missing.append((scope, f"chart {name}"))
    card = Kpi._staff(company, date_from, date_to)
    for user in salespeople:
        if user.id not in card.index:
            missing.append((user.login, "staff scorecard"))
            continue
        row = card.loc[user.id]
        missing += [(user.login, f"staff {key}") for key in Kpi.STAFF_KPIS if row.get(key) is None]
    return missing


def _chart_has_data(row):
    """A chart row counts something: a non-zero count or value, a cohort with customers."""
    figures = [row.get(k) for k in ("count", "value", "size") if k in row]
    return any(f for f in figures)


def check_or_exit(env, today):
    missing = check(env, today)
    date_from, date_to = last_month(today)
    if missing:
        print(f"UNDEFINED dashboard figures for {date_from} - {date_to}:")
        for scope, key in missing:
            print(f"  {scope}: {key}")
        return CHECK_FAILED
    print(f"check: every dashboard figure of {date_from} - {date_to} is defined")
    return 0
