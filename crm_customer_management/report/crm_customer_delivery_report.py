from odoo import fields, models


class CrmCustomerDeliveryReport(models.Model):
    """Deliveries to and returns from customers, with the customer's tier, RFM segment and
    lifecycle stage: the inventory figures the customer team needs (late deliveries and
    returns per customer segment). The average of ``late`` is the share of late deliveries
    of any group; ``delay_days`` is how late they were."""

    _name = "crm.customer.delivery.report"
    _inherit = ["crm.customer.profile.report.mixin"]
    _description = "Customer Deliveries and Returns"
    _auto = False
    _order = "date desc"
    _depends = {
        "stock.picking": [
            "state",
            "date_done",
            "date_deadline",
            "scheduled_date",
            "partner_id",
            "company_id",
            "location_id",
            "location_dest_id",
        ],
        "res.partner": ["commercial_partner_id", "user_id"],
        "crm.customer.lifecycle.history": ["partner_id", "company_id", "stage_to", "is_current"],
        "crm.customer.value": ["value_tier", "rfm_segment", "company_id"],
    }

    picking_id = fields.Many2one("stock.picking", string="Transfer", readonly=True)
    date = fields.Datetime("Done On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    kind = fields.Selection([("delivery", "Delivery"), ("return", "Return")], readonly=True)
    late = fields.Float(
        "Late Deliveries (%)",
        readonly=True,
        aggregator="avg",
        help="100 when the delivery was done after its deadline (or scheduled date), 0 when "
        "on time; deliveries only.",
    )
    delay_days = fields.Float(
        "Days Late", readonly=True, aggregator="avg", help="Late deliveries only."
    )
    nbr_deliveries = fields.Integer("# Deliveries", readonly=True)
    nbr_returns = fields.Integer("# Returns", readonly=True)

    @property
    def _table_query(self):
        return f"{self._select()} {self._from()} {self._where()}"

    def _select(self):
        return f"""
            SELECT sp.id, sp.id AS picking_id, sp.date_done AS date, sp.company_id,
                   p.commercial_partner_id AS partner_id, cp.user_id,
                   CASE WHEN dst.usage = 'customer' THEN 'delivery' ELSE 'return' END AS kind,
                   CASE WHEN dst.usage <> 'customer' THEN NULL
                        WHEN sp.date_done > COALESCE(sp.date_deadline, sp.scheduled_date)
                        THEN 100.0 ELSE 0.0 END AS late,
                   CASE WHEN dst.usage = 'customer'
                         AND sp.date_done > COALESCE(sp.date_deadline, sp.scheduled_date)
                        THEN EXTRACT(EPOCH FROM sp.date_done
                                     - COALESCE(sp.date_deadline, sp.scheduled_date)) / 86400.0
                        END AS delay_days,
                   {self._select_profile("sp.company_id")},
                   CASE WHEN dst.usage = 'customer' THEN 1 ELSE 0 END AS nbr_deliveries,
                   CASE WHEN dst.usage = 'customer' THEN 0 ELSE 1 END AS nbr_returns
        """

    def _from(self):
        return f"""
              FROM stock_picking sp
              JOIN stock_location src ON src.id = sp.location_id
              JOIN stock_location dst ON dst.id = sp.location_dest_id
              JOIN res_partner p ON p.id = sp.partner_id
              -- LEFT JOINs on unique keys: PostgreSQL drops them from a grouped read
              -- that does not use their columns
              LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
              {self._from_profile("p.commercial_partner_id", "sp.company_id")}
        """

    def _where(self):
        return """
             WHERE sp.state = 'done'
               AND (dst.usage = 'customer' OR src.usage = 'customer')
               AND NOT (dst.usage = 'customer' AND src.usage = 'customer')
        """
