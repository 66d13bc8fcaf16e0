from odoo import fields, models

from ..const import LIFECYCLE_STAGES


class CrmCustomerLifecycleState(models.Model):
    """The current lifecycle stage of a customer in a company: one narrow row per customer
    and company, upserted in bulk by the lifecycle service. The partner shows it
    (``res.partner.lifecycle_stage``), the reports join it on its unique key. Kept out of
    ``res_partner``: a stage written into the partner row rewrote every index of that table
    (30 and more) for each customer moved, 20 seconds for a first classification of
    100,000 customers."""

    _name = "crm.customer.lifecycle.state"
    _description = "Customer Lifecycle Stage"
    _rec_name = "stage"
    _log_access = False  # written by the service only; the history says who and when

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", readonly=True)
    stage = fields.Selection(LIFECYCLE_STAGES, required=True, readonly=True, index=True)
    date = fields.Date("In Stage Since", required=True, readonly=True)

    _sql_constraints = [
        (
            "partner_company_uniq",
            "UNIQUE (partner_id, company_id)",
            "A customer has one lifecycle stage per company.",
        )
    ]

    def _upsert(self, company, partner_ids, stages, date):
        """Set these customers' stages in ``company`` (one statement)."""
        self.flush_model()
        self.env.cr.execute(
            """
            INSERT INTO crm_customer_lifecycle_state (partner_id, company_id, stage, date)
            SELECT v.partner_id, %(company_id)s, v.stage, %(date)s
              FROM unnest(%(partner_ids)s::int[], %(stages)s::varchar[]) AS v(partner_id, stage)
            ON CONFLICT (partner_id, company_id)
            DO UPDATE SET stage = EXCLUDED.stage, date = EXCLUDED.date
            """,
            {
                "company_id": company.id,
                "date": date,
                "partner_ids": list(partner_ids),
                "stages": list(stages),
            },
        )
        self.invalidate_model()
        self.env["res.partner"].invalidate_model(["lifecycle_stage", "lifecycle_stage_date"])
