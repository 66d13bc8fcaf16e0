import pandas as pd

from odoo import models

from ..analytics import kpi, lifecycle
from ..tools.sql import partner_filter, without_jit


class CrmCustomerLifecycle(models.AbstractModel):
    """Gathering of the lifecycle service: one row per customer with the inputs of
    ``analytics.lifecycle.evaluate``, from a handful of set-based queries (hook methods
    ``_sql_*`` that other modules can extend)."""

    _inherit = "crm.customer.lifecycle"

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
            # stage keys in their order: the SQL ranks by position, returns the key
            "active_stages": list(lifecycle.ACTIVE_STAGES),
            "prospect_stages": list(lifecycle.PROSPECT_STAGES),
        }

    def _gather(self, company, today, partner_ids):
        """One row per customer: the inputs of ``analytics.lifecycle.evaluate``."""
        params = self._gather_params(company, today, partner_ids)
        # compiling these reads of whole tables (JIT) costs more than it saves
        with without_jit(self.env.cr):
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
        keys = ("first_purchase", "stage", "lead_stage")
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
            "floor_stage": None,
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
            "lead_stage": None,
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
        for col in ("purchase_days", "best_streak", "open_complaints"):
            frame[col] = pd.to_numeric(frame[col]).fillna(0)
        frame["churn_probability"] = pd.to_numeric(frame["churn_probability"]).astype(float)
        frame["profile_known"] = frame["profile_known"].fillna(0).astype(bool)
        frame["last_answer_negative"] = frame["last_answer_negative"].fillna(0).astype(bool)
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
        return f"""
            WITH days AS (
                SELECT p.commercial_partner_id AS partner_id,
                       (so.date_order AT TIME ZONE 'UTC')::date AS day
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.company_id = %(company_id)s
                   AND {partner_filter("p.commercial_partner_id")}
                 UNION
                SELECT m.commercial_partner_id, m.invoice_date
                  FROM account_move m
                 WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
                   AND m.company_id = %(company_id)s
                   AND {partner_filter("m.commercial_partner_id")}
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
        """  # noqa: S608 - constant fragments

    def _sql_history(self):
        """The customer's current stage, when and from where it came, the date of the last
        manual move, and the highest active stage it ever reached (``floor_stage``)."""
        return f"""
            WITH h AS (
                SELECT * FROM crm_customer_lifecycle_history
                 WHERE company_id = %(company_id)s
                   AND {partner_filter("partner_id")}
            ), last AS (
                SELECT DISTINCT ON (partner_id) partner_id, stage_to AS stage,
                       date AS stage_date, stage_from AS prev_stage,
                       CASE WHEN trigger = 'manual' THEN date END AS manual_date
                  FROM h ORDER BY partner_id, date DESC, id DESC
            )
            SELECT last.*,
                   (%(active_stages)s::varchar[])[f.floor_position] AS floor_stage
              FROM last
              JOIN (SELECT partner_id,
                           MAX(array_position(%(active_stages)s::varchar[], stage_to::varchar))
                               AS floor_position
                      FROM h GROUP BY partner_id) f ON f.partner_id = last.partner_id
        """  # noqa: S608 - constant fragments

    def _sql_leads(self):
        return f"""
            SELECT p.commercial_partner_id AS partner_id,
                   (%(prospect_stages)s::varchar[])[
                       MAX(array_position(%(prospect_stages)s::varchar[],
                                          l.lifecycle_stage::varchar))] AS lead_stage
              FROM crm_lead l
              JOIN res_partner p ON p.id = l.partner_id
             WHERE l.active AND COALESCE(l.probability, 0) < 100
               AND (l.company_id = %(company_id)s OR l.company_id IS NULL)
               AND {partner_filter("p.commercial_partner_id")}
             GROUP BY p.commercial_partner_id
        """  # noqa: S608 - constant fragments

    def _sql_profile(self):
        """Predicted churn and whether the profile is known (needs + completeness). The
        churn score is the one the company chose (``crm.customer.churn.model``), else
        BG/NBD's; a negative text since the last order counts as certain churn."""
        return f"""
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
               AND {partner_filter("v.partner_id")}
        """  # noqa: S608 - constant fragments

    def _sql_answers(self):
        """The customer's last satisfaction answer in the company (the KPIs' source: the
        addon's NPS 0-10 and CSAT 1-5 surveys and the complaints' ratings)."""
        answers = self.env["crm.customer.kpi"]._satisfaction_answers_sql()
        return f"""
            SELECT DISTINCT ON (a.partner_id) a.partner_id, a.date AS last_answer_date,
                   (CASE a.kind WHEN 'nps' THEN a.score <= %(nps_detractor_max)s
                         ELSE a.score < %(csat_satisfied_min)s END)::int
                       AS last_answer_negative
              FROM ({answers}) a
             WHERE a.company_id = %(company_id)s
               AND {partner_filter("a.partner_id")}
             ORDER BY a.partner_id, a.date DESC, a.answer_id DESC NULLS LAST
        """  # noqa: S608 - constant fragments

    def _sql_complaints(self):
        """Open complaints per customer."""
        return f"""
            SELECT commercial_partner_id AS partner_id, COUNT(*) AS open_complaints
              FROM crm_complaint
             WHERE NOT COALESCE(is_closed, FALSE) AND company_id = %(company_id)s
               AND intake_state = 'qualified'
               AND {partner_filter("commercial_partner_id")}
             GROUP BY commercial_partner_id
        """  # noqa: S608 - constant fragments
