from odoo import fields, models

from .crm_customer_value import VALUE_TIERS


class CrmCustomerValue(models.Model):
    """The tier a customer had before its last tier change, and when it changed: the
    committee's agenda lists the most valuable customers that fell below zero."""

    _inherit = "crm.customer.value"

    value_tier_previous = fields.Selection(
        VALUE_TIERS,
        string="Previous Tier",
        readonly=True,
    )
    value_tier_date = fields.Datetime("Tier Changed On", readonly=True)

    def _log_tier_changes(self, changes):
        super()._log_tier_changes(changes)
        if not changes:
            return
        # one UPDATE for all the changed profiles (the refresh writes by SQL too)
        self.env.cr.execute(
            """
            UPDATE crm_customer_value v
               SET value_tier_previous = c.old, value_tier_date = %s
              FROM unnest(%s::int[], %s::varchar[]) AS c(id, old)
             WHERE v.id = c.id
            """,
            (
                fields.Datetime.now(),
                [profile_id for profile_id, __, __ in changes],
                [old for __, old, __ in changes],
            ),
        )
        self.invalidate_model(["value_tier_previous", "value_tier_date"])
