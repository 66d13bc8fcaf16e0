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
            target = (
                segment._target_sql()
                if segment.active
                else SQL("SELECT NULL::int4 AS partner_id WHERE false")
            )
            cr.execute(
                SQL(
                    """
                WITH target AS (%(target)s),
                gone AS (
                    DELETE FROM crm_customer_segment_member_rel r
                     WHERE r.segment_id = %(segment)s
                       AND NOT EXISTS (SELECT 1 FROM target t WHERE t.partner_id = r.partner_id)
                 RETURNING r.partner_id
                ),
                added AS (
                    INSERT INTO crm_customer_segment_member_rel (segment_id, partner_id)
                    SELECT %(segment)s, t.partner_id FROM target t
                     WHERE t.partner_id IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM crm_customer_segment_member_rel r
                                        WHERE r.segment_id = %(segment)s
                                          AND r.partner_id = t.partner_id)
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
                    segment=segment.id,
                    company=segment.company_id.id,
                    today=today,
                )
            )
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

    @api.model
    def _refresh_company(self, company):
        """The nightly work of ``company`` after its values: clusters, then segments."""
        self.env["crm.customer.cluster"]._run(company)
        segments = self.with_context(active_test=False).search([("company_id", "=", company.id)])
        return segments._refresh_members()
