import logging
import time

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class CrmCustomerSegment(models.Model):
    """The refresh service of the segments: each segment's rule compiled by the ORM into
    SQL, and its members rewritten by one statement (who left deleted, who entered
    inserted, both recorded in the history), never a loop over customers."""

    _inherit = "crm.customer.segment"

    def _target_sql(self):
        """SQL of the commercial partner ids that belong to the segment now: the value
        profiles of its company matching the rule (the top share by net value when set),
        plus the manual list."""
        self.ensure_one()
        parts = []
        rule = self._rule()
        if rule is not None:
            Value = self.env["crm.customer.value"].sudo().with_company(self.company_id)
            query = Value._search(rule + [("company_id", "=", self.company_id.id)])
            if self.top_percent:
                parts.append(
                    SQL(
                        """SELECT partner_id FROM (
                               SELECT v.partner_id,
                                      ROW_NUMBER() OVER (ORDER BY v.net_value DESC NULLS LAST,
                                                         v.partner_id) AS n,
                                      COUNT(*) OVER () AS total
                                 FROM crm_customer_value v
                                WHERE v.id IN (%s)) ranked
                            WHERE n <= CEIL(total * %s / 100.0)""",
                        query.select(SQL.identifier(query.table, "id")),
                        self.top_percent,
                    )
                )
            else:
                parts.append(query.select(SQL.identifier(query.table, "partner_id")))
        parts.append(
            SQL(
                """SELECT p.commercial_partner_id AS partner_id
                     FROM crm_customer_segment_manual_rel m
                     JOIN res_partner p ON p.id = m.partner_id
                    WHERE m.segment_id = %s""",
                self.id,
            )
        )
        return SQL(" UNION ").join(parts)

    def _refresh_members(self):
        """Rewrite the members of these segments (archived ones lose all members): one
        statement per segment, which deletes the leavers, inserts the newcomers and
        records both in the history with the customer's net value (one row per change,
        the customers in an array). Returns {segment id: (entered, left)}."""
        self.env.flush_all()
        cr = self.env.cr
        today = fields.Date.context_today(self)
        result = {}
        started = time.perf_counter()
        for segment in self:
            cr.execute(segment._members_statement(today))
            result[segment.id] = cr.fetchone()
        if self:
            cr.execute(
                SQL(
                    """
                UPDATE crm_customer_segment s
                   SET member_count_previous = s.member_count,
                       member_count = (SELECT COUNT(*) FROM crm_customer_segment_member_rel r
                                        WHERE r.segment_id = s.id),
                       refreshed_at = NOW() AT TIME ZONE 'UTC'
                 WHERE s.id = ANY(%s)
                """,
                    self.ids,
                )
            )
            self.invalidate_recordset(["member_count", "member_count_previous", "refreshed_at"])
            self.env["res.partner"].invalidate_model(["ccm_segment_ids"])
            self.invalidate_recordset(["partner_ids"])
            self.env["crm.customer.segment.history"].invalidate_model()
            _logger.info(
                "Customer segments: %d refreshed in %.2f s",
                len(self),
                time.perf_counter() - started,
            )
        return result

    def _members_statement(self, today):
        """The statement that rewrites the segment's members as of ``today`` and returns
        (entered, left). Its plan holds whatever the statistics know of the segment: the
        changes are found by a full join (hashed or merged, never a loop over one side for
        each row of the other) and the leavers deleted by their row addresses."""
        self.ensure_one()
        target = (
            self._target_sql()
            if self.active
            else SQL("SELECT NULL::int4 AS partner_id WHERE false")
        )
        return SQL(
            """
            WITH target AS (%(target)s),
            -- who enters and who leaves: one full join of the target and the members
            -- (anti-joins were planned as a loop over one side for each row of the
            -- other when the statistics did not know the segment yet: minutes for
            -- 100,000 members)
            diff AS MATERIALIZED (
                SELECT COALESCE(t.partner_id, r.partner_id) AS partner_id,
                       t.partner_id IS NOT NULL AS entering, r.ctid AS member
                  FROM (SELECT partner_id FROM target WHERE partner_id IS NOT NULL) t
                  FULL JOIN (SELECT partner_id, ctid FROM crm_customer_segment_member_rel
                              WHERE segment_id = %(segment)s) r
                       ON r.partner_id = t.partner_id
                 WHERE t.partner_id IS NULL OR r.partner_id IS NULL
            ),
            gone AS (
                -- the leavers' rows read by the join, deleted where they are (looked
                -- up by customer, they were planned likewise)
                DELETE FROM crm_customer_segment_member_rel r
                 WHERE r.ctid = ANY(ARRAY(SELECT member FROM diff WHERE NOT entering))
             RETURNING r.partner_id
            ),
            added AS (
                INSERT INTO crm_customer_segment_member_rel (segment_id, partner_id)
                SELECT %(segment)s, d.partner_id FROM diff d WHERE d.entering
                ON CONFLICT DO NOTHING
             RETURNING partner_id
            ),
            changes AS (
                SELECT partner_id, 'entered' AS change FROM added
                 UNION ALL
                SELECT partner_id, 'left' FROM gone
            ),
            logged AS (
                INSERT INTO crm_customer_segment_change
                       (segment_id, company_id, date, change, partner_ids, net_values)
                SELECT %(segment)s, %(company)s, %(today)s, c.change,
                       ARRAY_AGG(c.partner_id ORDER BY c.partner_id),
                       ARRAY_AGG(v.net_value ORDER BY c.partner_id)
                  FROM changes c
                  LEFT JOIN crm_customer_value v ON v.partner_id = c.partner_id
                       AND v.company_id = %(company)s
                 GROUP BY c.change
                 ORDER BY c.change
             RETURNING change, CARDINALITY(partner_ids) AS n
            )
            SELECT COALESCE(SUM(n) FILTER (WHERE change = 'entered'), 0),
                   COALESCE(SUM(n) FILTER (WHERE change = 'left'), 0)
              FROM logged
            """,
            target=target,
            segment=self.id,
            company=self.company_id.id,
            today=today,
        )

    @api.model
    def _refresh_company(self, company):
        """The nightly work of ``company`` after its values: clusters, then segments."""
        self.env["crm.customer.cluster"]._run(company)
        segments = self.with_context(active_test=False).search([("company_id", "=", company.id)])
        return segments._refresh_members()
