from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..const import CCM_MANAGER
from .crm_customer_value import VALUE_TIERS

STATES = [
    ("open", "Open"),
    ("in_progress", "In Progress"),
    ("done", "Done"),
    ("dropped", "Dropped"),
]
# written by the measurement and the escalation only
MEASURED_FIELDS = {
    "scope_partner_ids",
    "scope_all",
    "scope_count",
    "baseline_value",
    "baseline_date",
    "baseline_defined",
    "result_value",
    "result_date",
    "result_defined",
    "result_measured",
    "result_change",
    "result_status",
    "escalation_level",
}
# the KPIs a decision can aim at: those the KPI service measures on a set of customers
DECISION_KPIS = [
    ("late_delivery_rate", "Late deliveries"),
    ("deliveries", "Deliveries"),
    ("returns", "Customer returns"),
    ("complaints", "Complaints opened"),
    ("complaint_sla_compliance", "Complaint SLA compliance"),
    ("complaint_recovery_rate", "Complaint recovery rate"),
    ("churn_rate", "Churn rate"),
    ("retention_rate", "Retention rate"),
    ("nps", "Net Promoter Score"),
    ("csat", "Customer satisfaction (CSAT)"),
    ("overdue_amount", "Overdue receivables (today)"),
    ("clv_historical", "Historical CLV (lifetime margin per customer)"),
]


