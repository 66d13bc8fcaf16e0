from odoo import api, fields, models

from ..analytics.lifecycle import STAGES

LIFECYCLE_STAGES = [
    ("target", "Target"),
    ("enquiry", "Enquiry"),
    ("acquired", "Acquired"),
    ("onboarding", "Onboarding"),
    ("known", "Known"),
    ("developing", "Developing"),
    ("retained", "Retained"),
    ("at_risk", "At Risk"),
    ("dissatisfied", "Dissatisfied"),
    ("lost", "Lost"),
    ("won_back", "Won Back"),
]
assert tuple(k for k, _ in LIFECYCLE_STAGES) == STAGES

TRIGGERS = [("event", "Event"), ("scheduled", "Scheduled"), ("manual", "Manual")]


class CrmCustomerLifecycleHistory(models.Model):
    """One row per lifecycle stage change of a customer in a company. Written in batches by
    the lifecycle service; never edited."""

    _name = "crm.customer.lifecycle.history"
    _description = "Customer Lifecycle Stage Change"
    _order = "date desc, id desc"
    _rec_name = "stage_to"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    stage_from = fields.Selection(LIFECYCLE_STAGES, string="From")
    stage_to = fields.Selection(LIFECYCLE_STAGES, string="To", required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    trigger = fields.Selection(TRIGGERS, required=True)
    res_model = fields.Char("Document Model", readonly=True)
    res_id = fields.Many2oneReference("Document ID", model_field="res_model", readonly=True)
    document_ref = fields.Reference(
        selection="_selection_document_ref", string="Document", compute="_compute_document_ref"
    )
    user_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user)
    reason = fields.Text()
    playbook_done = fields.Boolean(
        "Playbook Run", readonly=True, help="The stage's playbook actions were scheduled."
    )

    @api.model
    def _selection_document_ref(self):
        return [(m.model, m.name) for m in self.env["ir.model"].sudo().search([])]

    @api.depends("res_model", "res_id")
    def _compute_document_ref(self):
        for row in self:
            if row.res_model and row.res_id and row.res_model in self.env:
                row.document_ref = f"{row.res_model},{row.res_id}"
            else:
                row.document_ref = False
