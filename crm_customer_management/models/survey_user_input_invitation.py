from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        res = super()._mark_done()
        answers = self.sudo().filtered(lambda a: a.survey_id.ccm_satisfaction_kind)
        if answers:
            self.env["crm.customer.survey.programme"]._record_answers(answers)
        return res
