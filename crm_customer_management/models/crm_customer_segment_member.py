from odoo import fields, models
from odoo.tools import SQL


class CrmCustomerSegmentMember(models.Model):
    """The members of the segments, read through the access rules of their customers'
    value profiles (own customers for own-documents users): a view over the relation
    table the refresh writes, with the current profile's figures."""

    _name = "crm.customer.segment.member"
    _description = "Customer Segment Member"
    _auto = False
    _order = "net_value desc, id"
    _rec_name = "partner_id"

    segment_id = fields.Many2one("crm.customer.segment", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    value_id = fields.Many2one("crm.customer.value", string="Value Profile", readonly=True)
    value_tier = fields.Selection(related="value_id.value_tier")
    rfm_segment = fields.Selection(related="value_id.rfm_segment")
    cluster_id = fields.Many2one("crm.customer.cluster", readonly=True)
    net_value = fields.Monetary(readonly=True, aggregator="sum")
    entered_on = fields.Date("Member Since", readonly=True)

    @property
    def _table_query(self):
        # id: segment and partner in one bigint, stable from one refresh to the next
        return SQL(
            """
            SELECT (r.segment_id::int8 << 32) | r.partner_id AS id,
                   r.segment_id, r.partner_id, s.company_id, p.user_id, p.country_id,
                   p.industry_id, v.id AS value_id, v.cluster_id, v.net_value,
                   (SELECT MAX(c.date) FROM crm_customer_segment_change c
                     WHERE c.segment_id = r.segment_id AND c.change = 'entered'
                       AND r.partner_id = ANY(c.partner_ids)) AS entered_on
              FROM crm_customer_segment_member_rel r
              JOIN crm_customer_segment s ON s.id = r.segment_id
              JOIN res_partner p ON p.id = r.partner_id
              LEFT JOIN crm_customer_value v ON v.partner_id = r.partner_id
                   AND v.company_id = s.company_id
            """
        )
