from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # Complaints
    ccm_complaint_escalation_user_id = fields.Many2one(
        "res.users",
        string="Complaint Escalation Manager",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Receives the complaints of this company escalated to level 2 (resolution "
        "deadline passed by as long again as the SLA allowed). Empty: a sales manager of "
        "this company.",
    )

    @api.constrains("ccm_complaint_escalation_user_id")
    def _check_ccm_complaint_escalation_user_id(self):
        for company in self:
            user = company.ccm_complaint_escalation_user_id
            if user and (user.share or company not in user.company_ids):
                raise ValidationError(
                    self.env._(
                        "The complaint escalation manager of %(company)s must be an internal "
                        "user of that company; %(user)s is not.",
                        company=company.name,
                        user=user.name,
                    )
                )

    def _ccm_complaint_escalation_manager(self):
        """The user level-2 complaints of this company go to: the setting, else the first
        active internal sales manager of this company (never the superuser); may be empty."""
        self.ensure_one()
        user = self.sudo().ccm_complaint_escalation_user_id
        if user.active and not user.share and self in user.company_ids:
            return user
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", self.env.ref("sales_team.group_sale_manager").ids),
                    ("share", "=", False),
                    ("company_ids", "in", self.ids),
                    ("id", "!=", self.env.ref("base.user_root").id),
                ],
                order="id",
                limit=1,
            )
        )
