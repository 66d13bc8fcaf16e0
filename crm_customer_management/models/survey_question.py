from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..const import CCM_USER
from ..tools.copying import copy_data_keeping

TEXT_QUESTIONS = ("char_box", "text_box")


class SurveyQuestion(models.Model):
    """A free-text question whose answers are suggestions: each answer of a known
    respondent becomes a ``crm.customer.suggestion`` routed to the owning department, as
    the portal's and the e-mail alias's are."""

    _inherit = "survey.question"

    ccm_answers_are_suggestions = fields.Boolean(
        "Answers Are Suggestions",
        groups=CCM_USER,
        help="Each answer to this free-text question, from a known respondent, becomes a "
        "suggestion routed to the department that owns its category.",
    )
    ccm_suggestion_category_id = fields.Many2one(
        "crm.customer.suggestion.category",
        string="Suggestion Category",
        groups=CCM_USER,
        help="Routes the suggestions made from the answers; empty: Other (the manager who "
        "gets them reclassifies them).",
    )

    def copy_data(self, default=None):
        # a survey officer outside the addon duplicates a survey: its questions keep them
        return copy_data_keeping(
            self,
            default,
            ["ccm_answers_are_suggestions", "ccm_suggestion_category_id"],
            super().copy_data,
        )

    @api.constrains("ccm_answers_are_suggestions", "question_type")
    def _check_ccm_answers_are_suggestions(self):
        for question in self.sudo():
            if question.ccm_answers_are_suggestions and question.question_type not in (
                TEXT_QUESTIONS
            ):
                raise ValidationError(
                    self.env._(
                        "Only the answers of a free-text question can be suggestions "
                        "(%(question)s).",
                        question=question.title,
                    )
                )
