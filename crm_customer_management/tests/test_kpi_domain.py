from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .test_access_company import DedicatedCompanyCase

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
# the KPIs that are a count of records
COUNTS = (
    "customers_acquired",
    "active_at_start",
    "customers_lost",
    "nps_answers",
    "csat_answers",
    "leads_won",
    "leads_lost",
    "complaints",
    "deliveries",
    "returns",
)


@tagged("post_install", "-at_install", "crm_customer_management")
class TestKpiDomain(DedicatedCompanyCase):
    """Each KPI opens exactly the records it counts: for every count KPI, the figure is the
    ``search_count`` of its domain, as a manager (all customers) and as an own-documents
    salesman (his customers and documents only), in a company of their own.

    Sally's customers A and B, Manny's D. In March 2026: A and D acquired (B ordered in
    February), deliveries to A, B and D and a return from B, NPS answers of A and D, a CSAT
    answer of B and a rating of D's complaint, complaints of A (Sally's) and D (Manny's),
    a lead of A won and one of D lost; A held on 1 March, B lost twice in March (counted
    once), D lost."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.a, cls.b = Partner.create(
            [{"name": f"Domain {x}", "is_company": True, "user_id": cls.salesman.id} for x in "AB"]
        )
        cls.d = Partner.create(
            {"name": "Domain D", "is_company": True, "user_id": cls.sales_manager.id}
        )
        cls.kpi = cls.env["crm.customer.kpi"]

    def _answer(self, survey, partner, score, on):
        with freeze_time(on):
            answer = self.env["survey.user_input"].create(
                {"survey_id": survey.id, "partner_id": partner.id}
            )
            question = survey.question_ids.filtered(lambda q: q.question_type == "scale")
            answer._save_lines(question, str(score))
            answer._mark_done()
        return answer

    def _documents(self):
        customers = self.a | self.b | self.d
        self.env["crm.customer.value"].create(
            [{"partner_id": p.id, "company_id": self.company.id} for p in customers]
        )
        self.confirm_order(self.b, "2026-02-10", 1, 100.0)
        order_a = self.confirm_order(self.a, "2026-03-05", 2, 100.0)
        order_b = self.confirm_order(self.b, "2026-03-06", 1, 100.0)
        order_d = self.confirm_order(self.d, "2026-03-07", 1, 100.0)
        self.deliver(order_a, "2026-03-09")
        self.return_goods(self.deliver(order_b, "2026-03-10"), 1, "2026-03-12")
        self.deliver(order_d, "2026-03-11")
        service = self.env["crm.customer.lifecycle"].sudo()
        with freeze_time("2026-02-15"):
            service._apply_moves(
                self.company,
                [(p.id, None, "developing", None) for p in customers],
                "manual",
                "setup",
            )
        with freeze_time("2026-03-10"):
            service._apply_moves(
                self.company,
                [(self.b.id, "developing", "lost", None), (self.d.id, "developing", "lost", None)],
                "scheduled",
            )
        with freeze_time("2026-03-15"):
            service._apply_moves(self.company, [(self.b.id, "lost", "developing", None)], "manual")
        with freeze_time("2026-03-20"):
            service._apply_moves(self.company, [(self.b.id, "developing", "lost", None)], "manual")
        nps = self.env.ref("crm_customer_management.survey_nps")
        self._answer(nps, self.a, 10, "2026-03-12")
        self._answer(nps, self.d, 3, "2026-03-13")
        self._answer(nps, self.a, 9, "2026-02-12")  # February
        csat = nps.copy({"title": "CSAT", "ccm_satisfaction_kind": "csat"})
        csat.question_ids.write({"scale_min": 1, "scale_max": 5})
        self._answer(csat, self.b, 4, "2026-03-14")
        with freeze_time("2026-03-02 09:00:00"):
            complaint_a, complaint_d = self.env["crm.complaint"].create(
                [
                    {"subject": "A", "partner_id": self.a.id, "severity": "low"},
                    {
                        "subject": "D",
                        "partner_id": self.d.id,
                        "severity": "low",
                        "user_id": self.sales_manager.id,
                    },
                ]
            )
        complaint_a.user_id = self.salesman
        rating = self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.complaint"),
                "res_id": complaint_d.id,
                "partner_id": self.d.id,
                "rating": 5,
                "consumed": True,
            }
        )
        with freeze_time("2026-03-05"):
            won = self.env["crm.lead"].create(
                {"name": "Won", "partner_id": self.a.id, "user_id": self.salesman.id}
            )
            lost = self.env["crm.lead"].create(
                {"name": "Lost", "partner_id": self.d.id, "user_id": self.sales_manager.id}
            )
        with freeze_time("2026-03-20"):
            won.action_set_won()
            lost.action_set_lost()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE rating_rating SET write_date = %s WHERE id = %s",
            [datetime(2026, 3, 16, 9, 0), rating.id],
        )

    def _figures_and_counts(self, user, team=None, scope_user=None):
        """(figures, counts of the opened domains) of March as ``user`` reads them."""
        kpi = self.kpi.with_user(user)
        team, scope_user = kpi._check_scope(self.company, team, scope_user)
        figures = kpi.sudo()._compute(self.company, *MARCH, team, scope_user)
        domains = kpi._kpi_domains(self.company, *MARCH, team, scope_user)
        counts = {}
        for key in COUNTS:
            model, domain = domains[key]
            records = self.env[model].with_user(user).with_context(active_test=False)
            counts[key] = records.search_count(domain)
        return {key: figures[key] for key in COUNTS}, counts

    def test_each_count_kpi_opens_what_it_counts(self):
        self._documents()
        figures, counts = self._figures_and_counts(self.sales_manager)
        self.assertEqual(
            figures,
            {
                "customers_acquired": 2,  # A, D
                "active_at_start": 3,
                "customers_lost": 2,  # B (twice), D
                "nps_answers": 2,
                "csat_answers": 2,  # B's answer, the rating of D's complaint
                "leads_won": 1,
                "leads_lost": 1,
                "complaints": 2,
                "deliveries": 3,
                "returns": 1,
            },
        )
        self.assertEqual(counts, figures)
        # an own-documents salesman: his customers A and B, his documents
        figures, counts = self._figures_and_counts(self.salesman)
        self.assertEqual(
            figures,
            {
                "customers_acquired": 1,  # A
                "active_at_start": 2,
                "customers_lost": 1,  # B
                "nps_answers": 1,
                "csat_answers": 1,
                "leads_won": 1,
                "leads_lost": 0,
                "complaints": 1,
                "deliveries": 2,
                "returns": 1,
            },
        )
        self.assertEqual(counts, figures)
        # a manager looking at Sally's figures sees the same ones
        self.assertEqual(
            self._figures_and_counts(self.sales_manager, scope_user=self.salesman)[1], counts
        )

    def test_segment_scope_opens_its_members(self):
        self._documents()
        segment = self.env["crm.customer.segment"].create(
            {
                "name": "Only D",
                "company_id": self.company.id,
                "kind": "manual",
                "manual_partner_ids": [(6, 0, self.d.ids)],
            }
        )
        self.assertEqual(segment.sudo().partner_ids, self.d)
        self.kpi = self.kpi.with_context(ccm_segment_id=segment.id)
        figures, counts = self._figures_and_counts(self.sales_manager)
        self.assertEqual(
            figures,
            {
                "customers_acquired": 1,
                "active_at_start": 1,
                "customers_lost": 1,
                "nps_answers": 1,
                "csat_answers": 1,
                "leads_won": 0,
                "leads_lost": 1,
                "complaints": 1,
                "deliveries": 1,
                "returns": 0,
            },
        )
        self.assertEqual(counts, figures)
