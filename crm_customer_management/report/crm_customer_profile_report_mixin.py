from odoo import fields, models

from ..const import LIFECYCLE_STAGES, NO_STAGE, stages_in_cycle_order
from ..models.crm_customer_value import RFM_SEGMENTS, VALUE_TIERS


class CrmCustomerProfileReportMixin(models.AbstractModel):
    """What an analysis report shows of the customer behind each row: the value tier and
    RFM segment of its value profile, and its lifecycle stage, all in the row's company.
    A report selects ``_select_profile`` and joins ``_from_profile``."""

    _name = "crm.customer.profile.report.mixin"
    _description = "Customer Profile Columns of Analysis Reports"

    value_tier = fields.Selection(VALUE_TIERS, readonly=True)
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment", readonly=True)
    lifecycle_stage = fields.Selection(
        [(NO_STAGE, "Not Classified"), *LIFECYCLE_STAGES],
        readonly=True,
        group_expand="_read_group_expand_lifecycle_stage",
    )

    def _read_group_expand_lifecycle_stage(self, values, domain):
        return stages_in_cycle_order(values)

    def _select_profile(self, company):
        """The profile columns for the rows of company column ``company`` (a constant)."""
        return (
            f"v.value_tier, v.rfm_segment, COALESCE(ls.stage_to, '{NO_STAGE}') AS lifecycle_stage"
        )

    def _from_profile(self, partner, company):
        """The value profile and the lifecycle stage of commercial partner ``partner`` in
        ``company`` (columns: LEFT JOINs on unique keys, which a grouped read that does not
        use them skips; the current stage by its non-partial unique key, see
        ``crm.customer.lifecycle.history.init``)."""
        return (
            f"LEFT JOIN crm_customer_value v"
            f" ON v.partner_id = {partner} AND v.company_id = {company}"
            f" LEFT JOIN crm_customer_lifecycle_history ls"
            f" ON ls.current_partner_id = {partner} AND ls.company_id = {company}"
        )
