import logging
from collections import Counter, defaultdict
from datetime import timedelta

import pandas as pd
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import formataddr

from ..analytics import kpi, lifecycle
from ..tools.cron import run_per_company
from .crm_customer_lifecycle_history import LIFECYCLE_STAGES

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
        """Predicted churn and whether the profile is known (needs + completeness). The
        churn score is the one the company chose (``crm.customer.churn.model``), else
        BG/NBD's; a negative text since the last order counts as certain churn."""
        return """
            SELECT v.partner_id,
                   CASE WHEN v.negative_text_date >= v.last_order_date THEN 1.0
                        ELSE COALESCE(v.churn_score, v.churn_probability)
                   END AS churn_probability,
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
        the partner's stage in ``company``, then the playbooks (held for a manager's review
        when an automatic run would reach more customers than the company allows). One
        statement each."""
        cr = self.env.cr
        History = self.env["crm.customer.lifecycle.history"]
        History.flush_model()
        now = fields.Datetime.now()
        uid = self.env.uid
        cr.execute(
            """
            INSERT INTO crm_customer_lifecycle_history
                   (partner_id, company_id, stage_from, stage_to, date, trigger, res_model,
                    res_id, user_id, reason, playbook_done, playbook_state,
                    create_uid, create_date, write_uid, write_date)
            SELECT v.partner_id, %(company_id)s, v.stage_from, v.stage_to, %(now)s,
                   %(trigger)s, v.res_model, v.res_id, %(uid)s, %(reason)s,
                   %(trigger)s = 'scheduled' AND v.stage_from IS NULL,
                   CASE WHEN %(trigger)s = 'scheduled' AND v.stage_from IS NULL
                        THEN 'none' END,
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
        todo = History.browse([r[0] for r in inserted if not r[1]])
        if trigger != "manual":
            # a move by hand is one deliberate decision; automatic ones may be thousands
            todo = self._hold_playbooks(company, todo)
        self._run_playbooks(company, todo)
        return History.browse(history_ids)

    # ------------------------------------------------------------------
    # Playbooks
    # ------------------------------------------------------------------

    def _playbook_actions(self, company, stages):
        """{stage: playbook actions} of ``company`` for these stages (stages without an
        action are absent)."""
        Action = self.env["crm.customer.playbook.action"]
        actions = Action.search(
            [("stage", "in", list(stages)), ("company_id", "in", [company.id, False])]
        )
        return dict(actions.grouped("stage"))

    def _hold_playbooks(self, company, rows):
        """Hold the playbooks of ``rows`` for a manager's review when they would reach more
        customers than the company's limit for one automatic run (a lowered threshold must
        not mail every dormant customer overnight). Returns the rows still to run."""
        if not rows:
            return rows
        by_stage = self._playbook_actions(company, set(rows.mapped("stage_to")))
        with_actions = rows.filtered(lambda r: r.stage_to in by_stage)
        if len(with_actions.partner_id) <= company.ccm_playbook_max_runs:
            return rows
        with_actions.write({"playbook_state": "held"})
        self._notify_held_playbooks(company, with_actions)
        return rows - with_actions

    def _notify_held_playbooks(self, company, rows):
        """One activity for a manager of ``company``: which stages the customers of these
        held rows entered."""
        counts = Counter(rows.mapped("stage_to"))
        labels = dict(rows._fields["stage_to"]._description_selection(self.env))
        moves = ", ".join(
            self.env._(
                "%(count)s customers entered stage %(stage)s",
                count=counts[stage],
                stage=labels[stage],
            )
            for stage, _label in LIFECYCLE_STAGES
            if counts[stage]
        )
        summary = self.env._("%(moves)s: playbooks held for review", moves=moves)
        manager = self._playbook_users(company, "crm_customer_management.group_manager")[:1]
        _logger.warning(
            "Lifecycle playbooks of %s held for review (limit %d): %s",
            company.name,
            company.ccm_playbook_max_runs,
            moves,
        )
        if not manager:
            return
        self.env["mail.activity"].sudo().create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": company.partner_id.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "summary": summary,
                "note": Markup("<p>%s</p>")
                % self.env._(
                    "More customers moved in one run than the %(limit)s playbook runs "
                    "allowed. Review them in Customers > Lifecycle > Stage History (filter Held "
                    "playbooks) and run or discard their playbooks.",
                    limit=company.ccm_playbook_max_runs,
                ),
                "user_id": manager.id,
                "date_deadline": fields.Date.context_today(self),
            }
        )

    def _playbook_users(self, company, group_xmlid):
        """Active internal users of ``company`` in this group, oldest first; never the
        superuser, the public user or a portal user."""
        return self.env["res.users"].search(
            [
                ("groups_id", "in", self.env.ref(group_xmlid).id),
                ("share", "=", False),
                ("company_ids", "in", company.id),
                ("id", "not in", self._playbook_excluded_user_ids()),
            ],
            order="id",
        )

    def _playbook_excluded_user_ids(self):
        return [
            self.env.ref("base.user_root").id,
            self.env.ref("base.public_user").id,
        ]

    def _playbook_assignable(self, user, company):
        """Whether ``user`` may get a playbook activity or send a playbook e-mail in
        ``company``: active, internal, of the company, not the superuser nor public."""
        return bool(
            user
            and user.active
            and not user.share
            and company in user.company_ids
            and user.id not in self._playbook_excluded_user_ids()
        )

    def _playbook_assignee(self, company, row, action, fallback):
        """Who gets ``action``'s activity for ``row``: the salesperson or the team leader
        (as the action says), else the other one, else the user who moved the customer by
        hand, else ``fallback`` (a sales manager of the company); None when nobody may."""
        salesperson = row.partner_id.user_id
        leader = salesperson.sale_team_id.user_id
        candidates = [salesperson, leader]
        if action.responsible == "team_leader":
            candidates.reverse()
        if row.trigger == "manual":
            candidates.append(row.user_id)
        candidates.append(fallback())
        return next((u for u in candidates if self._playbook_assignable(u, company)), None)

    def _playbook_sender(self, company, partner):
        """The salesperson a playbook e-mail to ``partner`` comes from, or no user: from
        the company. Never the user whose action moved the customer."""
        salesperson = partner.user_id
        if self._playbook_assignable(salesperson, company) and salesperson.email:
            return salesperson
        return self.env["res.users"]

    def _send_playbook_mails(self, company, template, salesperson, partner_ids):
        """Send ``template`` to these customers from ``salesperson`` (author and address),
        or from the company; rendered as that salesperson (or the superuser), so that the
        ``user`` of a template never names the customer or manager who triggered it."""
        author = salesperson.partner_id or company.partner_id
        email_from = author.email_formatted
        if not email_from:
            default_from = (
                self.env["ir.mail_server"].with_company(company)._get_default_from_address()
            )
            email_from = default_from and formataddr((company.name, default_from))
        render_user = salesperson or self.env.ref("base.user_root")
        template.with_user(render_user).sudo().with_company(company).send_mail_batch(
            partner_ids, email_values={"email_from": email_from, "author_id": author.id}
        )

    def _playbook_recipient_issue(self, partner, action, reachable):
        """Why ``action`` must not run for ``partner`` (a translated line with an
        ``%(action)s`` placeholder), or None. ``reachable``: the customers an e-mail may go
        to (active, with an address, not opted out)."""
        is_mail = action.action_type == "mail"
        if not partner.active:
            if is_mail:
                return self.env._("%(action)s: not sent, the customer is archived.")
            return self.env._("%(action)s: not scheduled, the customer is archived.")
        if is_mail and partner not in reachable:
            if partner.email_normalized:
                return self.env._("%(action)s: not sent, the customer opted out of e-mails.")
            return self.env._("%(action)s: not sent, the customer has no e-mail address.")
        return None

    def _run_playbooks(self, company, rows):
        """Run the playbook actions of the stages these history rows entered, once: each
        row is marked done in the same transaction. E-mails reach only active customers
        with an address who did not opt out, from the salesperson or the company;
        activities go to active internal users. What is skipped is noted on the row."""
        if not rows:
            return
        rows.write({"playbook_done": True, "playbook_state": "done"})
        by_stage = self._playbook_actions(company, set(rows.mapped("stage_to")))
        rows = rows.filtered(lambda r: r.stage_to in by_stage)
        if not rows:
            return
        reachable = self.env["res.partner"].search(
            [
                ("id", "in", rows.partner_id.ids),
                ("email_normalized", "!=", False),
                ("is_blacklisted", "=", False),
            ]
        )
        managers = []

        def fallback():
            if not managers:
                managers.append(self._playbook_users(company, "sales_team.group_sale_manager")[:1])
            return managers[0]

        today = fields.Date.context_today(self)
        partner_model_id = self.env["ir.model"]._get_id("res.partner")
        activity_vals = []
        mails = defaultdict(list)
        notes = defaultdict(list)
        unassigned = Counter()
        for row in rows:
            partner = row.partner_id
            for action in by_stage[row.stage_to]:
                issue = self._playbook_recipient_issue(partner, action, reachable)
                if issue:
                    notes[row.id].append(issue % {"action": action.name})
                elif action.action_type == "mail":
                    sender = self._playbook_sender(company, partner)
                    mails[action.mail_template_id, sender].append(partner.id)
                elif user := self._playbook_assignee(company, row, action, fallback):
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
                else:
                    unassigned[action] += 1
                    notes[row.id].append(
                        self.env._(
                            "%(action)s: not scheduled, no active internal user to assign.",
                            action=action.name,
                        )
                    )
        for action, count in unassigned.items():
            _logger.warning(
                "Lifecycle playbook of %s: '%s' skipped for %d customers, no active internal "
                "user to assign (salesperson, team leader or sales manager)",
                company.name,
                action.name,
                count,
            )
        if activity_vals:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                activity_vals
            )
        for (template, salesperson), partner_ids in mails.items():
            self._send_playbook_mails(company, template, salesperson, partner_ids)
        self._write_playbook_notes(rows, notes)

    def _write_playbook_notes(self, rows, notes):
        """``notes``: {history row id: [lines]}; one write per distinct note."""
        by_note = defaultdict(list)
        for row_id, lines in notes.items():
            by_note["\n".join(lines)].append(row_id)
        for note, row_ids in by_note.items():
            rows.browse(row_ids).write({"playbook_note": note})

    # ------------------------------------------------------------------
    # Manual moves
    # ------------------------------------------------------------------

    def _check_manual_move_access(self, partner):
        """Only the customer's salesperson, a salesman who sees all leads or a manager
        moves a customer by hand."""
        user = self.env.user
        if self.env.su or user.has_group("crm_customer_management.group_manager"):
            return
        partner.check_access("read")
        if user.has_group("crm_customer_management.group_user") and (
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
