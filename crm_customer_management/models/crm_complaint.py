from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

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
# share of the SLA time left under which a complaint is at risk
AT_RISK_SHARE = 0.2


class CrmComplaint(models.Model):
    """A customer complaint, from intake to recovery: SLA deadlines in working hours,
    escalation, root cause, compensation through Odoo's own credit-note and return wizards,
    satisfaction survey, outcome."""

    _name = "crm.complaint"
    _description = "Customer Complaint"
    _inherit = ["portal.mixin", "mail.thread.cc", "mail.activity.mixin"]
    _order = "priority desc, id desc"
    _check_company_auto = True
    _primary_email = "email_from"

    # Intake
    name = fields.Char("Reference", readonly=True, copy=False, default="/")
    subject = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, tracking=True, index=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    email_from = fields.Char("E-mail")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    category_id = fields.Many2one("crm.complaint.category", tracking=True)
    severity = fields.Selection(SEVERITIES, required=True, default="medium", tracking=True)
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent"), ("3", "Escalated")], default="0"
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
    team_id = fields.Many2one("crm.team", tracking=True, check_company=True)
    user_id = fields.Many2one(
        "res.users", string="Assigned to", tracking=True, default=lambda self: self.env.user
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
    first_response_deadline = fields.Datetime(readonly=True, copy=False)
    resolution_deadline = fields.Datetime(readonly=True, copy=False)
    # indexed: the KPIs read one period of each
    date_first_response = fields.Datetime("First Response", readonly=True, copy=False, index=True)
    date_resolved = fields.Datetime("Resolved On", readonly=True, copy=False, index=True)
    date_closed = fields.Datetime("Closed On", readonly=True, copy=False, index=True)
    sla_status = fields.Selection(SLA_STATUSES, compute="_compute_sla_status", string="SLA")
    escalation_level = fields.Integer(
        readonly=True, copy=False, help="0: none; 1: team leader; 2: sales manager."
    )
    # Root cause and action
    root_cause_id = fields.Many2one("crm.complaint.root.cause", tracking=True)
    analysis = fields.Html("Root-cause Analysis")
    corrective_action = fields.Text()
    preventive_action = fields.Text()
    resolution_summary = fields.Text()
    # Compensation
    credit_note_ids = fields.One2many("account.move", "ccm_complaint_id", string="Credit Notes")
    return_picking_ids = fields.One2many("stock.picking", "ccm_complaint_id", string="Returns")
    compensation_amount = fields.Monetary(
        compute="_compute_compensation_amount",
        store=True,
        help="Posted credit notes, untaxed, in the company currency.",
    )
    # After resolution
    survey_answer_id = fields.Many2one("survey.user_input", readonly=True, copy=False)
    csat_score = fields.Integer("CSAT", readonly=True, copy=False, aggregator="avg")
    outcome = fields.Selection(OUTCOMES, tracking=True, copy=False)

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

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"
        return res

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
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
        complaints._on_complaint_opened()
        return complaints

    def write(self, vals):
        stage = self.env["crm.complaint.stage"].browse(vals.get("stage_id"))
        reopened = self.filtered("is_closed") if stage and not stage.is_closed else self.browse()
        if stage.is_closed:
            self._check_can_close(vals)
        res = super().write(vals)
        if stage:
            now = fields.Datetime.now()
            self.filtered(lambda c: not c.date_first_response).write({"date_first_response": now})
            if stage.is_resolved or stage.is_closed:
                to_resolve = self.filtered(lambda c: not c.date_resolved)
                to_resolve.write({"date_resolved": now})
                to_resolve._send_satisfaction_survey()
            if stage.is_closed:
                self.write({"date_closed": now})
                self._on_complaint_closed()
            if reopened:
                reopened.write({"date_closed": False, "date_resolved": False, "outcome": False})
                reopened._on_complaint_opened()
        return res

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
        self.env["crm.customer.lifecycle"]._schedule_evaluation(
            (c.company_id.id, c.commercial_partner_id.id, c) for c in self
        )
        self.env["crm.customer.value"]._schedule_refresh(
            (c.company_id.id, c.commercial_partner_id.id) for c in self
        )

    # ------------------------------------------------------------------
    # SLA
    # ------------------------------------------------------------------

    def _sla_policy(self):
        self.ensure_one()
        policies = self.env["crm.complaint.sla"].search(
            [
                ("severity", "=", self.severity),
                ("category_id", "in", [self.category_id.id, False]),
                ("company_id", "in", [self.company_id.id, False]),
            ],
            order="category_id",
        )
        return policies.filtered("category_id")[:1] or policies[:1]

    def _set_sla_deadlines(self):
        for complaint in self:
            policy = complaint._sla_policy()
            if not policy:
                continue
            calendar = complaint.company_id.resource_calendar_id
            start = complaint.date_open
            if calendar:
                first = calendar.plan_hours(policy.first_response_hours, start)
                resolve = calendar.plan_hours(policy.resolution_hours, start)
            else:
                first = start + timedelta(hours=policy.first_response_hours)
                resolve = start + timedelta(hours=policy.resolution_hours)
            complaint.write(
                {
                    "first_response_deadline": first and first.replace(tzinfo=None),
                    "resolution_deadline": resolve and resolve.replace(tzinfo=None),
                }
            )

    @api.model
    def _cron_escalate(self):
        """Escalate breached open complaints, once per level: level 1 (any deadline passed)
        raises the priority and gives the team leader an activity; level 2 (resolution
        deadline passed by as long again as the SLA allowed) goes to the sales manager.
        Set-based: one search per level, one write, one batch of activities."""
        now = fields.Datetime.now()
        base = [("is_closed", "=", False)]
        level1 = self.search(
            base
            + [
                ("escalation_level", "=", 0),
                "|",
                "&",
                ("date_first_response", "=", False),
                ("first_response_deadline", "<", now),
                "&",
                ("date_resolved", "=", False),
                ("resolution_deadline", "<", now),
            ]
        )
        level2 = self.search(
            base
            + [
                ("escalation_level", "=", 1),
                ("date_resolved", "=", False),
                ("resolution_deadline", "<", now),
            ]
        ).filtered(lambda c: now - c.resolution_deadline >= c.resolution_deadline - c.date_open)
        manager = self.env.ref("sales_team.group_sale_manager").users[:1]
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals = []
        for level, complaints in ((1, level1), (2, level2)):
            if not complaints:
                continue
            complaints.write({"escalation_level": level, "priority": "3" if level == 2 else "2"})
            for complaint in complaints:
                leader = complaint.team_id.user_id or complaint.user_id or manager
                user = (leader if level == 1 else (manager or leader)) or self.env.user
                vals.append(
                    {
                        "res_model_id": model_id,
                        "res_id": complaint.id,
                        "activity_type_id": activity_type.id,
                        "summary": self.env._("SLA breached: %s", complaint.name),
                        "user_id": user.id,
                        "date_deadline": fields.Date.context_today(self),
                    }
                )
        if vals:
            # one batch; the assignees see them in their activities, without one e-mail each
            self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals)
        return len(level1) + len(level2)

    # ------------------------------------------------------------------
    # Intake by e-mail, first response
    # ------------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        partner_ids = self._mail_find_partner_from_emails([msg_dict.get("email_from")])
        partner = partner_ids[0] if partner_ids else self.env["res.partner"]
        if not partner:
            partner = self.env["res.partner"].create(
                {"email": msg_dict.get("email_from"), "name": msg_dict.get("email_from")}
            )
        values = {
            "name": "/",  # the reference comes from the sequence, not the subject
            "subject": msg_dict.get("subject") or self.env._("Complaint by e-mail"),
            "partner_id": partner.id,
            "email_from": msg_dict.get("email_from"),
            "channel": "email",
            "description": msg_dict.get("body"),
        }
        values.update(custom_values or {})
        return super().message_new(msg_dict, custom_values=values)

    def _message_post_after_hook(self, message, msg_vals):
        # a reply to the customer by an employee is the first response
        if (
            message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and message.author_id.user_ids
            and not message.author_id.user_ids[0].share
        ):
            self.filtered(lambda c: not c.date_first_response).write(
                {"date_first_response": fields.Datetime.now()}
            )
        return super()._message_post_after_hook(message, msg_vals)

    # ------------------------------------------------------------------
    # Compensation through Odoo's own wizards
    # ------------------------------------------------------------------

    def action_credit_note(self):
        """The account reversal wizard on the linked invoice; the credit note it creates is
        linked back to this complaint."""
        self.ensure_one()
        if not self.invoice_id or self.invoice_id.state != "posted":
            raise UserError(
                self.env._("%s has no posted invoice to credit: link the invoice first.", self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit note for %s", self.name),
            "res_model": "account.move.reversal",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "account.move",
                "active_ids": self.invoice_id.ids,
                "ccm_complaint_id": self.id,
                "default_reason": self.env._("Complaint %s", self.name),
            },
        }

    def action_return(self):
        """The stock return wizard on the linked delivery (return, or return for exchange =
        a replacement delivery); the pickings it creates are linked back to this complaint."""
        self.ensure_one()
        picking = self.picking_id
        if not picking or picking.state != "done" or picking.picking_type_code != "outgoing":
            raise UserError(
                self.env._("%s has no done delivery to return: link the delivery first.", self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return for %s", self.name),
            "res_model": "stock.return.picking",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "stock.picking",
                "active_id": picking.id,
                "active_ids": picking.ids,
                "ccm_complaint_id": self.id,
            },
        }

    # ------------------------------------------------------------------
    # Satisfaction survey
    # ------------------------------------------------------------------

    def _send_satisfaction_survey(self):
        survey = self.env.ref("crm_customer_management.survey_csat", raise_if_not_found=False)
        if not survey:
            return
        for complaint in self.filtered(lambda c: not c.survey_answer_id):
            answer = survey.sudo()._create_answer(
                partner=complaint.partner_id, check_attempts=False
            )
            complaint.survey_answer_id = answer
            complaint.message_post(
                body=self.env._(
                    "How satisfied are you with how we handled your complaint? "
                    "Please answer here: %s",
                    answer.get_start_url(),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=complaint.partner_id.ids,
            )

    def _ccm_record_survey_answers(self, answers):
        """Store the CSAT score of completed survey answers on their complaints."""
        complaints = self.search([("survey_answer_id", "in", answers.ids)])
        for complaint in complaints:
            line = complaint.survey_answer_id.user_input_line_ids.filtered(
                lambda line: line.answer_type == "scale"
            )[:1]
            complaint.csat_score = line.value_scale if line else 0
        return complaints
