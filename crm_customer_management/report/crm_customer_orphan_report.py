from odoo import fields, models

from ..models.crm_customer_value import VALUE_TIERS

REASONS = [
    ("no_salesperson", "No salesperson"),
    ("salesperson_archived", "Salesperson archived"),
    ("no_contact", "No contact for too long"),
]


class CrmCustomerOrphanReport(models.Model):
    """Customers nobody looks after: active customers whose salesperson is archived or
    missing, and customers with no contact for longer than their tier allows (the
    company's days per tier). Contact: an order, a message or e-mail on the customer, or a
    done activity."""

    _name = "crm.customer.orphan.report"
    _description = "Orphaned Customers"
    _auto = False
    _order = "days_without_contact desc, partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    value_tier = fields.Selection(VALUE_TIERS, readonly=True)
    net_value = fields.Float(readonly=True, aggregator="sum")
    reason = fields.Selection(REASONS, readonly=True)
    is_orphan = fields.Boolean("Orphaned", readonly=True)
    last_contact_date = fields.Date(readonly=True, aggregator="max")
    days_without_contact = fields.Integer(readonly=True, aggregator="avg")
    allowed_days = fields.Integer("Days Allowed", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        return f"{self._select()} {self._from()} {self._where()}"

    def _select(self):
        return """
            SELECT v.id, v.partner_id, v.company_id, p.user_id, v.value_tier, v.net_value,
                   CASE WHEN p.user_id IS NULL THEN 'no_salesperson'
                        WHEN NOT u.active THEN 'salesperson_archived'
                        ELSE 'no_contact' END AS reason,
                   (p.user_id IS NULL OR NOT u.active) AS is_orphan,
                   c.last_contact_date,
                   (CURRENT_DATE - c.last_contact_date) AS days_without_contact,
                   d.allowed_days
            """

    def _from(self):
        return """
              FROM crm_customer_value v
              JOIN res_partner p ON p.id = v.partner_id AND p.active
              JOIN res_company co ON co.id = v.company_id
              LEFT JOIN res_users u ON u.id = p.user_id
              CROSS JOIN LATERAL (
                   SELECT GREATEST(v.last_order_date,
                                   (SELECT MAX(m.date)::date FROM mail_message m
                                     WHERE m.model = 'res.partner' AND m.res_id = v.partner_id
                                       AND (m.message_type IN ('comment', 'email')
                                            OR m.mail_activity_type_id IS NOT NULL)))
                          AS last_contact_date) c
              CROSS JOIN LATERAL (
                   SELECT CASE v.value_tier WHEN 'mvc' THEN co.ccm_contact_days_mvc
                                            WHEN 'mgc' THEN co.ccm_contact_days_mgc
                                            WHEN 'bz' THEN co.ccm_contact_days_bz
                                            ELSE co.ccm_contact_days_maintain END
                          AS allowed_days) d
            """

    def _where(self):
        return """
             WHERE v.order_count > 0
               AND (p.user_id IS NULL OR NOT u.active
                    OR c.last_contact_date IS NULL
                    OR CURRENT_DATE - c.last_contact_date > d.allowed_days)
            """
