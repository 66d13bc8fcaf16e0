from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError


class CrmComplaint(models.Model):
    """Service recovery of a complaint: compensation through Odoo's own credit-note and
    return wizards, and the satisfaction survey sent once it is resolved."""

    _inherit = "crm.complaint"

    # ------------------------------------------------------------------
    # Compensation through Odoo's own wizards
    # ------------------------------------------------------------------

    def action_credit_note(self):
        """The account reversal wizard on the linked invoice; the credit note it creates is
        linked back to this complaint."""
        self.ensure_one()
        if not self.invoice_id or self.invoice_id.state != "posted":
            raise UserError(
                self.env._("%s has no posted invoice to credit: link the invoice first.", self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit note for %s", self.name),
            "res_model": "account.move.reversal",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "account.move",
                "active_ids": self.invoice_id.ids,
                "ccm_complaint_id": self.id,
                "default_reason": self.env._("Complaint %s", self.name),
            },
        }

    def action_return(self):
        """The stock return wizard on the linked delivery (return, or return for exchange =
        a replacement delivery); the pickings it creates are linked back to this complaint."""
        self.ensure_one()
        picking = self.picking_id
        if not picking or picking.state != "done" or picking.picking_type_code != "outgoing":
            raise UserError(
                self.env._("%s has no done delivery to return: link the delivery first.", self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return for %s", self.name),
            "res_model": "stock.return.picking",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "stock.picking",
                "active_id": picking.id,
                "active_ids": picking.ids,
                "ccm_complaint_id": self.id,
            },
        }

    # ------------------------------------------------------------------
    # Satisfaction survey
    # ------------------------------------------------------------------

    def _send_satisfaction_survey(self):
        """The CSAT survey of each resolved complaint, e-mailed to its customer contact
        when the satisfaction programme's consent lets it through (an address, not on the
        e-mail blacklist, not opted out of e-mail); otherwise none is sent and the
        complaint's chatter says why."""
        survey = self.env.ref("crm_customer_management.survey_csat", raise_if_not_found=False)
        if not survey:
            return
        pending = self.filtered(lambda c: not c.sudo().survey_answer_id)
        reachable = self.env["crm.customer.survey.programme"]._email_reachable(
            pending.sudo().partner_id
        )
        unreachable = pending.filtered(lambda c: c.sudo().partner_id.id not in reachable)
        if unreachable:
            unreachable.sudo()._message_log_batch(
                {
                    complaint.id: Markup("<p>%s</p>")
                    % self.env._(
                        "No satisfaction survey sent: %(contact)s cannot be e-mailed (no "
                        "address, on the e-mail blacklist or opted out of e-mail).",
                        contact=complaint.sudo().partner_id.display_name,
                    )
                    for complaint in unreachable
                }
            )
        for complaint in pending - unreachable:
            answer = survey.sudo()._create_answer(
                partner=complaint.partner_id, check_attempts=False
            )
            complaint.sudo().survey_answer_id = answer
            complaint.message_post(
                body=self.env._(
                    "How satisfied are you with how we handled your complaint? "
                    "Please answer here: %s",
                    answer.get_start_url(),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=complaint.partner_id.ids,
            )

    def _ccm_record_survey_answers(self, answers):
        """Store the CSAT score of completed survey answers on their complaints."""
        complaints = self.sudo().search([("survey_answer_id", "in", answers.ids)])
        for complaint in complaints:
            line = complaint.survey_answer_id.user_input_line_ids.filtered(
                lambda line: line.answer_type == "scale"
            )[:1]
            complaint.csat_score = line.value_scale if line else 0
        return complaints
