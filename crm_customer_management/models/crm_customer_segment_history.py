from odoo import fields, models, tools
from odoo.tools import SQL

# One row per segment, refresh day and change, with the customers and their net values
# in arrays: the refresh writes a handful of rows however many customers enter or leave
# (one row per customer paid a foreign-key check per customer on each of its three
# references, most of the time of a refresh from empty). Only the segment is a foreign
# key; the history below joins the customers, so a deleted customer drops out of it.
CHANGE_TABLE = "crm_customer_segment_change"


class CrmCustomerSegmentHistory(models.Model):
    """Who entered and left which segment when, with the customer's net value at that
    moment: one row per customer and change, read from the changes the segment refresh
    writes in bulk (``crm_customer_segment_change``)."""

    _name = "crm.customer.segment.history"
    _description = "Customer Segment Membership Change"
    _auto = False
    _order = "date desc, id desc"

    segment_id = fields.Many2one("crm.customer.segment", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    date = fields.Date(readonly=True)
    change = fields.Selection([("entered", "Entered"), ("left", "Left")], readonly=True)
    net_value = fields.Float(readonly=True, help="The customer's net value at the change.")

    def init(self):
        cr = self.env.cr
        change = SQL.identifier(CHANGE_TABLE)
        cr.execute(
            SQL(
                """
            CREATE TABLE IF NOT EXISTS %(change)s (
                id SERIAL PRIMARY KEY,
                segment_id INTEGER NOT NULL
                    REFERENCES crm_customer_segment (id) ON DELETE CASCADE,
                company_id INTEGER NOT NULL,
                date DATE NOT NULL,
                change VARCHAR NOT NULL,
                partner_ids INTEGER[] NOT NULL,
                net_values DOUBLE PRECISION[] NOT NULL
            );
            CREATE INDEX IF NOT EXISTS %(index)s ON %(change)s (segment_id, date);
            """,
                change=change,
                index=SQL.identifier(f"{CHANGE_TABLE}_segment_date_idx"),
            )
        )
        tools.drop_view_if_exists(cr, self._table)
        # id: the change row and the customer's place in it, stable
        cr.execute(
            SQL(
                """
            CREATE VIEW %(view)s AS (
                SELECT (c.id::int8 << 32) | u.n AS id, c.segment_id, u.partner_id,
                       c.company_id, c.date, c.change, u.net_value
                  FROM %(change)s c
                 CROSS JOIN LATERAL unnest(c.partner_ids, c.net_values)
                       WITH ORDINALITY AS u(partner_id, net_value, n)
                  JOIN res_partner p ON p.id = u.partner_id
            )
            """,
                view=SQL.identifier(self._table),
                change=change,
            )
        )
