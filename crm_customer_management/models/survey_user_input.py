from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        res = super()._mark_done()
        self.env["crm.complaint"].sudo()._ccm_record_survey_answers(self)
        answers = self.sudo().filtered(lambda a: a.partner_id and a.survey_id.ccm_satisfaction_kind)
        if answers:
            # no company: evaluated in each company the customer is known in
            self.env["crm.customer.lifecycle"]._schedule_evaluation(
                (None, a.partner_id.id, a) for a in answers
            )
        return res
