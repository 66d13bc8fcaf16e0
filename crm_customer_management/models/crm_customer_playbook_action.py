from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..const import LIFECYCLE_STAGES


class CrmCustomerPlaybookAction(models.Model):
    """One action of a lifecycle stage's playbook: run once each time a customer enters
    the stage (schedule an activity, or send an e-mail from a template)."""

    _name = "crm.customer.playbook.action"
    _description = "Lifecycle Playbook Action"
    _order = "stage, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the action in every company."
    )
    stage = fields.Selection(LIFECYCLE_STAGES, required=True, index=True)
    action_type = fields.Selection(
        [("activity", "Schedule an activity"), ("mail", "Send an e-mail")],
        required=True,
        default="activity",
    )
    activity_type_id = fields.Many2one("mail.activity.type")
    summary = fields.Char(translate=True)
    note = fields.Html(translate=True)
    responsible = fields.Selection(
        [("salesperson", "Salesperson"), ("team_leader", "Sales team leader")],
        default="salesperson",
        required=True,
        help="Who gets the activity: the salesperson or the salesperson's team leader, else "
        "the other one, else the user who moved the customer by hand, else the company's "
        "first sales manager; only active internal users (never a portal, public or "
        "superuser account). Without anyone, the activity is skipped and noted in the "
        "stage history.",
    )
    deadline_days = fields.Integer("Deadline (days)", default=2)
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", "res.partner")],
        help="Sent from the salesperson, else from the company, and only to active customers "
        "with an e-mail address who did not opt out (blacklist).",
    )

    @api.constrains("action_type", "activity_type_id", "mail_template_id", "deadline_days")
    def _check_action(self):
        for action in self:
            if action.action_type == "activity" and not action.activity_type_id:
                raise ValidationError(
                    self.env._("Playbook action '%s' needs an activity type.", action.name)
                )
            if action.action_type == "mail" and not action.mail_template_id:
                raise ValidationError(
                    self.env._("Playbook action '%s' needs an e-mail template.", action.name)
                )
            if action.deadline_days < 0:
                raise ValidationError(self.env._("A deadline cannot be in the past."))
