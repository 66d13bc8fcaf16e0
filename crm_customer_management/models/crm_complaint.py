from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

from .crm_complaint_sla import SEVERITIES

CHANNELS = [
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("portal", "Portal"),
    ("chat", "Chat"),
    ("in_person", "In person"),
    ("social", "Social media"),
    ("sms", "SMS"),
]
OUTCOMES = [("retained", "Retained"), ("won_back", "Won back"), ("lost", "Lost")]
SLA_STATUSES = [("on_track", "On track"), ("at_risk", "At risk"), ("breached", "Breached")]
INTAKE_STATES = [("to_qualify", "To qualify"), ("qualified", "Qualified")]
# share of the SLA time left under which a complaint is at risk
AT_RISK_SHARE = 0.2
# written by the complaint's own flow only (stages, replies, escalation, survey, SLA): they feed
# the KPIs and the cost to serve
FLOW_FIELDS = frozenset(
    {
        "date_open",
        "first_response_deadline",
        "resolution_deadline",
        "date_first_response",
        "date_resolved",
        "date_closed",
        "escalation_level",
        "compensation_amount",
        "survey_answer_id",
        "csat_score",
        "intake_state",
    }
)
# changing these changes the SLA policy: the deadlines are planned again from the opening
SLA_FIELDS = frozenset({"severity", "category_id", "team_id", "company_id"})


