from odoo import fields, models

from ..const import CCM_USER


class ResPartner(models.Model):
    """The segments a customer (commercial entity) belongs to, to filter and group the
    partner list and the Customer tab by segment."""

    _inherit = "res.partner"

    ccm_segment_ids = fields.Many2many(
        "crm.customer.segment",
        "crm_customer_segment_member_rel",
        "partner_id",
        "segment_id",
        string="Segments",
        readonly=True,
        copy=False,
        groups=CCM_USER,
    )
    ccm_complaint_ids = fields.One2many(
        "crm.complaint", "commercial_partner_id", string="Complaints", groups=CCM_USER
    )
    ccm_cluster_id = fields.Many2one(
        related="customer_value_id.cluster_id", string="Cluster", groups=CCM_USER
    )
