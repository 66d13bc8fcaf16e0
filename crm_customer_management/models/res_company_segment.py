from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # last nightly refresh of segments and clusters
    ccm_segment_cron_at = fields.Datetime("Segments Refreshed At", readonly=True)
    ccm_segment_cron_error = fields.Text("Segment Refresh Error", readonly=True)
    ccm_cluster_count = fields.Integer(
        "Number of Customer Clusters",
        help="How many clusters k-means makes of the customers; 0 chooses it (2 to 8) by "
        "the silhouette of a sample.",
    )

    _sql_constraints = [
        (
            "ccm_cluster_count_range",
            "CHECK(ccm_cluster_count >= 0 AND ccm_cluster_count <= 20)",
            "The number of customer clusters is between 0 (chosen automatically) and 20.",
        ),
    ]