class CrmCustomerDecision(models.Model):
    """A decision of the CRM committee (or taken on its own): what, why, who owns it (a
    department and a person), by when, what it concerns, and the KPI it aims to move with
    its baseline measured at the decision date on the customers it concerns; the same KPI
    is measured again on the same customers at the due date and shown beside it."""

    _name = "crm.customer.decision"
    _description = "CRM Decision"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # What
    name = fields.Char("Decision", required=True, tracking=True)
    reason = fields.Html("Why")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    committee_id = fields.Many2one("crm.customer.committee", check_company=True, index=True)
    meeting_id = fields.Many2one("calendar.event", index="btree_not_null")
    # Who and when
    department_id = fields.Many2one(
        "crm.customer.department", string="Owner Department", required=True, tracking=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        required=True,
        tracking=True,
        domain=[("share", "=", False)],
        default=lambda self: self.env.user,
    )
    date = fields.Date("Decided On", required=True, default=fields.Date.context_today)
    due_date = fields.Date(required=True, tracking=True)
    state = fields.Selection(STATES, required=True, default="open", tracking=True)
    drop_reason = fields.Text("Why Dropped", tracking=True)
    escalation_level = fields.Integer(
        readonly=True, copy=False, help="0: not escalated, 1: department manager, 2: chair."
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    # What it concerns
    partner_ids = fields.Many2many(
        "res.partner", string="Customers", domain=[("is_company", "=", True)]
    )
    segment_ids = fields.Many2many("crm.customer.segment", string="Segments")
    value_tier = fields.Selection(VALUE_TIERS, string="Customers of Tier")
    root_cause_ids = fields.Many2many("crm.complaint.root.cause", string="Root Causes")
    complaint_category_ids = fields.Many2many(
        "crm.complaint.category", string="Complaint Categories"
    )
    suggestion_ids = fields.One2many("crm.customer.suggestion", "decision_id", "Suggestions")
    # The KPI it aims to move
    kpi_key = fields.Selection(DECISION_KPIS, string="KPI")
    kpi_window_days = fields.Integer(
        "Measured Over (days)",
        default=30,
        help="The KPI is measured over this many days up to the decision date (baseline) "
        "and up to the due date (result).",
    )
    scope_partner_ids = fields.Many2many(
        "res.partner",
        "crm_customer_decision_scope_rel",
        "decision_id",
        "partner_id",
        string="Measured Customers",
        readonly=True,
        copy=False,
        help="The customers the baseline was measured on; the result is measured on them.",
    )
    scope_all = fields.Boolean(
        "All Customers", readonly=True, copy=False, help="Measured on every customer."
    )
    scope_count = fields.Integer("Measured Customers (count)", readonly=True, copy=False)
    baseline_value = fields.Float(readonly=True, copy=False)
    baseline_date = fields.Date(readonly=True, copy=False)
    baseline_defined = fields.Boolean(readonly=True, copy=False)
    result_value = fields.Float(readonly=True, copy=False)
    result_date = fields.Date(readonly=True, copy=False)
    result_defined = fields.Boolean(readonly=True, copy=False)
    result_measured = fields.Boolean(readonly=True, copy=False)
    result_change = fields.Float(readonly=True, copy=False, aggregator="avg")
    result_status = fields.Selection(
        [("improved", "Improved"), ("worse", "Worse"), ("unchanged", "Unchanged")],
        readonly=True,
        copy=False,
    )
    result_summary = fields.Char("Result", compute="_compute_result_summary")

    @api.depends("due_date", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for decision in self:
            decision.is_overdue = decision.state in ("open", "in_progress") and (
                decision.due_date and decision.due_date < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue decisions."))
        domain = [
            ("state", "in", ("open", "in_progress")),
            ("due_date", "<", fields.Date.context_today(self)),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("kpi_key", "baseline_defined", "baseline_value", "result_measured")
    def _compute_result_summary(self):
        labels = dict(self._fields["kpi_key"]._description_selection(self.env))
        for decision in self:
            if not decision.kpi_key or not decision.baseline_date:
                decision.result_summary = False
                continue
            company = decision.company_id
            unit = decision._kpi_unit()
            before = decision._fmt_kpi(
                decision.baseline_value if decision.baseline_defined else None, unit, company
            )
            after = (
                decision._fmt_kpi(
                    decision.result_value if decision.result_defined else None, unit, company
                )
                if decision.result_measured
                else "…"
            )
            decision.result_summary = f"{labels[decision.kpi_key]}: {before} → {after}"

    @api.constrains("state", "drop_reason")
    def _check_drop_reason(self):
        for decision in self:
            if decision.state == "dropped" and not (decision.drop_reason or "").strip():
                raise ValidationError(
                    self.env._("Say why decision %(name)s is dropped.", name=decision.name)
                )

    @api.constrains("date", "due_date", "kpi_window_days")
    def _check_dates(self):
        for decision in self:
            if decision.due_date < decision.date:
                raise ValidationError(
                    self.env._("Decision %(name)s is due before it was taken.", name=decision.name)
                )
            if decision.kpi_key and decision.kpi_window_days < 1:
                raise ValidationError(self.env._("A KPI is measured over at least one day."))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        decisions = super().create(vals_list)
        decisions._schedule_follow_up()
        decisions.filtered("kpi_key")._measure_baseline()
        return decisions

    def write(self, vals):
        if not self.env.su:
            if vals.keys() & MEASURED_FIELDS:
                raise AccessError(
                    self.env._(
                        "A decision's baseline, result and escalation are measured, not typed."
                    )
                )
            if "state" in vals:
                self._check_owner_or_manager()
        res = super().write(vals)
        if vals.get("kpi_key"):
            # a KPI chosen after the decision was taken: its baseline at the decision date
            self.filtered(lambda d: not d.baseline_date)._measure_baseline()
        if "user_id" in vals:
            # the open follow-up moves to the new owner
            for decision in self.filtered(lambda d: d.state in ("open", "in_progress")):
                summary = self.env._("Follow up: %(name)s", name=decision.name)
                decision.activity_ids.filtered(
                    lambda a, d=decision, s=summary: a.summary == s and a.user_id != d.user_id
                ).write({"user_id": decision.user_id.id})
            self.filtered(lambda d: d.state in ("open", "in_progress"))._schedule_follow_up()
        return res

    def _schedule_follow_up(self):
        """The owner's follow-up activity, due at the due date (one per owner)."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        for decision in self:
            if decision.activity_ids.filtered(
                lambda a, d=decision: a.user_id == d.user_id and a.activity_type_id == todo
            ):
                continue
            decision.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=decision.due_date,
                summary=self.env._("Follow up: %(name)s", name=decision.name),
                user_id=decision.user_id.id,
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_owner_or_manager(self):
        """The owner, his department's manager, the committee's chair and the addon's
        managers move a decision."""
        user = self.env.user
        if self.env.su or user.has_group(CCM_MANAGER):
            return
        for decision in self:
            if user not in (
                decision.user_id
                | decision.department_id.manager_id
                | decision.committee_id.chair_id
            ):
                raise UserError(
                    self.env._(
                        "Only the owner of decision %(name)s, his department's manager or the "
                        "committee's chair can change its status.",
                        name=decision.name,
                    )
                )

    def action_start(self):
        self._check_owner_or_manager()
        self.filtered(lambda d: d.state == "open").state = "in_progress"
        return True

    def action_done(self):
        self._check_owner_or_manager()
        self.write({"state": "done"})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        self.filtered(lambda d: d.kpi_key and not d.result_measured)._measure_result()
        return True

    def action_drop(self):
        self._check_owner_or_manager()
        missing = self.filtered(lambda d: not (d.drop_reason or "").strip())
        if missing:
            raise UserError(
                self.env._(
                    "Write why the decision is dropped (Why Dropped) before dropping it: "
                    "%(names)s.",
                    names=", ".join(missing.mapped("name")),
                )
            )
        self.write({"state": "dropped"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_reopen(self):
        self._check_owner_or_manager()
        self.write({"state": "open"})
        self.sudo().escalation_level = 0
        self._schedule_follow_up()
        return True

    def action_measure(self):
        """Measure the KPI again now (up to the due date at the latest)."""
        self._check_owner_or_manager()
        missing = self.filtered(lambda d: not d.kpi_key)
        if missing:
            raise UserError(self.env._("Decision %(name)s aims at no KPI.", name=missing[0].name))
        self._measure_result()
        return True

    # ------------------------------------------------------------------
    # Escalation of overdue decisions
    # ------------------------------------------------------------------

    def _chair(self):
        """The chair of the decision's committee, else of the company's committee."""
        self.ensure_one()
        committee = self.committee_id or self.env["crm.customer.committee"].sudo().search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        return committee.chair_id

    @api.model
    def _cron_escalate(self):
        return self.search([("is_overdue", "=", True), ("escalation_level", "<", 2)])._escalate()

    def _escalate(self):
        """Overdue decisions go to their department's manager, then (once the company's
        escalation delay has passed too) to the committee's chair: one activity each, once."""
        today = fields.Date.context_today(self)
        for decision in self:
            delay = decision.company_id.ccm_decision_escalation_days
            level = decision.escalation_level
            if level == 0:
                target, level = decision.department_id.manager_id, 1
            elif level == 1 and decision.due_date + timedelta(days=delay) <= today:
                target, level = decision._chair(), 2
            else:
                continue
            if target:
                decision.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=today,
                    summary=self.env._("Overdue decision: %(name)s", name=decision.name),
                    note=self.env._(
                        "This decision was due on %(date)s and is still %(state)s.",
                        date=fields.Date.to_string(decision.due_date),
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            decision.state
                        ],
                    ),
                    user_id=target.id,
                )
            decision.sudo().escalation_level = level
        return True
