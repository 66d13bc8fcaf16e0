from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Background work: the nightly runs and the customer event queue
    ccm_value_fit_note = fields.Text(related="company_id.ccm_value_fit_note")
    ccm_value_cron_at = fields.Datetime(related="company_id.ccm_value_cron_at")
    ccm_value_cron_error = fields.Text(related="company_id.ccm_value_cron_error")
    ccm_lifecycle_cron_at = fields.Datetime(related="company_id.ccm_lifecycle_cron_at")
    ccm_lifecycle_cron_error = fields.Text(related="company_id.ccm_lifecycle_cron_error")
    ccm_event_pending_count = fields.Integer(compute="_compute_ccm_event_counts")
    ccm_event_failed_count = fields.Integer(compute="_compute_ccm_event_counts")

    def _compute_ccm_event_counts(self):
        counts = dict(
            self.env["crm.customer.event"]
            .sudo()
            ._read_group(
                [("company_id", "in", [self.env.company.id, False])], ["state"], ["__count"]
            )
        )
        for settings in self:
            settings.ccm_event_pending_count = counts.get("pending", 0)
            settings.ccm_event_failed_count = counts.get("failed", 0)

    def action_ccm_view_events(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_event_action"
        )
