from odoo import api, models
from odoo.exceptions import UserError


class CrmCustomerKpi(models.AbstractModel):
    """The KPI service scoped to one customer segment: ``ccm_segment_id`` in the context
    (the dashboard's segment filter) becomes ``%(segment_id)s`` in the queries' parameters,
    and :meth:`_segment_filter` is the condition a KPI query adds on its customer column."""

    _inherit = "crm.customer.kpi"

    @api.model
    def _params(self, company, date_from, date_to, team=None, user=None):
        params = super()._params(company, date_from, date_to, team, user)
        params["segment_id"] = self._segment_scope(company).id or None
        return params

    @api.model
    def _segment_scope(self, company):
        """The segment of the context, checked: readable and of ``company``."""
        segment = self.env["crm.customer.segment"].browse(self.env.context.get("ccm_segment_id"))
        if not segment:
            return segment
        segment.check_access("read")
        if segment.company_id != company:
            raise UserError(
                self.env._(
                    "Segment %(segment)s belongs to another company than %(company)s.",
                    segment=segment.display_name,
                    company=company.display_name,
                )
            )
        return segment

    @api.model
    def _segment_filter(self, column):
        """SQL condition on ``column`` (a commercial partner id, a constant of the calling
        query): true for every customer without a segment scope, else for its members."""
        return (
            f"(%(segment_id)s IS NULL OR {column} IN (SELECT r.partner_id"
            " FROM crm_customer_segment_member_rel r WHERE r.segment_id = %(segment_id)s))"
        )
