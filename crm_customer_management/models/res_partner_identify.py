import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..analytics.value import completeness
from ..const import CCM_USER
from ..tools.sql import run_aside


class ResPartner(models.Model):
    """Identify (IDIC): who the real customer is, how complete our data about them is,
    whether they exist twice; and their needs (differentiate by need)."""

    _inherit = "res.partner"

    customer_need_ids = fields.One2many(
        "crm.customer.need", "commercial_partner_id", string="Needs", groups=CCM_USER
    )
    dominant_need_category_id = fields.Many2one(
        "crm.customer.need.category",
        string="Dominant Need",
        index="btree_not_null",
        compute="_compute_dominant_need_category_id",
        store=True,
    )
    ccm_completeness = fields.Float(
        "Data Completeness (%)", compute="_compute_ccm_completeness", store=True, aggregator="avg"
    )
    ccm_missing_data = fields.Char("Missing Data", compute="_compute_ccm_completeness", store=True)
    ccm_duplicate_suspect = fields.Boolean(
        "Possible Duplicate",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Another customer has the same e-mail, VAT number or phone number. Set by the "
        "customer value refresh.",
    )

    @api.depends(
        "customer_need_ids.importance",
        "customer_need_ids.category_id",
        "customer_need_ids.create_date",
    )
    def _compute_dominant_need_category_id(self):
        needs = (
            self.env["crm.customer.need"]
            .sudo()
            .search_fetch(
                [("commercial_partner_id", "in", self.ids)],
                ["commercial_partner_id", "category_id", "importance"],
                order="importance desc, id desc",
            )
        )
        dominant = {}
        for need in needs:
            dominant.setdefault(need.commercial_partner_id.id, need.category_id)
        for partner in self:
            partner.dominant_need_category_id = dominant.get(partner.id, False)

    def _ccm_completeness_items(self):
        """(label, predicate over a partner) of the key data of a customer; extend to add."""
        groups = (
            self.env["crm.customer.need"]
            .sudo()
            ._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
            )
        )
        with_needs = {partner.id for (partner,) in groups}
        return [
            (self.env._("Contact person"), lambda p: not p.is_company or bool(p.child_ids)),
            (self.env._("E-mail"), lambda p: bool(p.email)),
            (self.env._("Phone"), lambda p: bool(p.phone or p.mobile)),
            (self.env._("Country"), lambda p: bool(p.country_id)),
            (self.env._("Industry"), lambda p: bool(p.commercial_partner_id.industry_id)),
            (self.env._("VAT"), lambda p: bool(p.commercial_partner_id.vat)),
            (self.env._("Needs"), lambda p: p.commercial_partner_id.id in with_needs),
        ]

    @api.depends(
        "email",
        "phone",
        "mobile",
        "country_id",
        "industry_id",
        "vat",
        "is_company",
        "child_ids",
        "customer_need_ids",
    )
    def _compute_ccm_completeness(self):
        items = self._ccm_completeness_items()
        filled = pd.DataFrame({label: [check(p) for p in self] for label, check in items})
        scores, missing = completeness(filled)
        for partner, score, miss in zip(self, scores, missing, strict=True):
            partner.ccm_completeness = score
            partner.ccm_missing_data = miss or False

    def _ccm_duplicate_keys_sql(self, partner_ids=None):
        """(id, key) rows: normalised e-mail, VAT and phone (last 9 digits) of the active
        commercial partners, optionally restricted to ``partner_ids``."""
        where = SQL("p.active AND p.id = p.commercial_partner_id")
        if partner_ids is not None:
            where = SQL("%s AND p.id = ANY(%s)", where, partner_ids)
        return SQL(
            """
            SELECT p.id, 'e:' || LOWER(TRIM(p.email)) AS k FROM res_partner p
             WHERE %(where)s AND COALESCE(TRIM(p.email), '') <> ''
            UNION ALL
            SELECT p.id, 'v:' || UPPER(REGEXP_REPLACE(p.vat, '[^0-9A-Za-z]', '', 'g'))
              FROM res_partner p
             WHERE %(where)s AND LENGTH(REGEXP_REPLACE(COALESCE(p.vat, ''), '[^0-9A-Za-z]', '',
                   'g')) >= 5
            UNION ALL
            SELECT p.id, 'p:' || RIGHT(REGEXP_REPLACE(ph, '[^0-9]', '', 'g'), 9)
              FROM res_partner p, UNNEST(ARRAY[p.phone, p.mobile]) AS ph
             WHERE %(where)s AND LENGTH(REGEXP_REPLACE(COALESCE(ph, ''), '[^0-9]', '', 'g')) >= 7
        """,
            where=where,
        )

    def _ccm_find_duplicates(self):
        """Commercial partners sharing a key with this one (itself included), among those
        the user may read: the partners of companies he has no access to stay unknown."""
        self.ensure_one()
        partner = self.commercial_partner_id
        self.env.cr.execute(
            SQL(
                """
            WITH mine AS (%s), theirs AS (%s)
            SELECT DISTINCT theirs.id FROM theirs JOIN mine USING (k)
        """,
                self._ccm_duplicate_keys_sql([partner.id]),
                self._ccm_duplicate_keys_sql(),
            )
        )
        candidate_ids = [row[0] for row in self.env.cr.fetchall()]
        return self.search([("id", "in", candidate_ids)]) | partner

    def action_ccm_merge_duplicates(self):
        """Open Odoo's own merge wizard on this customer and its suspected duplicates."""
        self.ensure_one()
        self._ccm_check_user_access()
        self.env["res.partner"].flush_model()
        partners = self._ccm_find_duplicates()
        if len(partners) < 2:
            raise UserError(
                self.env._("No other customer shares this e-mail, VAT or phone number.")
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "base.partner.merge.automatic.wizard",
            "views": [[False, "form"]],
            "target": "new",
            "context": {"active_model": "res.partner", "active_ids": partners.ids},
        }

    @api.model
    def _ccm_duplicate_suspects_sql(self):
        return SQL(
            """
            WITH keys AS (%s),
            dup AS (SELECT k FROM keys GROUP BY k HAVING MIN(id) <> MAX(id))
            SELECT ARRAY_AGG(DISTINCT keys.id) FROM keys JOIN dup USING (k)
            """,
            self._ccm_duplicate_keys_sql(),
        )

    def _ccm_scan_duplicates_aside(self):
        """The duplicate scan started on its own connection, so that it runs while this one
        scores the customers (pure Python, one core): a future of the suspects' ids, or None
        (the scan then runs on this cursor, at the end of the value refresh)."""
        return run_aside(self.env, self._ccm_duplicate_suspects_sql())

    @api.model
    def _ccm_refresh_duplicate_suspects(self, suspects=None):
        """Flag commercial partners that share an e-mail, a VAT number or a phone number
        (last 9 digits) with another one: the ``suspects`` scanned aside, or scanned here."""
        cr = self.env.cr
        if suspects is None:
            self.flush_model()
            cr.execute(self._ccm_duplicate_suspects_sql())
            suspects = cr.fetchone()[0] or []
        cr.execute(
            SQL(
                """UPDATE res_partner SET ccm_duplicate_suspect = (id = ANY(%s))
                WHERE ccm_duplicate_suspect IS DISTINCT FROM (id = ANY(%s))""",
                suspects,
                suspects,
            )
        )
        self.invalidate_model(["ccm_duplicate_suspect"])
        return suspects
