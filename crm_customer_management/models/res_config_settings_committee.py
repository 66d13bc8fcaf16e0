from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # The CRM committee, suggestions, knowledge that stays
    ccm_management_group_id = fields.Many2one(
        related="company_id.ccm_management_group_id", readonly=False
    )
    ccm_decision_escalation_days = fields.Integer(
        related="company_id.ccm_decision_escalation_days", readonly=False
    )
    ccm_contact_days_mvc = fields.Integer(related="company_id.ccm_contact_days_mvc", readonly=False)
    ccm_contact_days_mgc = fields.Integer(related="company_id.ccm_contact_days_mgc", readonly=False)
    ccm_contact_days_maintain = fields.Integer(
        related="company_id.ccm_contact_days_maintain", readonly=False
    )
    ccm_contact_days_bz = fields.Integer(related="company_id.ccm_contact_days_bz", readonly=False)
