import logging

import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..analytics import lifecycle
from ..const import CCM_MANAGER, CCM_USER
from ..tools.cron import run_per_company

_logger = logging.getLogger(__name__)


class CrmCustomerLifecycle(models.AbstractModel):
    """The lifecycle service: evaluates the QCI stage rules (``analytics.lifecycle``) for
    all the customers of a company (nightly) or a few of them (at the end of a transaction
    that confirmed an order, posted an invoice, opened or closed a complaint, recorded a
    satisfaction answer), records the moves in the history, mirrors the stage on the
    partner and runs the playbooks of the stages entered. Set-based: a handful of queries
    and one batched write per run, whatever the number of customers."""

    _name = "crm.customer.lifecycle"
    _description = "Customer Lifecycle Service"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _cron_evaluate_all(self):
        # one transaction per company: a failing company stops no other (see the value cron)
        return run_per_company(
            self,
            self._evaluate,
            self.env["res.company"].search([("active", "=", True)]),
            ("ccm_lifecycle_cron_at", "ccm_lifecycle_cron_error"),
        )

    @api.model
    def _schedule_evaluation(self, items):
        """Evaluate these customers after the transaction commits, once, as an event, through
        the customer event queue (``crm.customer.event``), after their value refresh.
        ``items``: iterable of (company id or None for every company the customer is known
        in, partner id, document record or None)."""
        self.env["crm.customer.event"]._record(items, evaluate_lifecycle=True)

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------

    @api.model
    def _evaluate(self, company, partner_ids=None, trigger="scheduled", documents=None):
        """Apply the rules to ``company``'s customers (all, or these commercial partner
        ids). Returns the number of stage changes."""
        self.env.flush_all()
        today = fields.Date.context_today(self)
        if partner_ids is not None:
            partner_ids = sorted(set(partner_ids))
            if not partner_ids:
                return 0
        frame = self._gather(company, today, partner_ids)
        if frame.empty:
            return 0
        result = lifecycle.evaluate(frame, today, company._ccm_lifecycle_config())
        changed = result[result["changed"]]
        if changed.empty:
            return 0
        moves = [
            (int(pid), frame.at[pid, "stage"], stage, (documents or {}).get(pid))
            for pid, stage in changed["stage"].items()
        ]
        self._apply_moves(company, moves, trigger)
        _logger.info(
            "Lifecycle evaluation of %s (%s): %d customers, %d moves",
            company.name,
            trigger,
            len(frame),
            len(moves),
        )
        return len(moves)

    # ------------------------------------------------------------------
    # Moves
    # ------------------------------------------------------------------

    def _apply_moves(self, company, moves, trigger, reason=None):
        """Record ``moves`` [(partner id, from, to, (model, id) or None)]: history rows,
        the partner's stage in ``company``, then the playbooks (held for a manager's review
        when an automatic run would reach more customers than the company allows). One
        statement each."""
        cr = self.env.cr
        History = self.env["crm.customer.lifecycle.history"]
        History.flush_model()
        now = fields.Datetime.now()
        uid = self.env.uid
        # the moved customers' current rows stop being current (none on a first
        # classification), then the new rows are
        leaving = [m[0] for m in moves if m[1]]
        if leaving:
            cr.execute(
                """
                UPDATE crm_customer_lifecycle_history SET is_current = FALSE
                 WHERE is_current AND company_id = %s AND partner_id = ANY(%s)
                """,
                [company.id, leaving],
            )
        cr.execute(
            """
            INSERT INTO crm_customer_lifecycle_history
                   (partner_id, company_id, stage_from, stage_to, date, trigger, res_model,
                    res_id, user_id, reason, playbook_done, playbook_state, is_current,
                    create_uid, create_date, write_uid, write_date)
            SELECT v.partner_id, %(company_id)s, v.stage_from, v.stage_to, %(now)s,
                   %(trigger)s, v.res_model, v.res_id, %(uid)s, %(reason)s,
                   %(trigger)s = 'scheduled' AND v.stage_from IS NULL,
                   CASE WHEN %(trigger)s = 'scheduled' AND v.stage_from IS NULL
                        THEN 'none' END,
                   TRUE, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(partner_ids)s::int[], %(froms)s::varchar[], %(tos)s::varchar[],
                          %(models)s::varchar[], %(res_ids)s::int[])
                   AS v(partner_id, stage_from, stage_to, res_model, res_id)
            RETURNING id, playbook_done
            """,
            {
                "company_id": company.id,
                "now": now,
                "trigger": trigger,
                "uid": uid,
                "reason": reason,
                "partner_ids": [m[0] for m in moves],
                "froms": [m[1] for m in moves],
                "tos": [m[2] for m in moves],
                "models": [m[3][0] if m[3] else None for m in moves],
                "res_ids": [m[3][1] if m[3] else None for m in moves],
            },
        )
        inserted = cr.fetchall()
        history_ids = [r[0] for r in inserted]
        History.invalidate_model()
        self.env["res.partner"].invalidate_model(["lifecycle_stage", "lifecycle_stage_date"])
        # The first classification of a customer by the scheduled run (no previous stage)
        # records where an existing customer stands; it is not a stage entry: no playbook.
        todo = History.browse([r[0] for r in inserted if not r[1]])
        if trigger != "manual":
            # a move by hand is one deliberate decision; automatic ones may be thousands
            todo = self._hold_playbooks(company, todo)
        self._run_playbooks(company, todo)
        return History.browse(history_ids)

    # ------------------------------------------------------------------
    # Manual moves
    # ------------------------------------------------------------------

    def _check_manual_move_access(self, partner):
        """Only the customer's salesperson, a salesman who sees all leads or a manager
        moves a customer by hand."""
        user = self.env.user
        if self.env.su or user.has_group(CCM_MANAGER):
            return
        partner.check_access("read")
        if user.has_group(CCM_USER) and (
            partner.user_id == user or user.has_group("sales_team.group_sale_salesman_all_leads")
        ):
            return
        raise AccessError(
            self.env._(
                "Only the salesperson of %(customer)s, a salesman who sees all leads or a "
                "Customer Management manager can move this customer.",
                customer=partner.display_name,
            )
        )

    def _move_manually(self, partner, stage, reason):
        """Move one customer by hand, with a reason; refused when the stage does not fit
        what the customer did, or when the user does not own the customer."""
        partner = partner.commercial_partner_id
        company = self.env.company
        self._check_manual_move_access(partner)
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason of the move."))
        current = partner.with_company(company).lifecycle_stage or None
        frame = self._gather(company, fields.Date.context_today(self), [partner.id])
        bought = partner.id in frame.index and pd.notna(frame.at[partner.id, "first_purchase"])
        error = lifecycle.check_manual_move(current, stage, bought)
        labels = dict(
            self.env["res.partner"]._fields["lifecycle_stage"]._description_selection(self.env)
        )
        messages = {
            "unknown": self.env._("Unknown lifecycle stage."),
            "same": self.env._("%(customer)s is already in stage %(stage)s."),
            "not_customer": self.env._(
                "%(customer)s has never bought from %(company)s: %(stage)s is only for "
                "customers with a confirmed order or a posted invoice."
            ),
            "already_customer": self.env._(
                "%(customer)s has already bought from %(company)s: %(stage)s is only for prospects."
            ),
            "not_lost": self.env._(
                "Only a lost or at-risk customer can be won back; %(customer)s is not."
            ),
        }
        if error:
            raise UserError(
                messages[error]
                % {
                    "customer": partner.display_name,
                    "company": company.name,
                    "stage": labels.get(stage, stage),
                }
            )
        return (
            self.sudo()
            ._apply_moves(company, [(partner.id, current, stage, None)], "manual", reason.strip())
            .with_env(self.env)
        )
