from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmCustomerCampaignCost(models.Model):
    """A cost of a marketing campaign or CRM initiative that accounting does not hold on
    its own account (e.g. a share of staff time): it adds to the acquisition cost and to the
    cost side of the campaign's ROI."""

    _name = "crm.customer.campaign.cost"
    _description = "Campaign Cost"
    _order = "date desc, id desc"
    _check_company_auto = True

    campaign_id = fields.Many2one("utm.campaign", required=True, index=True, ondelete="cascade")
    date = fields.Date(required=True, default=fields.Date.context_today)
    name = fields.Char("Description", required=True)
    amount = fields.Monetary(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.constrains("amount")
    def _check_amount(self):
        if any(cost.amount < 0 for cost in self):
            raise ValidationError(self.env._("A campaign cost cannot be negative."))
