import logging
from collections import Counter, defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import formataddr

from ..const import CCM_MANAGER, LIFECYCLE_STAGES

_logger = logging.getLogger(__name__)


class CrmCustomerLifecycle(models.AbstractModel):
    """Playbooks of the lifecycle service: the actions (activities, mails, notes) run
    for the customers entering a stage, held for a manager's review above the company's
    limit."""

    _inherit = "crm.customer.lifecycle"

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
        manager = self._playbook_users(company, CCM_MANAGER)[:1]
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

    def _playbook_activity_values(self, partner, action):
        """What ``action``'s activity for ``partner`` is: its type, summary and note."""
        return {
            "activity_type_id": action.activity_type_id.id,
            "summary": action.summary or action.name,
            "note": action.note,
        }

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
                            **self._playbook_activity_values(partner, action),
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
            self._subscribe_assignees(activity_vals)
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                activity_vals
            )
        for (template, salesperson), partner_ids in mails.items():
            self._send_playbook_mails(company, template, salesperson, partner_ids)
        self._write_playbook_notes(rows, notes)

    def _subscribe_assignees(self, activity_vals):
        """Make the users of these activities followers of their customers first, once per
        customer: ``mail.activity.create`` subscribes them per activity, and two activities
        of one stage for one customer and user would insert the same follower twice."""
        by_user = defaultdict(set)
        for vals in activity_vals:
            by_user[vals["user_id"]].add(vals["res_id"])
        Partner = self.env["res.partner"].sudo()
        for user in self.env["res.users"].browse(list(by_user)):
            Partner.browse(sorted(by_user[user.id])).message_subscribe(
                partner_ids=user.partner_id.ids
            )

    def _write_playbook_notes(self, rows, notes):
        """``notes``: {history row id: [lines]}; one write per distinct note."""
        by_note = defaultdict(list)
        for row_id, lines in notes.items():
            by_note["\n".join(lines)].append(row_id)
        for note, row_ids in by_note.items():
            rows.browse(row_ids).write({"playbook_note": note})
