from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from ..const import CCM_MANAGER, CCM_USER

SEGMENT_KINDS = [
    ("demographic", "Demographic"),
    ("geographic", "Geographic"),
    ("behavioural", "Behavioural"),
    ("psychographic", "Psychographic"),
    ("cluster", "Cluster"),
    ("manual", "Manual"),
]


class CrmCustomerSegment(models.Model):
    """A group of one company's customers that people act on: the customers whose value
    profile matches a rule (an Odoo domain over ``crm.customer.value``, which reaches the
    customer through ``partner_id``), optionally only the top share of them by net value,
    plus a manual list. The members are materialised in the relation table of
    ``res.partner.ccm_segment_ids``, refreshed set-based nightly with the values and on
    demand; who entered and left is kept in ``crm.customer.segment.history``."""

    _name = "crm.customer.segment"
    _description = "Customer Segment"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(SEGMENT_KINDS, required=True, default="behavioural")
    description = fields.Text(translate=True)
    # Rule
    rule_domain = fields.Char(
        "Rule",
        default="[]",
        help="The customers whose value profile in the segment's company matches this "
        "domain (country, state, industry, tags, needs, tier, RFM segment, lifecycle stage, "
        "cluster, figures). Manual segments have no rule.",
    )
    top_percent = fields.Float(
        "Top Share (%)",
        help="Keep only this share of the customers matching the rule, those of highest "
        "net value (rounded up: the top 20 % of 11 customers is 3). 0 keeps all.",
    )
    manual_partner_ids = fields.Many2many(
        "res.partner",
        "crm_customer_segment_manual_rel",
        "segment_id",
        "partner_id",
        string="Added by Hand",
        domain=[("is_company", "=", True)],
        help="Customers (commercial entities) in the segment whatever the rule says.",
    )
    # Members
    partner_ids = fields.Many2many(
        "res.partner",
        "crm_customer_segment_member_rel",
        "segment_id",
        "partner_id",
        string="Member Customers",
        readonly=True,
        copy=False,
        groups=CCM_MANAGER,
        help="All members; users see theirs through the members list.",
    )
    member_count = fields.Integer(
        "Members", readonly=True, copy=False, help="At the last refresh, in the whole company."
    )
    member_count_previous = fields.Integer(
        "Members Before", readonly=True, copy=False, help="At the refresh before the last."
    )
    member_trend = fields.Integer(
        "Trend", compute="_compute_member_trend", help="Members gained since the refresh before."
    )
    refreshed_at = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = [
        (
            "top_percent_range",
            "CHECK(top_percent >= 0 AND top_percent <= 100)",
            "The top share of a segment is a percentage between 0 and 100.",
        ),
    ]

    @api.depends("member_count", "member_count_previous")
    def _compute_member_trend(self):
        for segment in self:
            segment.member_trend = segment.member_count - segment.member_count_previous

    @api.constrains("rule_domain", "kind")
    def _check_rule_domain(self):
        for segment in self:
            try:
                segment._rule()
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The rule of segment '%(name)s' is not a valid domain over customer "
                        "value profiles: %(error)s",
                        name=segment.name,
                        error=error,
                    )
                ) from error

    def _rule(self):
        """The segment's rule as a domain list (None for a manual segment); checked
        against the value profile's fields."""
        self.ensure_one()
        if self.kind == "manual":
            return None
        domain = safe_eval(self.rule_domain or "[]", {"uid": self.env.uid})
        if not isinstance(domain, (list, tuple)):
            raise ValueError(self.env._("a domain is a list of conditions"))
        self.env["crm.customer.value"].sudo()._search(list(domain))
        return list(domain)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        segments = super().create(vals_list)
        segments._refresh_members()
        return segments

    def write(self, vals):
        res = super().write(vals)
        if {"rule_domain", "top_percent", "manual_partner_ids", "kind", "active"} & set(vals):
            self._refresh_members()  # an archived segment loses its members
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_user(self, group=CCM_USER):
        if not self.env.user.has_group(group):
            raise AccessError(self.env._("Only Customer Management users can work on segments."))
        self.check_access("read")

    def action_refresh(self):
        """Refresh these segments' members now."""
        self._check_user()
        self.sudo()._refresh_members()
        return True

    def action_view_members(self):
        """The members the user may see (own customers for own-documents users)."""
        self.ensure_one()
        self._check_user()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_segment_member_action"
        )
        action["domain"] = [("segment_id", "=", self.id)]
        action["context"] = {"default_segment_id": self.id}
        return action

    def action_view_history(self):
        self.ensure_one()
        self._check_user()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_segment_history_action"
        )
        action["domain"] = [("segment_id", "=", self.id)]
        return action

    def action_send_mail(self):
        """Odoo's mass e-mail composer on the members the user may see whom e-mail may
        reach: not on the exclusion list (blacklisted addresses), not opted out of the
        e-mail channel; the composer applies the list again when sending."""
        self.ensure_one()
        self._check_user()
        partners = (
            self.env["crm.customer.segment.member"]
            .search([("segment_id", "=", self.id)])
            .partner_id._ccm_permitted("email")
        )
        if not partners:
            raise UserError(self.env._("Segment '%s' has no member you may write to.", self.name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("E-mail to %s", self.name),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_composition_mode": "mass_mail",
                "default_model": "res.partner",
                "default_res_ids": partners.ids,
                "default_use_exclusion_list": True,
            },
        }

    # ------------------------------------------------------------------
    # Scopes for other screens (KPIs, reports, playbooks)
    # ------------------------------------------------------------------

    def _partner_domain(self):
        """Domain of res.partner: the members of these segments and their contacts."""
        return [("commercial_partner_id.ccm_segment_ids", "in", self.ids)]

    def _member_partner_ids_sql(self):
        """SQL of the commercial partner ids in these segments (a KPI's scope)."""
        return SQL(
            "SELECT partner_id FROM crm_customer_segment_member_rel WHERE segment_id = ANY(%s)",
            self.ids,
        )
