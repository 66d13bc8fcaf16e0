from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        res = super()._mark_done()
        # the answers to the questions whose answers are suggestions: one suggestion each,
        # routed now (a few queries per submit; the analytics run after the commit)
        lines = self.sudo().user_input_line_ids.filtered(
            lambda line: line.question_id.ccm_answers_are_suggestions
        )
        if lines:
            lines._ccm_make_suggestions()
        return res
