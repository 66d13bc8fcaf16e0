"""18.0.1.4.0: the answers to the delivery CSAT's "Anything we should do better?" are
suggestions for the delivery and logistics department (as a new installation has it); the
question's data is not updated on upgrade, so it is set here once, unless a manager
changed the question's kind since."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    question = env.ref(
        "crm_customer_management.survey_csat_delivery_question_comment", raise_if_not_found=False
    )
    category = env.ref(
        "crm_customer_management.suggestion_category_delivery", raise_if_not_found=False
    )
    if question and question.question_type == "text_box":
        question.write(
            {
                "ccm_answers_are_suggestions": True,
                "ccm_suggestion_category_id": category.id if category else False,
            }
        )
