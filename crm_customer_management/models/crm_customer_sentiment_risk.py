import logging
from datetime import timedelta

from odoo import fields, models

from ..analytics import lifecycle
from .crm_customer_sentiment import ACT_DAYS, RISK_STAGES

_logger = logging.getLogger(__name__)


class CrmCustomerSentiment(models.AbstractModel):
    """What the text-mining service does with a negative text: the customer at risk with
    the text as the reason, and a recovery call for the salesperson."""

    _inherit = "crm.customer.sentiment"

    # ------------------------------------------------------------------
    # Negative texts
    # ------------------------------------------------------------------

    def _act_on_negatives(self, company):
        """The customers who wrote a negative text in the last ``ACT_DAYS`` days that was
        not acted on: the text on their value profile (the lifecycle's at-risk rule reads
        it until they buy again), their lifecycle evaluated now with the text as the reason
        of the move, and a recovery activity for their salesperson."""
        self.env["crm.customer.text"].flush_model()
        cr = self.env.cr
        cr.execute(
            """
            WITH neg AS (
                UPDATE crm_customer_text SET acted = TRUE
                 WHERE company_id = %s AND sentiment = 'negative' AND NOT COALESCE(acted, FALSE)
                   AND date >= %s
                RETURNING id, partner_id, complaint_id, date, body
            )
            SELECT DISTINCT ON (partner_id) partner_id, id, complaint_id, date, body
              FROM neg ORDER BY partner_id, date DESC, id DESC
            """,
            [company.id, fields.Datetime.now() - timedelta(days=ACT_DAYS)],
        )
        rows = cr.fetchall()
        if not rows:
            return 0
        partner_ids = [r[0] for r in rows]
        self.env["crm.customer.value"].flush_model()
        cr.execute(
            """
            UPDATE crm_customer_value v
               SET negative_text_date = GREATEST(v.negative_text_date, u.date::date),
                   negative_text = u.body
              FROM unnest(%s::int[], %s::timestamp[], %s::text[]) AS u(partner_id, date, body)
             WHERE v.company_id = %s AND v.partner_id = u.partner_id
            """,
            [partner_ids, [r[3] for r in rows], [r[4] for r in rows], company.id],
        )
        self.env["crm.customer.value"].invalidate_model(["negative_text_date", "negative_text"])
        by_partner = {r[0]: r for r in rows}
        Lifecycle = self.env["crm.customer.lifecycle"].sudo()
        today = fields.Date.context_today(self)
        frame = Lifecycle._gather(company, today, partner_ids)
        if frame.empty:
            return 0
        result = lifecycle.evaluate(frame, today, company._ccm_lifecycle_config())
        changed = result[result["changed"]]
        moves = [
            (
                int(pid),
                frame.at[pid, "stage"],
                stage,
                ("crm.complaint", by_partner[pid][2]) if by_partner[pid][2] else None,
            )
            for pid, stage in changed["stage"].items()
            if stage in RISK_STAGES
        ]
        if not moves:
            return 0
        history = Lifecycle._apply_moves(company, moves, "event")
        reasons = {
            row.id: self.env._("Negative text: %s", by_partner[row.partner_id.id][4][:500])
            for row in history
        }
        cr.execute(
            """UPDATE crm_customer_lifecycle_history h SET reason = u.reason
                 FROM unnest(%s::int[], %s::text[]) AS u(id, reason) WHERE h.id = u.id""",
            [list(reasons), list(reasons.values())],
        )
        history.invalidate_recordset(["reason"])
        if company.ccm_text_recovery_activity:
            self._recovery_activities(company, history.filtered(lambda h: h.stage_to == "at_risk"))
        return len(moves)

    def _recovery_activities(self, company, history):
        """A recovery call for the salesperson of each customer moved at risk by a text."""
        Lifecycle = self.env["crm.customer.lifecycle"]
        partner_model_id = self.env["ir.model"]._get_id("res.partner")
        today = fields.Date.context_today(self)
        values = []
        for row in history:
            user = row.partner_id.user_id
            if not Lifecycle._playbook_assignable(user, company):
                continue
            values.append(
                {
                    "res_model_id": partner_model_id,
                    "res_id": row.partner_id.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                    "summary": self.env._("Recovery call: negative feedback"),
                    "note": row.reason,
                    "user_id": user.id,
                    "date_deadline": today + timedelta(days=1),
                }
            )
        if values:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                values
            )
