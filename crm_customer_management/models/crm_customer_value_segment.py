from odoo import api, fields, models

from ..tools.cron import run_per_company


class CrmCustomerValue(models.Model):
    """The customer's behaviour cluster on the value profile, and the nightly refresh of
    clusters and segments right after the values they are made of."""

    _inherit = "crm.customer.value"

    cluster_id = fields.Many2one("crm.customer.cluster", readonly=True, index="btree_not_null")

    @api.model
    def _cron_refresh_all(self):
        failures = super()._cron_refresh_all()
        Segment = self.env["crm.customer.segment"]
        failures.update(
            run_per_company(
                Segment,
                Segment._refresh_company,
                self.env["res.company"].search([("active", "=", True)]),
                ("ccm_segment_cron_at", "ccm_segment_cron_error"),
            )
        )
        return failures
