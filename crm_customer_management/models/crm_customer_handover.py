from odoo import fields, models


class CrmCustomerHandover(models.Model):
    """The log of a handover: who left, who took over what, when and by whom."""

    _name = "crm.customer.handover"
    _description = "Customer Handover"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    user_id = fields.Many2one("res.users", string="Leaving User", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    done_by_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user)
    line_ids = fields.One2many("crm.customer.handover.line", "handover_id", readonly=True)
    customer_count = fields.Integer("Customers", readonly=True)
    lead_count = fields.Integer("Leads and Opportunities", readonly=True)
    activity_count = fields.Integer("Activities", readonly=True)
    complaint_count = fields.Integer("Complaints", readonly=True)
    decision_count = fields.Integer("Decisions", readonly=True)
    suggestion_count = fields.Integer("Suggestions", readonly=True)
    note_count = fields.Integer("Handover Notes", readonly=True)
    user_archived = fields.Boolean(readonly=True)
    roles_moved = fields.Text("Roles Handed Over", readonly=True)
    roles_left = fields.Text("Roles to Reassign by Hand", readonly=True)

    def _compute_display_name(self):
        for handover in self:
            handover.display_name = self.env._(
                "Handover of %(user)s", user=handover.user_id.name or ""
            )


class CrmCustomerHandoverLine(models.Model):
    """What one successor took over in a handover."""

    _name = "crm.customer.handover.line"
    _description = "Customer Handover Successor"
    _order = "handover_id, id"

    handover_id = fields.Many2one("crm.customer.handover", required=True, ondelete="cascade")
    successor_id = fields.Many2one("res.users", required=True, readonly=True)
    customer_count = fields.Integer("Customers", readonly=True)
    lead_count = fields.Integer("Leads", readonly=True)
    activity_count = fields.Integer("Activities", readonly=True)
    complaint_count = fields.Integer("Complaints", readonly=True)
