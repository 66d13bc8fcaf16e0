from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class CrmCustomerSegmentMigration(models.TransientModel):
    """Where the customers of some segments went between two dates: for each (segment on
    the first date, segment on the second date) pair, the customers and their net value.
    Membership on a date is read from the history (the last change on or before it); a
    customer in two segments on a date counts in each pair of them; "none" is no segment
    of those chosen. Only the customers the user may see count."""

    _name = "crm.customer.segment.migration"
    _description = "Customer Segment Migration"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True, default=fields.Date.context_today)
    segment_ids = fields.Many2many(
        "crm.customer.segment",
        string="Segments",
        domain="[('company_id', '=', company_id)]",
        help="Leave empty for all the company's segments.",
    )
    line_ids = fields.One2many("crm.customer.segment.migration.line", "migration_id")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._("The first date must not be after the second one.")
                )

    def _rows(self):
        """[(from segment id or None, to segment id or None, customers, net value)]."""
        self.ensure_one()
        self.env["crm.customer.segment"]._check_user()
        domain = [("company_id", "=", self.company_id.id)]
        if self.segment_ids:
            domain.append(("segment_id", "in", self.segment_ids.ids))
        History = self.env["crm.customer.segment.history"].with_company(self.company_id)
        History.flush_model()
        visible = History._search(domain)  # the user's record rules applied
        self.env.cr.execute(
            SQL(
                """
            WITH h AS (
                SELECT * FROM crm_customer_segment_history WHERE id IN (%(visible)s)
            ), m1 AS (
                SELECT segment_id, partner_id FROM (
                    SELECT DISTINCT ON (segment_id, partner_id) segment_id, partner_id, change
                      FROM h WHERE date <= %(d1)s
                     ORDER BY segment_id, partner_id, date DESC, id DESC) x
                 WHERE change = 'entered'
            ), m2 AS (
                SELECT segment_id, partner_id FROM (
                    SELECT DISTINCT ON (segment_id, partner_id) segment_id, partner_id, change
                      FROM h WHERE date <= %(d2)s
                     ORDER BY segment_id, partner_id, date DESC, id DESC) x
                 WHERE change = 'entered'
            ), customers AS (
                SELECT partner_id FROM m1 UNION SELECT partner_id FROM m2
            ), pairs AS (
                SELECT c.partner_id, m1.segment_id AS s1, m2.segment_id AS s2
                  FROM customers c
                  LEFT JOIN m1 ON m1.partner_id = c.partner_id
                  LEFT JOIN m2 ON m2.partner_id = c.partner_id
            )
            SELECT pairs.s1, pairs.s2, COUNT(*), COALESCE(SUM(v.net_value), 0)
              FROM pairs
              LEFT JOIN crm_customer_value v ON v.partner_id = pairs.partner_id
                   AND v.company_id = %(company)s
             GROUP BY pairs.s1, pairs.s2
             ORDER BY pairs.s1 NULLS FIRST, pairs.s2 NULLS FIRST
            """,
                visible=visible.select(),
                d1=self.date_from,
                d2=self.date_to,
                company=self.company_id.id,
            )
        )
        return self.env.cr.fetchall()

    def action_compute(self):
        self.ensure_one()
        self.line_ids.unlink()
        self.env["crm.customer.segment.migration.line"].create(
            [
                {
                    "migration_id": self.id,
                    "from_segment_id": s1,
                    "to_segment_id": s2,
                    "customer_count": count,
                    "net_value": value,
                }
                for s1, s2, count, value in self._rows()
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Segment migration"),
            "res_model": "crm.customer.segment.migration.line",
            "view_mode": "list,pivot",
            "domain": [("migration_id", "=", self.id)],
            "target": "current",
        }


class CrmCustomerSegmentMigrationLine(models.TransientModel):
    _name = "crm.customer.segment.migration.line"
    _description = "Customer Segment Migration Line"
    _order = "id"

    migration_id = fields.Many2one(
        "crm.customer.segment.migration", required=True, ondelete="cascade"
    )
    from_segment_id = fields.Many2one("crm.customer.segment", string="From")
    to_segment_id = fields.Many2one("crm.customer.segment", string="To")
    movement = fields.Selection(
        [("stayed", "Stayed"), ("moved", "Moved"), ("entered", "Entered"), ("left", "Left")],
        compute="_compute_movement",
    )
    customer_count = fields.Integer("Customers", aggregator="sum")
    net_value = fields.Float("Net Value (now)", aggregator="sum")

    @api.depends("from_segment_id", "to_segment_id")
    def _compute_movement(self):
        for line in self:
            if not line.from_segment_id:
                line.movement = "entered"
            elif not line.to_segment_id:
                line.movement = "left"
            else:
                line.movement = "stayed" if line.from_segment_id == line.to_segment_id else "moved"
