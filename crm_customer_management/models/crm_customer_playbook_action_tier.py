from odoo import fields, models


class CrmCustomerPlaybookAction(models.Model):
    _inherit = "crm.customer.playbook.action"

    tier_ids = fields.Many2many(
        "crm.customer.tier",
        string="Only for Tiers",
        help="Run the action only for the customers of these value tiers (a variant of the "
        "stage's playbook per tier). Empty: every tier.",
    )


class CrmCustomerLifecycle(models.AbstractModel):
    _inherit = "crm.customer.lifecycle"

    def _run_playbooks(self, company, rows):
        return super(
            CrmCustomerLifecycle, self.with_context(ccm_playbook_company_id=company.id)
        )._run_playbooks(company, rows)

    def _playbook_recipient_issue(self, partner, action, reachable):
        """A playbook action restricted to tiers runs only for their customers (their tier
        in the company whose playbook runs)."""
        if action.tier_ids:
            company = self.env["res.company"].browse(
                self.env.context.get("ccm_playbook_company_id")
            ) or (action.company_id or self.env.company)
            tier = partner.sudo().with_company(company).value_tier
            if tier not in action.tier_ids.mapped("code"):
                return self.env._(
                    "%%(action)s: not run, the customer is not of tier %s.",
                    ", ".join(action.tier_ids.mapped("name")).replace("%", "%%"),
                )
        return super()._playbook_recipient_issue(partner, action, reachable)
