from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.sql import create_index

from ..analytics import interaction
from ..const import CCM_MANAGER

CAMPAIGN_KINDS = [
    ("nps", "Relationship NPS"),
    ("delivery", "CSAT after delivery"),
]
INVITATION_STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("answered", "Answered"),
    ("failed", "Failed"),
]


class CrmCustomerSurveyCampaign(models.Model):
    """One wave of a satisfaction survey programme in a company: the relationship NPS of
    a month, or the CSAT after the deliveries of a month. Its invitations are selected
    set-based (see ``crm.customer.survey.programme``) and sent in batches after the
    commit; the counts and the response rate are kept on the campaign."""

    _name = "crm.customer.survey.campaign"
    _description = "Satisfaction Survey Campaign"
    _order = "date desc, id desc"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    survey_id = fields.Many2one("survey.survey", required=True, readonly=True)
    kind = fields.Selection(CAMPAIGN_KINDS, required=True, readonly=True)
    date = fields.Date(required=True, readonly=True, help="First day of the campaign's month.")
    invitation_ids = fields.One2many("crm.customer.survey.invitation", "campaign_id")
    invited_count = fields.Integer("Invited", readonly=True)
    sent_count = fields.Integer("Sent", readonly=True)
    answered_count = fields.Integer("Answered", readonly=True)
    response_rate = fields.Float(
        "Response Rate (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )

    _sql_constraints = [
        (
            "wave_uniq",
            "unique(company_id, kind, date)",
            "One campaign per company, kind and month.",
        ),
    ]

    @api.model
    def _for_month(self, company, kind, survey, day):
        """The campaign of ``kind`` for ``day``'s month in ``company``, made when missing."""
        month = day.replace(day=1)
        campaign = self.search(
            [("company_id", "=", company.id), ("kind", "=", kind), ("date", "=", month)]
        )
        if campaign:
            return campaign
        labels = dict(self._fields["kind"]._description_selection(self.env))
        return self.create(
            {
                "name": f"{labels[kind]} {month:%Y-%m}",
                "company_id": company.id,
                "kind": kind,
                "survey_id": survey.id,
                "date": month,
            }
        )

    def _update_counts(self):
        """Invited, sent and answered invitations and the response rate: one grouped read."""
        if not self:
            return
        self.env.flush_all()
        counts = {
            (campaign.id, state): count
            for campaign, state, count in self.env["crm.customer.survey.invitation"]
            .sudo()
            ._read_group([("campaign_id", "in", self.ids)], ["campaign_id", "state"], ["__count"])
        }
        for campaign in self:
            answered = counts.get((campaign.id, "answered"), 0)
            sent = counts.get((campaign.id, "sent"), 0) + answered
            campaign.write(
                {
                    "invited_count": sent
                    + counts.get((campaign.id, "queued"), 0)
                    + counts.get((campaign.id, "failed"), 0),
                    "sent_count": sent,
                    "answered_count": answered,
                    "response_rate": interaction.response_rate(sent, answered) or 0.0,
                }
            )

    def action_view_invitations(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_survey_invitation_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        return action

    @api.model
    def action_schedule_now(self):
        """Managers: select and queue the due invitations of every company now."""
        if not self.env.user.has_group(CCM_MANAGER):
            raise AccessError(
                self.env._("Only Customer Management managers can schedule survey campaigns.")
            )
        Programme = self.env["crm.customer.survey.programme"].sudo()
        for company in self.env.companies:
            Programme._schedule_nps(company)
            Programme._schedule_delivery_csat(company)
        Programme._trigger_sending()
        return True


class CrmCustomerSurveyInvitation(models.Model):
    """One contact invited to answer a campaign's survey: queued by the set-based
    selection, sent with its own survey answer (``survey.user_input``) by a batch, marked
    answered when the contact completes it."""

    _name = "crm.customer.survey.invitation"
    _description = "Satisfaction Survey Invitation"
    _order = "id desc"
    # A wave queues a row per contact (77,000 at 100,000 customers), and PostgreSQL checks
    # every foreign key of every row: the company and the survey are the campaign's, and
    # the dates say when it was queued, sent and answered (no log columns).
    _log_access = False

    campaign_id = fields.Many2one(
        "crm.customer.survey.campaign", required=True, index=True, ondelete="cascade"
    )
    kind = fields.Selection(related="campaign_id.kind", store=True)
    company_id = fields.Many2one(related="campaign_id.company_id")
    survey_id = fields.Many2one(related="campaign_id.survey_id")
    partner_id = fields.Many2one("res.partner", string="Contact", required=True, index=True)
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    picking_id = fields.Many2one("stock.picking", string="Delivery", index="btree_not_null")
    # the sending reads the queued ones: a partial index (init)
    state = fields.Selection(INVITATION_STATES, required=True, default="queued")
    user_input_id = fields.Many2one("survey.user_input", string="Answer", index="btree_not_null")
    scheduled_at = fields.Datetime(readonly=True, index=True)
    sent_at = fields.Datetime(readonly=True)
    answered_at = fields.Datetime(readonly=True)
    error = fields.Text(readonly=True)
    nbr = fields.Integer("# Invitations", default=1, readonly=True)

    def init(self):
        create_index(
            self.env.cr,
            indexname="crm_customer_survey_invitation_queued_idx",
            tablename=self._table,
            expressions=["id"],
            where="state = 'queued'",
        )
