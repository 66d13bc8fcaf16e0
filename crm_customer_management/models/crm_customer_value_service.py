from datetime import timedelta

from odoo import fields, models


class CrmCustomerValue(models.Model):
    """A customer entering the below-zero tier is flagged for a cost-to-serve review: one
    activity for the company's reviewer, once per entry (a tier change logged by the
    refresh), for all the customers of the refresh at once."""

    _inherit = "crm.customer.value"

    def _log_tier_changes(self, changes):
        res = super()._log_tier_changes(changes)
        entered = [profile_id for profile_id, old, new in changes if new == "bz" and old != "bz"]
        if entered:
            self.browse(entered).sudo()._ccm_flag_cost_review()
        return res

    def _ccm_flag_cost_review(self):
        Lifecycle = self.env["crm.customer.lifecycle"]
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        partner_model_id = self.env["ir.model"]._get_id("res.partner")
        deadline = fields.Date.context_today(self) + timedelta(days=7)
        vals_list = []
        for company, profiles in self.grouped("company_id").items():
            reviewer = company.ccm_cost_review_user_id
            if not Lifecycle._playbook_assignable(reviewer, company):
                reviewer = Lifecycle._playbook_users(company, "sales_team.group_sale_manager")[:1]
            if not reviewer:
                continue
            for profile in profiles:
                vals_list.append(
                    {
                        "res_model_id": partner_model_id,
                        "res_id": profile.partner_id.id,
                        "activity_type_id": todo.id if todo else False,
                        "summary": self.env._("Cost-to-serve review"),
                        "note": self.env._(
                            "The customer fell below zero: net value %(net)s (margin %(margin)s, "
                            "cost to serve %(cost)s). Review how it is served rather than "
                            "serving it more.",
                            net=profile.net_value,
                            margin=profile.margin,
                            cost=profile.cost_to_serve,
                        ),
                        "user_id": reviewer.id,
                        "date_deadline": deadline,
                    }
                )
        if vals_list:
            self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
                vals_list
            )
