from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CustomerManagementCase


@tagged("post_install", "-at_install", "crm_customer_management")
class TestSurveySuggestion(CustomerManagementCase):
    """Survey comments become suggestions: every written answer to a question whose answers
    are suggestions (the delivery CSAT's "Anything we should do better?") is routed to its
    category's department as the portal's and the e-mail alias's are; any other comment
    (the complaint CSAT's) becomes one by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wanda = new_test_user(
            cls.env,
            login="ccm_sug_wanda",
            name="Wanda Warehouse",
            groups="crm_customer_management.group_user",
        )
        cls.warehouse_department = cls.env.ref("crm_customer_management.department_warehouse")
        cls.warehouse_department.manager_id = cls.wanda
        cls.service_department = cls.env.ref("crm_customer_management.department_service")
        cls.service_department.manager_id = cls.wanda
        cls.management_department = cls.env.ref("crm_customer_management.department_management")
        cls.management_department.manager_id = cls.sales_manager
        Partner = cls.env["res.partner"]
        cls.acme = Partner.create({"name": "Acme Survey", "is_company": True})
        cls.amy = Partner.create(
            {"name": "Amy Survey", "email": "amy@acme-survey.example.com", "parent_id": cls.acme.id}
        )
        cls.delivery = cls.env.ref("crm_customer_management.survey_csat_delivery")
        cls.complaint_survey = cls.env.ref("crm_customer_management.survey_csat")
        cls.Suggestion = cls.env["crm.customer.suggestion"]
        # a survey officer who works with customers
        cls.olga = new_test_user(
            cls.env,
            login="ccm_sug_olga",
            name="Olga Officer",
            groups="survey.group_survey_user,sales_team.group_sale_salesman_all_leads",
        )

    def answer(self, survey, partner, score, comment, on="2026-04-03 10:00:00"):
        with freeze_time(on):
            user_input = self.env["survey.user_input"].create(
                {"survey_id": survey.id, "partner_id": partner.id if partner else False}
            )
            for question in survey.question_ids:
                value = str(score) if question.question_type == "scale" else comment
                user_input._save_lines(question, value)
            user_input._mark_done()
        return user_input

    def comment_line(self, user_input):
        return user_input.user_input_line_ids.filtered(lambda line: line.answer_type == "text_box")

    def test_answers_to_a_suggestion_question_are_routed(self):
        question = self.env.ref("crm_customer_management.survey_csat_delivery_question_comment")
        self.assertTrue(question.ccm_answers_are_suggestions)
        text = (
            "Please call before delivering: our dock closes at 4 pm and the driver waits "
            "outside until the next morning."
        )
        user_input = self.answer(self.delivery, self.amy, 3, text)
        line = self.comment_line(user_input)
        suggestion = self.Suggestion.search([("survey_answer_line_id", "=", line.id)])
        self.assertEqual(len(suggestion), 1)
        self.assertEqual(
            (
                suggestion.name,
                suggestion.origin,
                suggestion.kind,
                suggestion.category_id,
                suggestion.department_id,
                suggestion.user_id,
                suggestion.author_partner_id,
                suggestion.author_user_id,
                suggestion.partner_id,
                suggestion.company_id,
                str(suggestion.date),
                suggestion.state,
            ),
            (
                "Please call before delivering: our dock closes at 4 pm and the driver [...]",
                "survey",
                "suggestion",
                self.env.ref("crm_customer_management.suggestion_category_delivery"),
                self.warehouse_department,
                self.wanda,
                self.amy,
                self.env["res.users"],
                self.acme,
                self.env.company,
                "2026-04-03 10:00:00",
                "new",
            ),
        )
        self.assertEqual(suggestion.description, f"<p>{text}</p>")
        self.assertEqual(suggestion.activity_ids.user_id, self.wanda)
        self.assertIn(self.amy, suggestion.message_partner_ids)  # told the outcome
        # the same answer never makes a second one
        self.assertEqual(line._ccm_make_suggestions(), suggestion)
        self.assertEqual(self.Suggestion.search_count([("survey_answer_line_id", "=", line.id)]), 1)
        # the manager answers: Amy, the author, is told
        suggestion.with_user(self.wanda).action_accept()
        told = suggestion.message_ids.filtered(lambda m: "is accepted" in (m.body or ""))
        self.assertEqual(told.partner_ids, self.amy)
        self.assertEqual(suggestion.state, "accepted")

    def test_no_suggestion_from_blank_anonymous_or_ordinary_answers(self):
        before = self.Suggestion.search_count([])
        self.answer(self.delivery, self.amy, 5, "   ")  # a blank comment: skipped
        self.answer(self.delivery, False, 2, "Faster, please.")  # nobody to tell
        # the complaint CSAT's comment is not a suggestion question
        self.answer(self.complaint_survey, self.amy, 2, "You never called back.")
        self.assertEqual(self.Suggestion.search_count([]), before)

    def test_a_comment_made_a_suggestion_by_hand(self):
        complaint = self.env["crm.complaint"].create(
            {"subject": "Broken lid", "partner_id": self.amy.id}
        )
        with freeze_time("2026-04-02 09:00:00"):
            complaint.write(
                {"stage_id": self.env.ref("crm_customer_management.complaint_stage_resolved").id}
            )
        user_input = complaint.survey_answer_id
        self.assertTrue(user_input)
        text = "Offer a call-back instead of a queue."
        with freeze_time("2026-04-03 11:00:00"):
            for question in user_input.survey_id.question_ids:
                value = "4" if question.question_type == "scale" else text
                user_input._save_lines(question, value)
            user_input._mark_done()
        line = self.comment_line(user_input)
        self.assertFalse(self.Suggestion.search([("survey_answer_line_id", "=", line.id)]))
        score_line = user_input.user_input_line_ids - line
        # only a survey officer with Customer Management turns it into a suggestion
        salesman_line = line.with_user(self.salesman)
        with self.assertRaises(AccessError):
            salesman_line.action_ccm_make_suggestion()
        officer = new_test_user(self.env, login="ccm_sug_only", groups="survey.group_survey_user")
        with self.assertRaisesRegex(AccessError, "Customer Management users"):
            line.with_user(officer).action_ccm_make_suggestion()
        with self.assertRaisesRegex(UserError, "written answer"):
            score_line.with_user(self.olga).action_ccm_make_suggestion()
        # the button on the answer's lines, for a survey officer with Customer Management
        arch = user_input.with_user(self.olga).get_views([(False, "form")])["views"]["form"]
        self.assertIn('name="action_ccm_make_suggestion"', arch["arch"])
        arch = user_input.with_user(officer).get_views([(False, "form")])["views"]["form"]
        self.assertNotIn('name="action_ccm_make_suggestion"', arch["arch"])
        # through the answer line's Action menu
        action = self.env.ref(
            "crm_customer_management.survey_user_input_line_action_make_suggestion"
        )
        result = (
            action.with_user(self.olga)
            .with_context(active_model="survey.user_input.line", active_ids=line.ids)
            .run()
        )
        suggestion = self.Suggestion.browse(result["res_id"])
        self.assertEqual(result["res_model"], "crm.customer.suggestion")
        self.assertEqual(
            (
                suggestion.name,
                suggestion.origin,
                suggestion.category_id,
                suggestion.department_id,
                suggestion.user_id,
                suggestion.author_partner_id,
                suggestion.partner_id,
                suggestion.complaint_id,
                suggestion.company_id,
                suggestion.survey_answer_line_id,
                str(suggestion.date),
            ),
            (
                text,
                "survey",
                self.env.ref("crm_customer_management.suggestion_category_other"),
                self.management_department,
                self.sales_manager,
                self.amy,
                self.acme,
                complaint,
                complaint.company_id,
                line,
                "2026-04-03 11:00:00",
            ),
        )
        # twice: the same suggestion opens
        again = line.with_user(self.olga).action_ccm_make_suggestion()
        self.assertEqual(again["res_id"], suggestion.id)

    def test_only_free_text_answers_are_suggestions(self):
        score = self.env.ref("crm_customer_management.survey_csat_delivery_question_score")
        with self.assertRaisesRegex(ValidationError, "free-text question"):
            score.ccm_answers_are_suggestions = True
        # the question form shows the option to a Customer Management user
        question = self.env.ref("crm_customer_management.survey_csat_question_comment")
        form = Form(question.with_user(self.olga), view="survey.survey_question_form")
        form.ccm_answers_are_suggestions = True
        form.ccm_suggestion_category_id = self.env.ref(
            "crm_customer_management.suggestion_category_service"
        )
        form.save()
        self.answer(self.complaint_survey, self.amy, 2, "Answer the phone after 5 pm.")
        suggestion = self.Suggestion.search([("name", "=", "Answer the phone after 5 pm.")])
        self.assertEqual(
            (suggestion.department_id, suggestion.user_id),
            (self.service_department, self.wanda),
        )

    def test_a_survey_officer_outside_the_addon_copies_a_survey(self):
        # Odoo's survey officers copy surveys: the copy reads every copied field of the
        # questions, the addon's included, and keeps which answers are suggestions,
        officer = new_test_user(
            self.env,
            login="ccm_sug_sam",
            name="Sam Survey",
            groups="survey.group_survey_manager,base.group_user",
        )
        self.env.invalidate_all()  # read from the database: a cached value hides the check
        copy = self.delivery.with_user(officer).copy()
        comment = copy.question_ids.filtered(lambda q: q.question_type == "text_box")
        self.assertEqual(len(comment), 1)
        self.assertTrue(comment.ccm_answers_are_suggestions)
        self.assertEqual(
            comment.ccm_suggestion_category_id,
            self.env.ref("crm_customer_management.suggestion_category_delivery"),
        )
        # which he does not see
        with self.assertRaises(AccessError):
            comment.with_user(officer).read(["ccm_answers_are_suggestions"])
