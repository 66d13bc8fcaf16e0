from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..const import CCM_MANAGER, LIFECYCLE_STAGES

TRIGGERS = [("event", "Event"), ("scheduled", "Scheduled"), ("manual", "Manual")]

PLAYBOOK_STATES = [
    ("none", "Nothing to Run"),
    ("done", "Run"),
    ("held", "Held for Review"),
    ("discarded", "Discarded"),
]


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
    # the customer's stage in the company now: the last move (one per customer and company,
    # a unique partial index); the partner and the reports read it
    is_current = fields.Boolean("Current Stage", readonly=True, default=False)
    playbook_done = fields.Boolean(
        "Playbook Run", readonly=True, help="The stage's playbook actions were scheduled."
    )
    playbook_state = fields.Selection(
        PLAYBOOK_STATES,
        string="Playbook",
        readonly=True,
        index="btree_not_null",
        help="Nothing to run: the first classification of an existing customer. Held for "
        "review: an automatic run moved more customers than the company allows; a manager "
        "runs or discards the playbook.",
    )
    playbook_note = fields.Text(
        readonly=True,
        help="Playbook actions that were skipped, and why (archived or opted-out customer, "
        "no e-mail address, nobody to assign the activity to).",
    )

    def init(self):
        res = super().init()
        # One current stage per customer and company. The reports join the current stage
        # on ``current_partner_id`` (the customer on the current row, else NULL; kept by
        # PostgreSQL): a unique index without a predicate lets the planner drop that join
        # from a read that does not use the stage, which a partial index does not.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS crm_customer_lifecycle_history_current_uniq
                ON crm_customer_lifecycle_history (partner_id, company_id) WHERE is_current;
            ALTER TABLE crm_customer_lifecycle_history
                ADD COLUMN IF NOT EXISTS current_partner_id int4
                GENERATED ALWAYS AS (CASE WHEN is_current THEN partner_id END) STORED;
            CREATE UNIQUE INDEX IF NOT EXISTS crm_customer_lifecycle_history_current_partner
                ON crm_customer_lifecycle_history (current_partner_id, company_id);
            """
        )
        return res

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

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_run_held_playbooks(self):
        """Run the held playbooks of these rows, once (managers)."""
        held = self._claim_held_playbooks()
        Lifecycle = self.env["crm.customer.lifecycle"].sudo()
        for company, rows in held.grouped("company_id").items():
            Lifecycle._run_playbooks(company, rows)
        return self._playbook_notification(
            self.env._("%(count)s held playbooks run.", count=len(held))
        )

    def action_discard_held_playbooks(self):
        """Never run the held playbooks of these rows (managers)."""
        held = self._claim_held_playbooks()
        held.write({"playbook_state": "discarded"})
        return self._playbook_notification(
            self.env._("%(count)s held playbooks discarded.", count=len(held))
        )

    def _claim_held_playbooks(self):
        """The held rows among these, locked against a second manager doing the same, as
        superuser; AccessError for anyone but a Customer Management manager."""
        if not self.env.user.has_group(CCM_MANAGER):
            raise AccessError(
                self.env._("Only Customer Management managers can run or discard held playbooks.")
            )
        self.check_access("read")
        self.flush_model(["playbook_state"])
        self.env.cr.execute(
            SQL(
                """SELECT id FROM crm_customer_lifecycle_history
                    WHERE id = ANY(%s) AND playbook_state = 'held' ORDER BY id FOR UPDATE""",
                self.ids,
            )
        )
        return self.sudo().browse(row[0] for row in self.env.cr.fetchall())

    def _playbook_notification(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
