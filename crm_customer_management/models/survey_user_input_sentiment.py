from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        res = super()._mark_done()
        if any(a.survey_id.ccm_satisfaction_kind for a in self.sudo()):
            # the comments are read and scored after the commit
            self.env["crm.customer.sentiment"]._trigger_processing()
        return res
