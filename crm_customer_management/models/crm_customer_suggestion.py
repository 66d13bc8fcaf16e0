import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import CCM_MANAGER

STATES = [
    ("new", "New"),
    ("under_review", "Under Review"),
    ("accepted", "Accepted"),
    ("implemented", "Implemented"),
    ("rejected", "Rejected"),
]
ORIGINS = [
    ("employee", "Employee"),
    ("portal", "Customer portal"),
    ("email", "E-mail"),
    ("survey", "Survey comment"),
]
_logger = logging.getLogger(__name__)

# the outcomes the author is told about
OUTCOME_STATES = ("accepted", "implemented", "rejected")


class CrmCustomerSuggestion(models.Model):
    """A suggestion or a piece of feedback from an employee or a customer, routed to the
    department that owns its subject: the department's manager gets the activity, the
    company's senior management follows it, the author hears the outcome."""

    _name = "crm.customer.suggestion"
    _description = "Suggestion or Feedback"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char("Subject", required=True, tracking=True)
    description = fields.Html()
    kind = fields.Selection(
        [("suggestion", "Suggestion"), ("feedback", "Feedback")],
        required=True,
        default="suggestion",
    )
    date = fields.Datetime("Sent On", required=True, readonly=True, default=fields.Datetime.now)
    origin = fields.Selection(ORIGINS, required=True, default="employee", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    author_user_id = fields.Many2one(
        "res.users",
        string="Employee",
        default=lambda self: self._default_author_user(),
        readonly=True,
        index="btree_not_null",
    )
    author_partner_id = fields.Many2one(
        "res.partner",
        string="Author",
        required=True,
        default=lambda self: self.env.user.partner_id,
        readonly=True,
        index=True,
    )
    category_id = fields.Many2one("crm.customer.suggestion.category", required=True)
    department_id = fields.Many2one(
        "crm.customer.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        tracking=True,
        groups="base.group_user",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        readonly=True,
        tracking=True,
        groups="base.group_user",
        help="The owning department's manager, who answers it.",
    )
    state = fields.Selection(STATES, required=True, default="new", tracking=True)
    reject_reason = fields.Text("Why Rejected", tracking=True)
    # What it is about
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null")
    product_id = fields.Many2one("product.product")
    complaint_id = fields.Many2one("crm.complaint", groups="base.group_user")
    sale_order_id = fields.Many2one("sale.order", string="Sales Order", groups="base.group_user")
    decision_id = fields.Many2one("crm.customer.decision", copy=False, groups="base.group_user")
    survey_answer_line_id = fields.Many2one(
        "survey.user_input.line",
        string="Survey Answer",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
        groups="base.group_user",
        help="The written survey answer this suggestion was made from.",
    )

    def _default_author_user(self):
        return self.env.user if not self.env.user.share else False

    @api.depends("category_id")
    def _compute_department_id(self):
        for suggestion in self:
            suggestion.department_id = suggestion.category_id.department_id

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for suggestion in self:
            suggestion.access_url = f"/my/suggestions/{suggestion.id}"
        return res

    @api.constrains("state", "reject_reason")
    def _check_reject_reason(self):
        for suggestion in self:
            if suggestion.state == "rejected" and not (suggestion.reject_reason or "").strip():
                raise ValidationError(
                    self.env._("Say why suggestion %(name)s is rejected.", name=suggestion.name)
                )

    # ------------------------------------------------------------------
    # Routing
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("complaint_id") and not vals.get("partner_id"):
                complaint = self.env["crm.complaint"].browse(vals["complaint_id"])
                vals["partner_id"] = complaint.commercial_partner_id.id
            if vals.get("sale_order_id") and not vals.get("partner_id"):
                order = self.env["sale.order"].browse(vals["sale_order_id"])
                vals["partner_id"] = order.partner_id.commercial_partner_id.id
        suggestions = super().create(vals_list)
        suggestions.sudo()._route()
        return suggestions

    def write(self, vals):
        if not self.env.su and vals.keys() & {"state", "user_id", "decision_id"}:
            self._check_answers()
        return super().write(vals)

    def _route(self):
        """The owning department's manager gets the activity and becomes responsible; the
        company's senior management and the author follow the suggestion."""
        for suggestion in self:
            department = suggestion.department_id
            if not department:
                raise ValidationError(
                    self.env._(
                        "Category %(category)s has no owning department.",
                        category=suggestion.category_id.display_name,
                    )
                )
            # the department's manager, else the committee's chair: a customer's feedback is
            # never refused for a department left without a manager
            manager = department.manager_id or (
                self.env["crm.customer.committee"]
                .search([("company_id", "=", suggestion.company_id.id)], limit=1)
                .chair_id
            )
            suggestion.user_id = manager
            management = suggestion.company_id.ccm_management_group_id.users.filtered(
                lambda u, c=suggestion.company_id: c in u.company_ids
            )
            suggestion.message_subscribe(
                partner_ids=(management.partner_id | suggestion.author_partner_id).ids
            )
            if not manager:
                _logger.warning(
                    "Suggestion %s: department %s has no manager and the company no "
                    "committee chair, nobody was given the activity",
                    suggestion.id,
                    department.display_name,
                )
                continue
            suggestion.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(suggestion) + timedelta(days=7),
                summary=self.env._("Answer: %(name)s", name=suggestion.name),
                user_id=manager.id,
            )

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Feedback e-mailed to the ``feedback`` alias (known senders only): its author is the
        sender, its customer the sender's company, its category "Other" until the manager
        who gets it reclassifies it."""
        values = dict(custom_values or {})
        author = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        if not author:
            raise ValidationError(self.env._("Feedback by e-mail needs a known sender."))
        employee = author.user_ids.filtered(lambda u: not u.share)[:1]
        values.setdefault("name", msg_dict.get("subject") or self.env._("Feedback by e-mail"))
        values.setdefault("description", msg_dict.get("body"))
        values.setdefault("kind", "feedback")
        values.setdefault(
            "category_id", self.env.ref("crm_customer_management.suggestion_category_other").id
        )
        values.update(
            origin="email",
            author_user_id=employee.id,
            author_partner_id=author.id,
            partner_id=False if employee else author.commercial_partner_id.id,
        )
        return super().message_new(msg_dict, values)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_answers(self):
        """The responsible, the department's manager and the addon's managers answer."""
        user = self.env.user
        if self.env.su or user.has_group(CCM_MANAGER):
            return
        for suggestion in self:
            if user not in (suggestion.user_id | suggestion.department_id.manager_id):
                raise UserError(
                    self.env._(
                        "Only the manager of %(department)s answers suggestion %(name)s.",
                        department=suggestion.department_id.display_name,
                        name=suggestion.name,
                    )
                )

    def _set_state(self, state):
        self._check_answers()
        self.write({"state": state})
        if state in OUTCOME_STATES:
            self._notify_author()
            self.activity_feedback(["mail.mail_activity_data_todo"])

    def _notify_author(self):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for suggestion in self:
            body = self.env._(
                "Your suggestion “%(name)s” is %(state)s.",
                name=suggestion.name,
                state=labels[suggestion.state].lower(),
            )
            if suggestion.state == "rejected":
                body += " " + self.env._("Reason: %(reason)s", reason=suggestion.reject_reason)
            suggestion.message_post(
                body=body,
                partner_ids=suggestion.author_partner_id.ids,
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
            )

    def action_review(self):
        self._set_state("under_review")
        return True

    def action_accept(self):
        self._set_state("accepted")
        return True

    def action_implement(self):
        self._set_state("implemented")
        return True

    def action_reject(self):
        missing = self.filtered(lambda s: not (s.reject_reason or "").strip())
        if missing:
            raise UserError(
                self.env._(
                    "Write why the suggestion is rejected (Why Rejected) before rejecting "
                    "it: %(names)s.",
                    names=", ".join(missing.mapped("name")),
                )
            )
        self._set_state("rejected")
        return True

    def action_make_decision(self):
        """A committee decision from this suggestion, owned by its department's manager."""
        self.ensure_one()
        self._check_answers()
        if self.decision_id:
            raise UserError(self.env._("This suggestion already became a decision."))
        if self.state in ("new", "under_review"):
            self._set_state("accepted")
        committee = self.env["crm.customer.committee"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        today = fields.Date.context_today(self)
        decision = self.env["crm.customer.decision"].create(
            {
                "name": self.name,
                "reason": self.description,
                "company_id": self.company_id.id,
                "committee_id": committee.id,
                "department_id": self.department_id.id,
                "user_id": self.user_id.id,
                "date": today,
                "due_date": today + timedelta(days=30),
                "partner_ids": [(6, 0, self.partner_id.commercial_partner_id.ids)],
                "complaint_category_ids": [(6, 0, self.complaint_id.category_id.ids)],
                "root_cause_ids": [(6, 0, self.complaint_id.root_cause_id.ids)],
            }
        )
        self.decision_id = decision
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.customer.decision",
            "res_id": decision.id,
            "view_mode": "form",
        }
