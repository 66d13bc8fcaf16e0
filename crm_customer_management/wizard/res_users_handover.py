from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import CCM_MANAGER

OPEN_DECISIONS = ("open", "in_progress")
SUGGESTIONS_TO_ANSWER = ("new", "under_review", "accepted")


class ResUsersHandover(models.TransientModel):
    """Hand over everything a leaving or moving user holds: his customers (as salesperson),
    open leads and opportunities, activities (playbook tasks included), open complaints,
    decisions and suggestions to answer. One successor for all, others per customer; a
    handover note is required for each most valuable customer and posted on it. Set-based:
    one UPDATE per table, whatever the number of records."""

    _name = "res.users.handover"
    _description = "Handover of a Leaving User"

    user_id = fields.Many2one(
        "res.users", string="Leaving User", required=True, domain=[("share", "=", False)]
    )
    successor_id = fields.Many2one(
        "res.users",
        domain=[("share", "=", False)],
        help="Takes over everything not given to another successor below.",
    )
    line_ids = fields.One2many("res.users.handover.line", "wizard_id", string="Per Customer")
    archive_user = fields.Boolean("Archive the User Afterwards")
    customer_count = fields.Integer("Customers", compute="_compute_counts")
    lead_count = fields.Integer("Open Leads", compute="_compute_counts")
    activity_count = fields.Integer("Activities", compute="_compute_counts")
    complaint_count = fields.Integer("Open Complaints", compute="_compute_counts")
    decision_count = fields.Integer("Open Decisions", compute="_compute_counts")
    suggestion_count = fields.Integer("Suggestions to Answer", compute="_compute_counts")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if values.get("user_id") and "line_ids" in fields_list:
            user = self.env["res.users"].browse(values["user_id"])
            values["line_ids"] = [
                (0, 0, {"partner_id": pid, "must_note": True}) for pid in self._mvc_ids(user)
            ]
        return values

    @api.onchange("user_id")
    def _onchange_user_id(self):
        self.line_ids = [(5, 0, 0)] + [
            (0, 0, {"partner_id": pid, "must_note": True}) for pid in self._mvc_ids(self.user_id)
        ]

    @api.depends("user_id")
    def _compute_counts(self):
        for wizard in self:
            counts = wizard._counts(wizard.user_id.id) if wizard.user_id else {}
            for field in (
                "customer_count",
                "lead_count",
                "activity_count",
                "complaint_count",
                "decision_count",
                "suggestion_count",
            ):
                wizard[field] = counts.get(field, 0)

    # ------------------------------------------------------------------
    # What the user holds
    # ------------------------------------------------------------------

    def _counts(self, user_id):
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT (SELECT COUNT(*) FROM res_partner
                     WHERE user_id = %(u)s AND active AND id = commercial_partner_id),
                   (SELECT COUNT(*) FROM crm_lead
                     WHERE user_id = %(u)s AND active AND COALESCE(probability, 0) < 100),
                   (SELECT COUNT(*) FROM mail_activity WHERE user_id = %(u)s),
                   (SELECT COUNT(*) FROM crm_complaint WHERE user_id = %(u)s AND NOT is_closed),
                   (SELECT COUNT(*) FROM crm_customer_decision
                     WHERE user_id = %(u)s AND state IN %(decisions)s),
                   (SELECT COUNT(*) FROM crm_customer_suggestion
                     WHERE user_id = %(u)s AND state IN %(suggestions)s)
            """,
            {"u": user_id, "decisions": OPEN_DECISIONS, "suggestions": SUGGESTIONS_TO_ANSWER},
        )
        keys = (
            "customer_count",
            "lead_count",
            "activity_count",
            "complaint_count",
            "decision_count",
            "suggestion_count",
        )
        return dict(zip(keys, self.env.cr.fetchone(), strict=True))

    @api.model
    def _mvc_ids(self, user):
        """The user's customers that are most valuable in one of their companies."""
        if not user:
            return []
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT DISTINCT p.id FROM res_partner p
              JOIN crm_customer_value v ON v.partner_id = p.id AND v.value_tier = 'mvc'
             WHERE p.user_id = %s AND p.active AND p.id = p.commercial_partner_id
             ORDER BY p.id
            """,
            (user.id,),
        )
        return [pid for (pid,) in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # Handover
    # ------------------------------------------------------------------

    def _check_handover(self):
        if not (self.env.su or self.env.user.has_group(CCM_MANAGER)):
            raise AccessError(
                self.env._("Only Customer Management managers hand a user's customers over.")
            )
        if self.archive_user and not self.env.user.has_group("base.group_erp_manager"):
            raise AccessError(
                self.env._(
                    "Only administrators of access rights archive users: hand the customers "
                    "over without archiving, then ask one of them."
                )
            )
        if not self.successor_id and not self.line_ids:
            raise UserError(self.env._("Choose a successor."))
        if self.user_id in (self.successor_id | self.line_ids.successor_id):
            raise UserError(self.env._("A user cannot be his own successor."))
        if not self.successor_id and (
            set(self._mvc_ids(self.user_id)) - set(self.line_ids.partner_id.ids)
            or self._counts(self.user_id.id)["customer_count"] > len(self.line_ids)
        ):
            raise UserError(
                self.env._(
                    "Choose a successor for the customers and documents not given to "
                    "another one below."
                )
            )
        missing = set(self._mvc_ids(self.user_id)) - set(
            self.line_ids.filtered(lambda line: (line.note or "").strip()).partner_id.ids
        )
        if missing:
            names = self.env["res.partner"].browse(sorted(missing)).mapped("display_name")
            raise UserError(
                self.env._(
                    "Write a handover note for each most valuable customer: %(names)s.",
                    names=", ".join(names),
                )
            )

    def action_archive_without_handover(self):
        """Archive the user and leave his customers orphaned (they show in the orphaned
        customers report): for the access-rights administrator."""
        self.ensure_one()
        if not self.env.user.has_group("base.group_erp_manager"):
            raise AccessError(self.env._("Only administrators of access rights archive users."))
        self.user_id.with_context(ccm_handover_done=True).action_archive()
        return {"type": "ir.actions.act_window_close"}

    def action_confirm(self):
        self.ensure_one()
        self._check_handover()
        handover = self._execute()
        if self.archive_user:
            self.user_id.with_context(ccm_handover_done=True).action_archive()
            handover.user_archived = True
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.customer.handover",
            "res_id": handover.id,
            "view_mode": "form",
        }

    def _execute(self):
        """Reassign everything set-based and log the handover."""
        self.ensure_one()
        self.env.flush_all()
        cr = self.env.cr
        leaving = self.user_id.id
        default = self.successor_id.id or None
        lines = self.line_ids.filtered("successor_id")
        params = {
            "u": leaving,
            "default": default,
            "map_partner": [line.partner_id.commercial_partner_id.id for line in lines],
            "map_successor": [line.successor_id.id for line in lines],
            "decisions": OPEN_DECISIONS,
            "suggestions": SUGGESTIONS_TO_ANSWER,
        }
        mapping = """(SELECT DISTINCT ON (partner_id) partner_id, successor_id
                        FROM unnest(%(map_partner)s::int[], %(map_successor)s::int[])
                             AS m(partner_id, successor_id)) m"""
        # customers and their contacts held by the user: one UPDATE
        cr.execute(
            f"""
            UPDATE res_partner p SET user_id = COALESCE(m.successor_id, %(default)s)
              FROM res_partner p2 LEFT JOIN {mapping} ON m.partner_id = p2.commercial_partner_id
             WHERE p.user_id = %(u)s AND p2.id = p.id
               AND COALESCE(m.successor_id, %(default)s) IS NOT NULL
            RETURNING p.user_id, p.id = p.commercial_partner_id, p.id
            """,  # noqa: S608 - constant SQL fragment
            params,
        )
        moved = cr.fetchall()
        # the stored copies of the salesperson
        for table in ("crm_customer_value", "crm_customer_text"):
            cr.execute(
                f"""
                UPDATE {table} t SET user_id = p.user_id
                  FROM res_partner p
                 WHERE t.partner_id = p.id AND t.user_id = %(u)s
                """,  # noqa: S608 - constant table names
                params,
            )
        cr.execute(
            f"""
            UPDATE crm_lead l SET user_id = COALESCE(m.successor_id, %(default)s)
              FROM crm_lead l2 LEFT JOIN res_partner lp ON lp.id = l2.partner_id
                   LEFT JOIN {mapping} ON m.partner_id = lp.commercial_partner_id
             WHERE l.user_id = %(u)s AND l.active AND COALESCE(l.probability, 0) < 100
               AND l2.id = l.id AND COALESCE(m.successor_id, %(default)s) IS NOT NULL
            RETURNING l.user_id, l.id
            """,  # noqa: S608 - constant SQL fragment
            params,
        )
        leads = cr.fetchall()
        # activities follow the customer of the record they are on
        cr.execute(
            f"""
            UPDATE mail_activity a SET user_id = COALESCE(m.successor_id, %(default)s)
              FROM mail_activity a2
                   LEFT JOIN res_partner rp ON a2.res_model = 'res.partner' AND rp.id = a2.res_id
                   LEFT JOIN crm_lead l ON a2.res_model = 'crm.lead' AND l.id = a2.res_id
                   LEFT JOIN res_partner lp ON lp.id = l.partner_id
                   LEFT JOIN crm_complaint c
                          ON a2.res_model = 'crm.complaint' AND c.id = a2.res_id
                   LEFT JOIN {mapping}
                          ON m.partner_id = COALESCE(rp.commercial_partner_id,
                                                     lp.commercial_partner_id,
                                                     c.commercial_partner_id)
             WHERE a.user_id = %(u)s AND a2.id = a.id
               AND COALESCE(m.successor_id, %(default)s) IS NOT NULL
            RETURNING a.user_id
            """,  # noqa: S608 - constant SQL fragment
            params,
        )
        activities = cr.fetchall()
        cr.execute(
            f"""
            UPDATE crm_complaint c SET user_id = COALESCE(m.successor_id, %(default)s)
              FROM crm_complaint c2 LEFT JOIN {mapping}
                   ON m.partner_id = c2.commercial_partner_id
             WHERE c.user_id = %(u)s AND NOT c.is_closed AND c2.id = c.id
               AND COALESCE(m.successor_id, %(default)s) IS NOT NULL
            RETURNING c.user_id, c.id
            """,  # noqa: S608 - constant SQL fragment
            params,
        )
        complaints = cr.fetchall()
        decisions = suggestions = []
        if default:
            cr.execute(
                """UPDATE crm_customer_decision SET user_id = %(default)s
                    WHERE user_id = %(u)s AND state IN %(decisions)s RETURNING id""",
                params,
            )
            decisions = cr.fetchall()
            cr.execute(
                """UPDATE crm_customer_suggestion SET user_id = %(default)s
                    WHERE user_id = %(u)s AND state IN %(suggestions)s RETURNING id""",
                params,
            )
            suggestions = cr.fetchall()
        for model in (
            "res.partner",
            "crm.lead",
            "mail.activity",
            "crm.complaint",
            "crm.customer.decision",
            "crm.customer.suggestion",
            "crm.customer.value",
            "crm.customer.text",
        ):
            self.env[model].invalidate_model(["user_id"])
        self._follow_handed_over(
            [("res.partner", pid, uid) for uid, is_customer, pid in moved if is_customer]
            + [("crm.lead", lid, uid) for uid, lid in leads]
            + [("crm.complaint", cid, uid) for uid, cid in complaints]
        )
        notes = self._post_notes()
        roles = self._move_roles()
        return self._log(moved, leads, activities, complaints, decisions, suggestions, notes, roles)

    def _follow_handed_over(self, held):
        """Each successor follows the customers, leads and complaints he took over (what
        the ORM's reassignment would subscribe him to), with the default subtypes of each
        model: one INSERT ... SELECT into the followers and their subtypes, whatever the
        number of records (``held``: (model, record id, successor user id))."""
        if not held:
            return
        Subtype = self.env["mail.message.subtype"]
        subtypes = [
            (model, sid)
            for model in {model for model, _rid, _uid in held}
            for sid in Subtype._default_subtypes(model)[0]
        ]
        self.env["mail.followers"].flush_model()
        self.env.cr.execute(
            """
            WITH held AS (
                SELECT DISTINCT h.res_model, h.res_id, u.partner_id
                  FROM unnest(%(models)s::varchar[], %(ids)s::int[], %(users)s::int[])
                       AS h(res_model, res_id, user_id)
                  JOIN res_users u ON u.id = h.user_id
            ), added AS (
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT res_model, res_id, partner_id FROM held
                ON CONFLICT (res_model, res_id, partner_id) DO NOTHING
                RETURNING id, res_model
            )
            INSERT INTO mail_followers_mail_message_subtype_rel
                   (mail_followers_id, mail_message_subtype_id)
            SELECT a.id, s.subtype_id
              FROM added a
              JOIN unnest(%(subtype_models)s::varchar[], %(subtype_ids)s::int[])
                   AS s(res_model, subtype_id) ON s.res_model = a.res_model
            """,
            {
                "models": [row[0] for row in held],
                "ids": [row[1] for row in held],
                "users": [row[2] for row in held],
                "subtype_models": [model for model, _sid in subtypes] or [""],
                "subtype_ids": [sid for _model, sid in subtypes] or [0],
            },
        )
        self.env["mail.followers"].invalidate_model()
        for model in {model for model, _rid, _uid in held}:
            self.env[model].invalidate_model(["message_follower_ids", "message_partner_ids"])

    def _post_notes(self):
        """Each handover note on its customer's chatter, in one batch."""
        lines = self.line_ids.filtered(lambda line: (line.note or "").strip())
        bodies = {}
        for line in lines:
            successor = line.successor_id or self.successor_id
            bodies[line.partner_id.commercial_partner_id.id] = Markup(
                "<p><b>%s</b></p><p>%s</p>"
            ) % (
                self.env._(
                    "Handover from %(leaving)s to %(successor)s",
                    leaving=self.user_id.name,
                    successor=successor.name,
                ),
                line.note,
            )
        if bodies:
            self.env["res.partner"].sudo().browse(list(bodies))._message_log_batch(bodies)
        return len(bodies)

    def _log(self, moved, leads, activities, complaints, decisions, suggestions, notes, roles):
        per = {}

        def count(rows, key):
            for row in rows:
                per.setdefault(row[0], dict.fromkeys(("c", "l", "a", "p"), 0))[key] += 1

        count([row for row in moved if row[1]], "c")
        count(leads, "l")
        count(activities, "a")
        count(complaints, "p")
        handover = (
            self.env["crm.customer.handover"]
            .sudo()
            .create(
                {
                    "user_id": self.user_id.id,
                    "customer_count": sum(1 for row in moved if row[1]),
                    "lead_count": len(leads),
                    "activity_count": len(activities),
                    "complaint_count": len(complaints),
                    "decision_count": len(decisions),
                    "suggestion_count": len(suggestions),
                    "note_count": notes,
                    "roles_moved": "\n".join(roles[0]) or False,
                    "roles_left": "\n".join(roles[1]) or False,
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "successor_id": uid,
                                "customer_count": c["c"],
                                "lead_count": c["l"],
                                "activity_count": c["a"],
                                "complaint_count": c["p"],
                            },
                        )
                        for uid, c in sorted(per.items())
                    ],
                }
            )
        )
        return handover


class ResUsersHandoverLine(models.TransientModel):
    """A customer given to a successor of its own, with its handover note."""

    _name = "res.users.handover.line"
    _description = "Handover of a Customer"

    wizard_id = fields.Many2one("res.users.handover", required=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, domain=[("is_company", "=", True)]
    )
    successor_id = fields.Many2one(
        "res.users",
        domain=[("share", "=", False)],
        help="Empty: the wizard's successor.",
    )
    must_note = fields.Boolean("Most Valuable", readonly=True)
    note = fields.Text("Handover Note")