class CrmComplaint(models.Model):
    """A customer complaint, from intake to recovery: SLA deadlines in working hours,
    escalation, root cause, compensation through Odoo's own credit-note and return wizards,
    satisfaction survey, outcome."""

    _name = "crm.complaint"
    _description = "Customer Complaint"
    _inherit = [
        "portal.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "crm.customer.date.mixin",
    ]
    # not by priority: an internal field the portal cannot sort on
    _order = "date_open desc, id desc"
    _check_company_auto = True
    _primary_email = "email_from"

    # Intake. Fields without groups are customer-facing (the portal reads them); the others
    # are internal (base.group_user).
    name = fields.Char("Reference", readonly=True, copy=False, default="/")
    subject = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        tracking=True,
        index=True,
        help="Required once qualified; an e-mailed complaint from an unknown sender has none.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    email_from = fields.Char("E-mail")
    intake_state = fields.Selection(
        INTAKE_STATES,
        required=True,
        default="qualified",
        copy=False,
        tracking=True,
        help="E-mailed complaints wait to be qualified by a person: until then they have no "
        "effect on the customer (lifecycle, value, cost to serve, survey) nor on the KPIs.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    category_id = fields.Many2one("crm.complaint.category", tracking=True)
    severity = fields.Selection(SEVERITIES, required=True, default="medium", tracking=True)
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent"), ("3", "Escalated")],
        default="0",
        groups="base.group_user",
    )
    description = fields.Html()
    stage_id = fields.Many2one(
        "crm.complaint.stage",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_read_group_expand_stage_ids",
        default=lambda self: self._default_stage_id(),
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True)
    team_id = fields.Many2one(
        "crm.team", tracking=True, check_company=True, groups="base.group_user"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        tracking=True,
        default=lambda self: self.env.user,
        groups="base.group_user",
    )
    # What it is about
    sale_order_id = fields.Many2one("sale.order", check_company=True)
    picking_id = fields.Many2one("stock.picking", string="Delivery", check_company=True)
    invoice_id = fields.Many2one(
        "account.move",
        check_company=True,
        domain=[("move_type", "=", "out_invoice"), ("state", "=", "posted")],
    )
    product_id = fields.Many2one("product.product")
    lot_id = fields.Many2one("stock.lot", string="Lot/Serial", check_company=True)
    # SLA
    date_open = fields.Datetime(
        "Opened On",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=fields.Datetime.now,
    )
    first_response_deadline = fields.Datetime(readonly=True, copy=False, groups="base.group_user")
    resolution_deadline = fields.Datetime(readonly=True, copy=False, groups="base.group_user")
    # indexed: the KPIs read one period of each
    date_first_response = fields.Datetime(
        "First Response", readonly=True, copy=False, index=True, groups="base.group_user"
    )
    date_resolved = fields.Datetime(
        "Resolved On", readonly=True, copy=False, index=True, groups="base.group_user"
    )
    date_closed = fields.Datetime(
        "Closed On", readonly=True, copy=False, index=True, groups="base.group_user"
    )
    sla_status = fields.Selection(
        SLA_STATUSES, compute="_compute_sla_status", string="SLA", groups="base.group_user"
    )
    escalation_level = fields.Integer(
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="0: none; 1: team leader; 2: the company's complaint escalation manager.",
    )
    # Root cause and action (internal; the resolution summary is for the customer)
    root_cause_id = fields.Many2one(
        "crm.complaint.root.cause", tracking=True, groups="base.group_user"
    )
    analysis = fields.Html("Root-cause Analysis", groups="base.group_user")
    corrective_action = fields.Text(groups="base.group_user")
    preventive_action = fields.Text(groups="base.group_user")
    resolution_summary = fields.Text(help="Shown to the customer in the portal.")
    # Compensation
    credit_note_ids = fields.One2many(
        "account.move", "ccm_complaint_id", string="Credit Notes", groups="base.group_user"
    )
    return_picking_ids = fields.One2many(
        "stock.picking", "ccm_complaint_id", string="Returns", groups="base.group_user"
    )
    compensation_amount = fields.Monetary(
        compute="_compute_compensation_amount",
        store=True,
        groups="base.group_user",
        help="Posted credit notes, untaxed, in the company currency.",
    )
    # After resolution
    survey_answer_id = fields.Many2one(
        "survey.user_input",
        readonly=True,
        copy=False,
        index="btree_not_null",  # the satisfaction answers find their complaint by it
        groups="base.group_user",
    )
    csat_score = fields.Integer(
        "CSAT", readonly=True, copy=False, aggregator="avg", groups="base.group_user"
    )
    outcome = fields.Selection(OUTCOMES, tracking=True, copy=False, groups="base.group_user")

    def _default_stage_id(self):
        return self.env["crm.complaint.stage"].search([], limit=1)

    @api.model
    def _read_group_expand_stage_ids(self, stages, domain):
        # every stage is a kanban column, even empty ones (a handful of records)
        return stages.search([("id", "!=", 0)])

    @api.depends("credit_note_ids.state", "credit_note_ids.amount_untaxed_signed")
    def _compute_compensation_amount(self):
        for complaint in self:
            notes = complaint.credit_note_ids.filtered(lambda m: m.state == "posted")
            complaint.compensation_amount = -sum(notes.mapped("amount_untaxed_signed"))

    @api.depends_context("ccm_now")
    def _compute_sla_status(self):
        now = self.env.context.get("ccm_now") or fields.Datetime.now()
        for complaint in self:
            complaint.sla_status = complaint._sla_status_at(now)

    def _sla_status_at(self, now):
        self.ensure_one()
        checks = []
        if self.first_response_deadline:
            checks.append((self.date_open, self.first_response_deadline, self.date_first_response))
        if self.resolution_deadline:
            checks.append((self.date_open, self.resolution_deadline, self.date_resolved))
        status = "on_track"
        for start, deadline, done in checks:
            reference = done or now
            if reference > deadline:
                return "breached"
            if not done and start and (deadline - now) < (deadline - start) * AT_RISK_SHARE:
                status = "at_risk"
        return status

    @api.constrains("intake_state", "partner_id")
    def _check_partner_id(self):
        for complaint in self:
            if complaint.intake_state == "qualified" and not complaint.partner_id:
                raise ValidationError(
                    self.env._(
                        "Complaint %s needs a customer: only an e-mailed complaint waiting to "
                        "be qualified may have none.",
                        complaint.name,
                    )
                )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"
        return res

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def _check_flow_fields(self, fnames):
        """The KPI fields are written by the complaint's own flow (through ``sudo()``), never
        by a user's create or write, whatever the view says."""
        if self.env.su:
            return
        forged = FLOW_FIELDS.intersection(fnames)
        if forged:
            raise AccessError(
                self.env._(
                    "%(fields)s of a complaint are set by the complaint's own flow (stages, "
                    "replies, escalation, survey, qualification), not by hand.",
                    fields=", ".join(sorted(self._fields[f].string for f in forged)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_flow_fields(vals)
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("crm.complaint")
                    or "/"
                )
            if vals.get("partner_id") and not vals.get("email_from"):
                vals["email_from"] = self.env["res.partner"].browse(vals["partner_id"]).email
        complaints = super().create(vals_list)
        complaints._set_sla_deadlines()
        # back office and portal complaints are qualified at once; e-mailed ones wait
        complaints._qualified()._on_complaint_opened()
        return complaints

    def write(self, vals):
        self._check_flow_fields(vals)
        stage = self.env["crm.complaint.stage"].browse(vals.get("stage_id"))
        reopened = self.filtered("is_closed") if stage and not stage.is_closed else self.browse()
        if stage.is_closed:
            self._check_can_close(vals)
        res = super().write(vals)
        if SLA_FIELDS.intersection(vals):
            self._set_sla_deadlines()
        if stage:
            now = fields.Datetime.now()
            flow = self.sudo()
            flow.filtered(lambda c: not c.date_first_response).write({"date_first_response": now})
            if stage.is_resolved or stage.is_closed:
                to_resolve = flow.filtered(lambda c: not c.date_resolved)
                to_resolve.write({"date_resolved": now})
                self.browse(to_resolve.ids)._qualified()._send_satisfaction_survey()
            if stage.is_closed:
                flow.write({"date_closed": now})
                self._qualified()._on_complaint_closed()
            if reopened:
                reopened.sudo().write(
                    {"date_closed": False, "date_resolved": False, "outcome": False}
                )
                reopened._qualified()._on_complaint_opened()
        return res

    def _qualified(self):
        return self.filtered(lambda c: c.sudo().intake_state == "qualified")

    def _check_can_close(self, vals):
        for complaint in self:
            root_cause = vals.get("root_cause_id", complaint.root_cause_id.id)
            summary = vals.get("resolution_summary", complaint.resolution_summary)
            if complaint.severity in ("high", "critical") and not (root_cause and summary):
                raise ValidationError(
                    self.env._(
                        "%(ref)s is a %(severity)s complaint: give its root cause and a "
                        "resolution summary before closing it.",
                        ref=complaint.name,
                        severity=dict(SEVERITIES)[complaint.severity].lower(),
                    )
                )

    # ------------------------------------------------------------------
    # Hooks for the customer's lifecycle and value
    # ------------------------------------------------------------------

    def _on_complaint_opened(self):
        self._ccm_schedule_customer_updates()
        return True

    def _on_complaint_closed(self):
        self._ccm_schedule_customer_updates()
        return True

    def _ccm_schedule_customer_updates(self):
        complaints = self._qualified()
        self.env["crm.customer.lifecycle"]._schedule_evaluation(
            (c.company_id.id, c.commercial_partner_id.id, c) for c in complaints
        )
        self.env["crm.customer.value"]._schedule_refresh(
            (c.company_id.id, c.commercial_partner_id.id) for c in complaints
        )

    # ------------------------------------------------------------------
    # Qualification
    # ------------------------------------------------------------------

    def action_qualify(self):
        """A person confirms an e-mailed complaint: it is a real complaint of this customer.
        Runs what the creation of a back-office complaint runs (customer lifecycle and
        value, cost to serve) and, when it is already resolved, sends the survey."""
        for complaint in self:
            if complaint.intake_state == "qualified":
                raise UserError(self.env._("%s is already qualified.", complaint.name))
            if not complaint.partner_id:
                raise UserError(
                    self.env._(
                        "Give %s its customer before qualifying it: the sender's address "
                        "matched no customer of this company.",
                        complaint.name,
                    )
                )
        self.check_access("write")
        self.sudo().write({"intake_state": "qualified"})
        self._on_complaint_opened()
        self.filtered(lambda c: c.sudo().date_resolved)._send_satisfaction_survey()
        return True

    # ------------------------------------------------------------------
    # Intake by e-mail, first response
    # ------------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """An e-mailed complaint waits to be qualified: anyone can write From: anything. It
        is linked to a partner of the alias's company with the sender's address (none is
        created for an unknown sender), assigned by the team (its leader) and never to the
        sender's own user, which the mail gateway runs as."""
        custom_values = dict(custom_values or {})
        company = self._intake_company(custom_values)
        email = tools.email_normalize(msg_dict.get("email_from") or "")
        partner = self.env["res.partner"]
        if email:
            partner = partner.sudo().search(
                [("email_normalized", "=", email), ("company_id", "in", [False, company.id])],
                order="id",
                limit=1,
            )
        team = self.env["crm.team"].sudo().browse(custom_values.get("team_id"))
        leader = team.user_id
        if leader and (leader.share or company not in leader.company_ids):
            leader = self.env["res.users"]
        values = {
            "name": "/",  # the reference comes from the sequence, not the subject
            "subject": msg_dict.get("subject") or self.env._("Complaint by e-mail"),
            "partner_id": partner.id,
            "email_from": msg_dict.get("email_from"),
            "channel": "email",
            "description": msg_dict.get("body"),
            "company_id": company.id,
            "user_id": leader.id,
        }
        values.update(custom_values)
        values["intake_state"] = "to_qualify"
        return super().message_new(msg_dict, custom_values=values)

    @api.model
    def _intake_company(self, custom_values):
        """The company of the alias: its defaults (company, else the team's company), else
        the main company. Not the company of the gateway's user, who may be the sender."""
        Company = self.env["res.company"].sudo()
        if custom_values.get("company_id"):
            return Company.browse(custom_values["company_id"])
        team = self.env["crm.team"].sudo().browse(custom_values.get("team_id"))
        if team.company_id:
            return team.company_id
        return self.env.ref("base.main_company", raise_if_not_found=False) or self.env.company

    def _message_post_after_hook(self, message, msg_vals):
        # a reply to the customer by an employee is the first response
        if (
            message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and message.author_id.user_ids
            and not message.author_id.user_ids[0].share
        ):
            self.sudo().filtered(lambda c: not c.date_first_response).write(
                {"date_first_response": fields.Datetime.now()}
            )
        return super()._message_post_after_hook(message, msg_vals)
