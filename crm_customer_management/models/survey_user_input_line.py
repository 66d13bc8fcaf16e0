import logging
import textwrap

from odoo import models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

from ..const import CCM_USER
from .survey_question import TEXT_QUESTIONS

_logger = logging.getLogger(__name__)

# a suggestion's subject: the start of the answer
SUBJECT_WIDTH = 80


class SurveyUserInputLine(models.Model):
    """A written survey answer turned into a suggestion: automatically for the questions
    whose answers are suggestions, by hand (*Make a Suggestion*) for any other comment
    that reads as one. The respondent is its author, the customer what it is about; it is
    routed like the suggestions of the portal and the e-mail alias."""

    _inherit = "survey.user_input.line"

    def _ccm_text(self):
        """The written answer of this line, stripped ('' when it is not one)."""
        self.ensure_one()
        if self.skipped or self.answer_type not in TEXT_QUESTIONS:
            return ""
        return (self.value_text_box or self.value_char_box or "").strip()

    def action_ccm_make_suggestion(self):
        """Make a suggestion of each of these written answers (once: an answer already
        made one opens it) and open them."""
        if not self.env.user.has_group(CCM_USER):
            raise AccessError(
                self.env._("Only Customer Management users turn survey answers into suggestions.")
            )
        self.check_access("read")
        written = self.filtered(lambda line: line._ccm_text())
        if not written or written != self:
            raise UserError(self.env._("Only a written answer can become a suggestion."))
        anonymous = written.filtered(lambda line: not line.user_input_id.partner_id)
        if anonymous:
            raise UserError(
                self.env._(
                    "An anonymous answer cannot become a suggestion: its author would never "
                    "hear the outcome."
                )
            )
        suggestions = written.sudo()._ccm_make_suggestions()
        action = {
            "type": "ir.actions.act_window",
            "res_model": "crm.customer.suggestion",
            "name": self.env._("Suggestions"),
        }
        if len(suggestions) == 1:
            return dict(action, res_id=suggestions.id, view_mode="form", views=[(False, "form")])
        return dict(
            action,
            domain=[("id", "in", suggestions.ids)],
            view_mode="list,form",
            views=[(False, "list"), (False, "form")],
        )

    def _ccm_make_suggestions(self):
        """The suggestions of these written answers of known respondents, made for those
        that have none yet (origin survey, category the question's or Other, company the
        complaint's or the invitation's, else the respondent's). A few queries whatever
        their number (the routing is the suggestions' own). Returns the suggestions of
        these answers, made now or before."""
        Suggestion = self.env["crm.customer.suggestion"].sudo()
        lines = self.filtered(lambda line: line.user_input_id.partner_id and line._ccm_text())
        if not lines:
            return Suggestion
        existing = Suggestion.search([("survey_answer_line_id", "in", lines.ids)])
        lines -= existing.survey_answer_line_id
        other = self.env.ref(
            "crm_customer_management.suggestion_category_other", raise_if_not_found=False
        )
        answers = lines.user_input_id
        complaints = {
            c.survey_answer_id: c
            for c in self.env["crm.complaint"]
            .sudo()
            .search([("survey_answer_id", "in", answers.ids)])
        }
        invited = {
            i.user_input_id: i.company_id
            for i in self.env["crm.customer.survey.invitation"]
            .sudo()
            .search([("user_input_id", "in", answers.ids)])
        }
        vals_list = []
        for line in lines:
            answer = line.user_input_id
            partner = answer.partner_id
            complaint = complaints.get(answer, self.env["crm.complaint"])
            company = (
                complaint.company_id
                or invited.get(answer)
                or partner.company_id
                or self.env.company
            )
            category = line.question_id.sudo().ccm_suggestion_category_id
            if not category or category.company_id not in (company, company.browse()):
                category = other
            if not category:
                _logger.warning(
                    "Survey answer %s: no suggestion category (Other was deleted), "
                    "no suggestion made",
                    line.id,
                )
                continue
            employee = partner.user_ids.filtered(lambda u: not u.share)[:1]
            text = line._ccm_text()
            vals_list.append(
                {
                    "name": textwrap.shorten(text, width=SUBJECT_WIDTH, placeholder=" [...]"),
                    "description": plaintext2html(text),
                    "kind": "suggestion",
                    "origin": "survey",
                    "date": answer.end_datetime or answer.write_date,
                    "company_id": company.id,
                    "category_id": category.id,
                    "author_user_id": employee.id,
                    "author_partner_id": partner.id,
                    "partner_id": False if employee else partner.commercial_partner_id.id,
                    "complaint_id": complaint.id,
                    "survey_answer_line_id": line.id,
                }
            )
        return existing | Suggestion.create(vals_list)
