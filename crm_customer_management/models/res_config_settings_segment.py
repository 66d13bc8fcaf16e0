from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Segments and clusters
    ccm_cluster_count = fields.Integer(related="company_id.ccm_cluster_count", readonly=False)
    ccm_segment_cron_at = fields.Datetime(related="company_id.ccm_segment_cron_at")
    ccm_segment_cron_error = fields.Text(related="company_id.ccm_segment_cron_error")
