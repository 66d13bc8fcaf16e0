import logging
from collections import defaultdict
from datetime import timedelta

import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..analytics import kpi, lifecycle
from ..tools.cron import run_per_company

_logger = logging.getLogger(__name__)

ACTIVE_RANK_SQL = """CASE stage_to WHEN 'onboarding' THEN 1 WHEN 'known' THEN 2
                     WHEN 'developing' THEN 3 WHEN 'retained' THEN 4 END"""
RANK_STAGE = {1: "onboarding", 2: "known", 3: "developing", 4: "retained"}


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

    def _gather_params(self, company, today, partner_ids):
        return {
            "company_id": company.id,
            "today": today,
            "period_days": company.ccm_period_days,
            "known_completeness": company.ccm_known_completeness,
            "partner_ids": partner_ids or [],
            "all_partners": partner_ids is None,
            "nps_detractor_max": kpi.NPS_DETRACTOR_MAX,
            "csat_satisfied_min": kpi.CSAT_SATISFIED_MIN,
        }

    def _gather(self, company, today, partner_ids):
        """One row per customer: the inputs of ``analytics.lifecycle.evaluate``."""
        params = self._gather_params(company, today, partner_ids)
        frames = [
            self._query_frame(method(), params)
            for method in (
                self._sql_purchases,
                self._sql_history,
                self._sql_leads,
                self._sql_profile,
                self._sql_answers,
                self._sql_complaints,
            )
        ]
        frames = [f for f in frames if f is not None]
        # customers = whoever bought, was classified, or has an open lead
        keys = ("first_purchase", "stage", "lead_rank")
        index = pd.Index([], dtype="int64")
        for f in frames:
            if any(k in f.columns for k in keys):
                index = index.union(f.index)
        frame = pd.DataFrame(index=index)
        for f in frames:
            frame = frame.join(f, how="left")
        frame.index.name = "partner_id"
        defaults = {
            "stage": None,
            "stage_date": pd.NaT,
            "prev_stage": None,
            "floor_rank": 0,
            "manual_date": pd.NaT,
            "first_purchase": pd.NaT,
            "last_purchase": pd.NaT,
            "purchase_days": 0,
            "best_streak": 0,
            "churn_probability": float("nan"),
            "profile_known": 0,
            "open_complaints": 0,
            "last_answer_date": pd.NaT,
            "last_answer_negative": 0,
            "lead_rank": 0,
        }
        for col, default in defaults.items():
            if col not in frame:
                frame[col] = default
        for col in (
            "stage_date",
            "manual_date",
            "first_purchase",
            "last_purchase",
            "last_answer_date",
        ):
            frame[col] = pd.to_datetime(frame[col])
        for col in ("purchase_days", "best_streak", "open_complaints", "floor_rank", "lead_rank"):
            frame[col] = pd.to_numeric(frame[col]).fillna(0)
        frame["churn_probability"] = pd.to_numeric(frame["churn_probability"]).astype(float)
        frame["profile_known"] = frame["profile_known"].fillna(0).astype(bool)
        frame["last_answer_negative"] = frame["last_answer_negative"].fillna(0).astype(bool)
        frame["floor_stage"] = frame["floor_rank"].map(RANK_STAGE)
        frame["lead_stage"] = frame["lead_rank"].map({1: "target", 2: "enquiry"})
        for col in ("stage", "prev_stage", "floor_stage", "lead_stage"):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
        return frame

    def _query_frame(self, query, params):
        if query is None:
            return None
        self.env.cr.execute(query, params)
        columns = [d.name for d in self.env.cr.description]
        return pd.DataFrame(self.env.cr.fetchall(), columns=columns).set_index("partner_id")

    # Each _sql_* hook returns a query grouped by commercial partner (column partner_id) with
    # %(company_id)s, %(today)s, %(partner_ids)s / %(all_partners)s placeholders, or None.

    def _sql_purchases(self):
        """First/last purchase (confirmed order or posted invoice), distinct purchase days and
        the longest run of consecutive periods with a purchase (gaps and islands)."""
        return """
            WITH days AS (
                SELECT p.commercial_partner_id AS partner_id,
                       (so.date_order AT TIME ZONE 'UTC')::date AS day
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id = %(company_id)s
                   AND (%(all_partners)s OR p.commercial_partner_id = ANY(%(partner_ids)s))
                 UNION
                SELECT m.commercial_partner_id, m.invoice_date
                  FROM account_move m
                 WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
                   AND m.company_id = %(company_id)s
                   AND (%(all_partners)s OR m.commercial_partner_id = ANY(%(partner_ids)s))
            ), periods AS (
                SELECT DISTINCT partner_id, (%(today)s - day) / %(period_days)s AS period
                  FROM days WHERE day <= %(today)s
            ), islands AS (
                SELECT partner_id, COUNT(*) AS run
                  FROM (SELECT partner_id,
                               period - ROW_NUMBER() OVER (PARTITION BY partner_id
                                                           ORDER BY period) AS island
                          FROM periods) x
                 GROUP BY partner_id, island
            ), streaks AS (
                SELECT partner_id, MAX(run) AS best_streak FROM islands GROUP BY partner_id
            )
            SELECT d.partner_id, MIN(d.day) AS first_purchase, MAX(d.day) AS last_purchase,
                   COUNT(*) AS purchase_days, MAX(s.best_streak) AS best_streak
              FROM days d
              LEFT JOIN streaks s ON s.partner_id = d.partner_id
             WHERE d.day <= %(today)s
             GROUP BY d.partner_id
        """

    def _sql_history(self):
        return f"""
            WITH h AS (
                SELECT * FROM crm_customer_lifecycle_history
                 WHERE company_id = %(company_id)s
                   AND (%(all_partners)s OR partner_id = ANY(%(partner_ids)s))
            ), last AS (
                SELECT DISTINCT ON (partner_id) partner_id, stage_to AS stage,
                       date AS stage_date, stage_from AS prev_stage,
                       CASE WHEN trigger = 'manual' THEN date END AS manual_date
                  FROM h ORDER BY partner_id, date DESC, id DESC
            )
            SELECT last.*, f.floor_rank
              FROM last
              JOIN (SELECT partner_id, MAX({ACTIVE_RANK_SQL}) AS floor_rank
                      FROM h GROUP BY partner_id) f ON f.partner_id = last.partner_id
        """  # noqa: S608 - constant SQL fragment

    def _sql_leads(self):
        return """
            SELECT p.commercial_partner_id AS partner_id,
                   MAX(CASE l.lifecycle_stage WHEN 'enquiry' THEN 2 WHEN 'target' THEN 1 END)
                       AS lead_rank
              FROM crm_lead l
              JOIN res_partner p ON p.id = l.partner_id
             WHERE l.active AND COALESCE(l.probability, 0) < 100
               AND (l.company_id = %(company_id)s OR l.company_id IS NULL)
               AND (%(all_partners)s OR p.commercial_partner_id = ANY(%(partner_ids)s))
             GROUP BY p.commercial_partner_id
        """

    def _sql_profile(self):
        """Predicted churn and whether the profile is known (needs + completeness)."""
        return """
            SELECT v.partner_id, v.churn_probability,
                   (p.ccm_completeness >= %(known_completeness)s
                    AND EXISTS (SELECT 1 FROM crm_customer_need n
                                 WHERE n.commercial_partner_id = v.partner_id))::int
                       AS profile_known
              FROM crm_customer_value v
              JOIN res_partner p ON p.id = v.partner_id
             WHERE v.company_id = %(company_id)s
               AND (%(all_partners)s OR v.partner_id = ANY(%(partner_ids)s))
        """

    def _sql_answers(self):
        """The customer's last satisfaction answer (NPS 0-10 or CSAT 1-5 surveys)."""
        return """
            SELECT DISTINCT ON (p.commercial_partner_id)
                   p.commercial_partner_id AS partner_id,
                   COALESCE(ui.end_datetime, ui.write_date) AS last_answer_date,
                   (CASE s.ccm_satisfaction_kind
                         WHEN 'nps' THEN l.value_scale <= %(nps_detractor_max)s
                         ELSE l.value_scale < %(csat_satisfied_min)s END)::int
                       AS last_answer_negative
              FROM survey_user_input ui
              JOIN survey_survey s ON s.id = ui.survey_id AND s.ccm_satisfaction_kind IS NOT NULL
              JOIN survey_user_input_line l ON l.user_input_id = ui.id
                   AND l.answer_type = 'scale' AND NOT COALESCE(l.skipped, FALSE)
              JOIN res_partner p ON p.id = ui.partner_id
             WHERE ui.state = 'done'
               AND (%(all_partners)s OR p.commercial_partner_id = ANY(%(partner_ids)s))
             ORDER BY p.commercial_partner_id, COALESCE(ui.end_datetime, ui.write_date) DESC,
                      ui.id DESC
        """

    def _sql_complaints(self):
        """Open complaints per customer."""
        return """
            SELECT commercial_partner_id AS partner_id, COUNT(*) AS open_complaints
              FROM crm_complaint
             WHERE NOT COALESCE(is_closed, FALSE) AND company_id = %(company_id)s
               AND intake_state = 'qualified'
               AND (%(all_partners)s OR commercial_partner_id = ANY(%(partner_ids)s))
             GROUP BY commercial_partner_id
        """

    # ------------------------------------------------------------------
    # Moves
    # ------------------------------------------------------------------

    def _apply_moves(self, company, moves, trigger, reason=None):
        """Record ``moves`` [(partner id, from, to, (model, id) or None)]: history rows,
        the partner's stage in ``company``, then the playbooks. One statement each."""
        cr = self.env.cr
        History = self.env["crm.customer.lifecycle.history"]
        History.flush_model()
        now = fields.Datetime.now()
        uid = self.env.uid
        cr.execute(
            """
            INSERT INTO crm_customer_lifecycle_history
                   (partner_id, company_id, stage_from, stage_to, date, trigger, res_model,
                    res_id, user_id, reason, playbook_done,
                    create_uid, create_date, write_uid, write_date)
            SELECT v.partner_id, %(company_id)s, v.stage_from, v.stage_to, %(now)s,
                   %(trigger)s, v.res_model, v.res_id, %(uid)s, %(reason)s,
                   %(trigger)s = 'scheduled' AND v.stage_from IS NULL,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
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
        self.env["res.partner"].flush_model(["lifecycle_stage", "lifecycle_stage_date"])
        cr.execute(
            """
            UPDATE res_partner p
               SET lifecycle_stage = COALESCE(p.lifecycle_stage, '{}'::jsonb)
                                     || jsonb_build_object(%(company)s, v.stage),
                   lifecycle_stage_date = COALESCE(p.lifecycle_stage_date, '{}'::jsonb)
                                     || jsonb_build_object(%(company)s, %(today)s)
              FROM unnest(%(partner_ids)s::int[], %(tos)s::varchar[]) AS v(id, stage)
             WHERE p.id = v.id
            """,
            {
                "company": str(company.id),
                "today": fields.Date.to_string(fields.Date.context_today(self)),
                "partner_ids": [m[0] for m in moves],
                "tos": [m[2] for m in moves],
            },
        )
        self.env["res.partner"].invalidate_model(["lifecycle_stage", "lifecycle_stage_date"])
        History.invalidate_model()
        # The first classification of a customer by the scheduled run (no previous stage)
        # records where an existing customer stands; it is not a stage entry: no playbook.
        self._run_playbooks(company, History.browse([r[0] for r in inserted if not r[1]]))
        return History.browse(history_ids)

    def _run_playbooks(self, company, rows):
        """Run the playbook actions of the stages these history rows entered, once: each
        row is marked done in the same transaction."""
        if not rows:
            return
        rows.write({"playbook_done": True})
        actions = self.env["crm.customer.playbook.action"].search(
            [
                ("stage", "in", list(set(rows.mapped("stage_to")))),
                ("company_id", "in", [company.id, False]),
            ]
        )
        by_stage = defaultdict(lambda: self.env["crm.customer.playbook.action"])
        for action in actions:
            by_stage[action.stage] |= action
        today = fields.Date.context_today(self)
        partner_model_id = self.env["ir.model"]._get_id("res.partner")
        activity_vals = []
        mails = defaultdict(list)
        for row in rows:
            partner = row.partner_id
            salesperson = partner.user_id or row.user_id
            for action in by_stage.get(row.stage_to, []):
                if action.action_type == "mail":
                    mails[action.mail_template_id].append(partner.id)
                    continue
                user = salesperson
                if action.responsible == "team_leader":
                    user = salesperson.sale_team_id.user_id or salesperson
                activity_vals.append(
                    {
                        "res_model_id": partner_model_id,
                        "res_id": partner.id,
                        "activity_type_id": action.activity_type_id.id,
                        "summary": action.summary or action.name,
                        "note": action.note,
                        "user_id": user.id,
                        "date_deadline": today + timedelta(days=action.deadline_days),
                    }
                )
        if activity_vals:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                activity_vals
            )
        for template, partner_ids in mails.items():
            template.sudo().with_company(company).send_mail_batch(partner_ids)

    # ------------------------------------------------------------------
    # Manual moves
    # ------------------------------------------------------------------

    def _move_manually(self, partner, stage, reason):
        """Move one customer by hand, with a reason; refused when the stage does not fit
        what the customer did."""
        partner = partner.commercial_partner_id
        company = self.env.company
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
