from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from ..const import LIFECYCLE_STAGES
from .common import TODAY
from .test_access_company import DedicatedCompanyCase

# report model -> the grouping its pivot or graph opens with
GROUPED_READS = {
    "crm.customer.value": ["value_tier"],
    "crm.customer.cohort.report": ["cohort_period", "month_offset"],
    "crm.customer.lifecycle.report": ["stage"],
    "crm.customer.delivery.report": ["value_tier", "kind"],
    "crm.customer.receivable.report": ["aging"],
    "crm.customer.nps.report": ["lifecycle_stage"],
    "crm.complaint.report": ["severity"],
}


@tagged("post_install", "-at_install", "crm_customer_management")
class TestReportQueries(DedicatedCompanyCase):
    """The analysis reports are SQL views: a grouped read is one query whatever the number
    of customers and documents behind it (no per-row work in Python), for a manager and for
    an own-documents salesman whose record rules join the query."""

    def _customer(self, name, on):
        partner = self.env["res.partner"].create({"name": name, "user_id": self.salesman.id})
        order = self.confirm_order(partner, on, 2, 100.0)
        self.deliver(order, on)
        self.invoice(order, date.fromisoformat(on), date.fromisoformat(on))
        self.env["crm.complaint"].create(
            {"subject": f"Late delivery to {name}", "partner_id": partner.id, "severity": "high"}
        )
        return partner

    def _grouped_reads(self, env):
        for model, groupby in GROUPED_READS.items():
            env[model]._read_group([], groupby, ["__count"])

    def _assert_one_query_each(self, env, login):
        self._grouped_reads(env)  # warm-up: rules and metadata cached
        for model, groupby in GROUPED_READS.items():
            with self.subTest(model=model, user=login), self.assertQueryCount(1):
                env[model]._read_group([], groupby, ["__count"])

    def test_grouped_reads_cost_one_query_whatever_the_data(self):
        self._customer("First", "2026-01-15")
        self.refresh(TODAY)
        self.process_events(TODAY)
        salesman_env = self.env(user=self.salesman)
        for env in (self.env, salesman_env):
            self._assert_one_query_each(env, env.user.login)
        # four times the customers, three months later: still one query each
        for i, on in enumerate(("2026-02-10", "2026-03-12", "2026-04-20")):
            self._customer(f"More {i}", on)
        self.refresh(TODAY)
        self.process_events(TODAY)
        for env in (self.env, salesman_env):
            self._assert_one_query_each(env, env.user.login)
        groups = self.env["crm.customer.value"]._read_group(
            [("company_id", "=", self.company.id)], [], ["__count"]
        )
        self.assertEqual(groups, [(4,)])

    def test_report_shapes(self):
        """Stages in the cycle's order (the funnel with its empty stages too), labelled
        groups instead of empty ones: no previous stage, not classified, no order yet."""
        self._customer("First", "2026-01-15")
        self._customer("Second", "2025-01-15")
        third = self.env["res.partner"].create({"name": "Third"})
        self.env["crm.complaint"].create({"subject": "Never delivered", "partner_id": third.id})
        self.refresh(TODAY)
        self.process_events(TODAY)
        with freeze_time(TODAY):
            self.env["crm.customer.lifecycle"]._evaluate(self.company)
        Funnel = self.env["crm.customer.lifecycle.report"]
        domain = [("company_id", "=", self.company.id), ("is_current", "=", True)]
        groups = Funnel.read_group(domain, ["stage"], ["stage"])
        self.assertEqual([g["stage"] for g in groups], [key for key, _label in LIFECYCLE_STAGES])
        self.assertEqual(sum(g["stage_count"] for g in groups), 2)
        previous = Funnel.read_group(domain, ["stage_from"], ["stage_from"])
        self.assertEqual([g["stage_from"] for g in previous], ["none"])
        labels = dict(Funnel._fields["stage_from"]._description_selection(self.env))
        self.assertEqual(labels["none"], "No Previous Stage")
        # a stage never evaluated in the row's company: "not classified", not an empty group
        deliveries = self.env["crm.customer.delivery.report"].read_group(
            [("company_id", "=", self.company.id)], ["lifecycle_stage"], ["lifecycle_stage"]
        )
        self.assertNotIn(False, [g["lifecycle_stage"] for g in deliveries])
        segments = {
            p.partner_id.name: p.rfm_segment
            for p in self.env["crm.customer.value"].search([("company_id", "=", self.company.id)])
        }
        # Third has a profile from its complaint but never ordered: not RFM-scored
        self.assertEqual(segments["Third"], "no_order")
        self.assertNotIn("no_order", [segments["First"], segments["Second"]])

    def test_grouped_reads_skip_what_they_do_not_use(self):
        """A report grouped without the lifecycle stage never reads the stage history (the
        planner drops the join on the current stage's unique key); the funnel (current
        stages only) never computes the ended stays' window."""
        self._customer("First", "2026-01-15")
        self.refresh(TODAY)
        self.process_events(TODAY)
        cr = self.env.cr

        def plan(model, domain, groupby):
            """PostgreSQL's plan of the grouped read, its SQL built as _read_group does."""
            self.env.flush_all()
            Model = self.env[model]
            query = Model._search(domain)
            terms = [Model._read_group_groupby(spec, query) for spec in groupby]
            query.groupby = SQL(", ").join(terms)
            cr.execute(SQL("EXPLAIN %s", query.select(*terms, SQL("COUNT(*)"))))
            return "\n".join(row[0] for row in cr.fetchall())

        for model, groupby in (
            ("crm.customer.delivery.report", ["value_tier", "kind"]),
            ("crm.customer.receivable.report", ["value_tier", "aging"]),
        ):
            with self.subTest(model=model):
                self.assertNotIn("crm_customer_lifecycle_history", plan(model, [], groupby))
                self.assertIn(
                    "crm_customer_lifecycle_history", plan(model, [], ["lifecycle_stage"])
                )
        funnel = plan("crm.customer.lifecycle.report", [("is_current", "=", True)], ["stage"])
        self.assertNotIn("WindowAgg", funnel)
        # (the ended stays' end dates: their window is computed then)
        ended = plan("crm.customer.lifecycle.report", [], ["date_end:month"])
        self.assertIn("WindowAgg", ended)

    def test_satisfaction_answers_find_their_complaint_by_index(self):
        """Each survey answer looks up the complaint it rates: by the index on the
        complaint's answer, not by reading every complaint (134 ms an answer with a million
        complaints). A seq scan is only penalised, so the plan shows which one exists."""
        cr = self.env.cr
        cr.execute("SET LOCAL enable_seqscan = off")
        answers = self.env["crm.customer.kpi"]._satisfaction_answers_sql()
        cr.execute(f"EXPLAIN SELECT * FROM ({answers}) a")  # noqa: S608 - constant SQL
        plan = "\n".join(row[0] for row in cr.fetchall())
        cr.execute("RESET enable_seqscan")
        self.assertIn("crm_complaint__survey_answer_id_index", plan)
        self.assertNotIn("Seq Scan on crm_complaint", plan)
