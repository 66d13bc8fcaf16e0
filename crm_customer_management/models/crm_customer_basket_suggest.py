import logging
import time

import pandas as pd

from odoo import fields, models
from odoo.tools import SQL

from ..analytics import basket
from ..tools.sql import copy_float8, decode_float8

_logger = logging.getLogger(__name__)

# the sort key of a catalogue offer: it outranks every mined suggestion
OFFER_SCORE = 1e15
LOAD_COLUMNS = [
    "partner_id",
    "product_id",
    "source",
    "offer_id",
    "rule_id",
    "rank",
    "score",
    "lift",
    "confidence",
    "expected_margin",
    "fit",
]


class CrmCustomerBasket(models.AbstractModel):
    """Next best offers: for every customer (or a few), the eligible catalogue offers
    first, then the products he does not buy whose rule antecedents he does, ranked by
    lift x expected margin x fit with his needs and tier (``analytics.basket``); written by
    one COPY and one upsert, the suggestions no longer made archived."""

    _inherit = "crm.customer.basket"

    def _suggest(self, company, partner_ids=None, lines=None):
        """Suggest to ``partner_ids`` (commercial partner ids), or to every customer
        (``lines``: the window's lines when the caller has gathered them)."""
        started = time.perf_counter()
        if partner_ids is not None:
            partner_ids = sorted(set(partner_ids))
            if not partner_ids:
                return 0
        if lines is None:
            lines = self._gather_lines(company, partner_ids)
        holdings = lines[["partner_id", "product_id"]].drop_duplicates()
        rules = self._read_rules(company, holdings["product_id"].unique().tolist())
        state = company.sudo().ccm_basket_state or {}
        margin = pd.Series({int(k): v for k, v in (state.get("margin") or {}).items()})
        affinity = pd.DataFrame(state.get("affinity") or [], columns=["tier", "item", "affinity"])
        tiers = self._tiers(company, partner_ids)
        customer_needs, item_needs = self._needs(company, partner_ids)

        def fit(cand):
            return basket.need_tier_fit(cand, customer_needs, item_needs, tiers, affinity)

        top_n = company.ccm_offer_count
        mined = basket.next_best_offers(rules, holdings, margin, fit=fit, top_n=top_n)
        mined = mined.rename(columns={"customer": "partner_id", "item": "product_id"})
        mined = mined.assign(
            source="rule", offer_id=None, rule_id=mined["rule"], key=mined["score"]
        )
        offers = self._eligible_offers(company, partner_ids)
        if len(offers):
            offers = offers.assign(
                margin=offers["product_id"].map(margin).fillna(0.0),
            )
            offers = offers.assign(
                source="offer",
                rule_id=None,
                key=OFFER_SCORE - offers["sequence"],
                score=None,
                lift=None,
                confidence=None,
                expected_margin=offers["margin"],
                fit=1.0,
            )
        both = (
            pd.concat([f for f in (offers, mined) if len(f)], ignore_index=True)
            if (len(offers) or len(mined))
            else pd.DataFrame(columns=LOAD_COLUMNS)
        )
        if len(both):
            both = both.sort_values(
                ["partner_id", "key", "product_id"], ascending=[True, False, True]
            ).drop_duplicates(["partner_id", "product_id"])
            both["rank"] = both.groupby("partner_id").cumcount() + 1
            both = both[both["rank"] <= top_n]
        suggested = time.perf_counter()
        self._write_suggestions(company, both, partner_ids)
        _logger.info(
            "Next best offers of %s: %d customers, %d suggestions; compute %.2fs, write %.2fs",
            company.name,
            holdings["partner_id"].nunique(),
            len(both),
            suggested - started,
            time.perf_counter() - suggested,
        )
        return len(both)

    def _read_rules(self, company, product_ids):
        """The company's rules whose antecedent starts with one of ``product_ids``, as the
        core's rule frame indexed by rule id."""
        self.env["crm.customer.product.rule"].flush_model()
        self.env.cr.execute(
            """SELECT id, antecedent_product_id, antecedent_product2_id, product_id, support,
                      confidence, lift
                 FROM crm_customer_product_rule
                WHERE company_id = %s AND antecedent_product_id = ANY(%s)""",
            [company.id, product_ids],
        )
        rows = self.env.cr.fetchall()
        return pd.DataFrame(
            {
                "antecedent": [(a,) if b is None else (a, b) for _, a, b, *_ in rows],
                "consequent": [(r[3],) for r in rows],
                "support": [r[4] for r in rows],
                "confidence": [r[5] for r in rows],
                "lift": [r[6] for r in rows],
            },
            index=pd.Index([r[0] for r in rows], dtype="int64"),
        )

    def _needs(self, company, partner_ids):
        """(customer needs (customer, need), product needs (item, need)) DataFrames."""
        cr = self.env.cr
        self.env["crm.customer.need"].flush_model()
        cr.execute(
            """SELECT DISTINCT commercial_partner_id, category_id FROM crm_customer_need
                WHERE (company_id = %s OR company_id IS NULL)
                  AND commercial_partner_id IS NOT NULL AND category_id IS NOT NULL
                  AND (%s OR commercial_partner_id = ANY(%s))""",
            [company.id, partner_ids is None, partner_ids or []],
        )
        customer_needs = pd.DataFrame(cr.fetchall(), columns=["customer", "need"])
        cr.execute(
            """SELECT pp.id, r.category_id FROM product_template_ccm_need_category_rel r
                 JOIN product_product pp ON pp.product_tmpl_id = r.product_template_id"""
        )
        item_needs = pd.DataFrame(cr.fetchall(), columns=["item", "need"])
        return customer_needs, item_needs

    def _eligible_offers(self, company, partner_ids):
        """DataFrame (partner_id, product_id, offer_id, sequence) of the valid catalogue
        offers each customer (a value profile of the company) is eligible for."""
        today = fields.Date.context_today(self)
        offers = (
            self.env["crm.customer.offer"]
            .sudo()
            .search([("company_id", "=", company.id)])
            ._valid_on(today)
        )
        frames = []
        cr = self.env.cr
        for offer in offers:
            cr.execute(
                """
                SELECT v.partner_id FROM crm_customer_value v
                 WHERE v.company_id = %(company)s
                   AND (%(all)s OR v.partner_id = ANY(%(partners)s))
                   AND (%(no_tiers)s OR v.value_tier = ANY(%(tiers)s))
                   AND (%(no_segments)s OR EXISTS (
                        SELECT 1 FROM crm_customer_segment_member_rel r
                         WHERE r.partner_id = v.partner_id AND r.segment_id = ANY(%(segments)s)))
                   AND (%(no_needs)s OR EXISTS (
                        SELECT 1 FROM crm_customer_need n
                         WHERE n.commercial_partner_id = v.partner_id
                           AND n.category_id = ANY(%(needs)s)))
                """,
                {
                    "company": company.id,
                    "all": partner_ids is None,
                    "partners": partner_ids or [],
                    "no_tiers": not offer.tier_ids,
                    "tiers": offer.tier_ids.mapped("code"),
                    "no_segments": not offer.segment_ids,
                    "segments": offer.segment_ids.ids,
                    "no_needs": not offer.need_category_ids,
                    "needs": offer.need_category_ids.ids,
                },
            )
            ids = [r[0] for r in cr.fetchall()]
            if ids:
                frames.append(
                    pd.DataFrame(
                        {
                            "partner_id": ids,
                            "product_id": offer.product_id.id,
                            "offer_id": offer.id,
                            "sequence": offer.sequence,
                        }
                    )
                )
        if not frames:
            return pd.DataFrame(columns=["partner_id", "product_id", "offer_id", "sequence"])
        return pd.concat(frames, ignore_index=True)

    def _write_suggestions(self, company, frame, partner_ids):
        cr = self.env.cr
        Suggestion = self.env["crm.customer.offer.suggestion"]
        Suggestion.flush_model()
        out = frame[LOAD_COLUMNS].copy()
        for col in ("score", "lift", "confidence", "expected_margin", "fit"):
            out[col] = out[col].astype(float).round(6)
        for col in ("offer_id", "rule_id"):
            out[col] = out[col].astype("Int64")
        load = self._load_suggestions(out, small=partner_ids is not None and len(out) <= 1000)
        params = {
            "company": company.id,
            "today": fields.Date.context_today(self),
            "uid": self.env.uid,
            "all": partner_ids is None,
            "partners": partner_ids or [],
        }
        # the suggestions made again: rewritten only when they changed (most of them stay
        # as they were, night after night)
        cr.execute(
            f"""
            UPDATE crm_customer_offer_suggestion s
               SET user_id = p.user_id, source = l.source, offer_id = l.offer_id,
                   rule_id = l.rule_id, active = TRUE, rank = l.rank, score = l.score,
                   lift = l.lift, confidence = l.confidence,
                   expected_margin = l.expected_margin, fit = l.fit, date_last = NULL,
                   write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
              FROM {load} l
              JOIN res_partner p ON p.id = l.partner_id
             WHERE s.company_id = %(company)s AND s.partner_id = l.partner_id
               AND s.product_id = l.product_id
               AND (s.user_id, s.source, s.offer_id, s.rule_id, s.active, s.rank, s.score,
                    s.lift, s.confidence, s.expected_margin, s.fit)
                   IS DISTINCT FROM
                   (p.user_id, l.source, l.offer_id, l.rule_id, TRUE, l.rank, l.score, l.lift,
                    l.confidence, l.expected_margin, l.fit)
            """,
            params,
        )
        # the new ones; the existing keys read once (an anti-join against the table being
        # written could be planned as a nested loop over its new rows)
        cr.execute(
            f"""
            WITH existing AS MATERIALIZED (
                SELECT partner_id, product_id FROM crm_customer_offer_suggestion
                 WHERE company_id = %(company)s AND (%(all)s OR partner_id = ANY(%(partners)s))
            )
            INSERT INTO crm_customer_offer_suggestion
                   (company_id, partner_id, user_id, product_id, source, offer_id, rule_id,
                    active, rank, score, lift, confidence, expected_margin, fit, date_first,
                    date_last, create_uid, create_date, write_uid, write_date)
            SELECT %(company)s, l.partner_id, p.user_id, l.product_id, l.source, l.offer_id,
                   l.rule_id, TRUE, l.rank, l.score, l.lift, l.confidence, l.expected_margin,
                   l.fit, %(today)s, NULL, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s,
                   NOW() AT TIME ZONE 'UTC'
              FROM {load} l
              JOIN res_partner p ON p.id = l.partner_id
             WHERE NOT EXISTS (SELECT 1 FROM existing e
                                WHERE e.partner_id = l.partner_id
                                  AND e.product_id = l.product_id)
            ON CONFLICT (company_id, partner_id, product_id) DO NOTHING
            """,
            params,
        )
        cr.execute(
            f"""
            UPDATE crm_customer_offer_suggestion s
               SET active = FALSE, date_last = %(today)s, write_uid = %(uid)s,
                   write_date = NOW() AT TIME ZONE 'UTC'
             WHERE s.company_id = %(company)s AND s.active
               AND (%(all)s OR s.partner_id = ANY(%(partners)s))
               AND NOT EXISTS (SELECT 1 FROM {load} l
                                WHERE l.partner_id = s.partner_id
                                  AND l.product_id = s.product_id)
            """,
            params,
        )
        Suggestion.invalidate_model()

    def _load_suggestions(self, out, small):
        """SQL of the suggestions to write (``LOAD_COLUMNS``): a few inline (one customer:
        no temporary table), else a temporary table loaded by one COPY, indexed and
        analysed (the archiving is an anti-join on it)."""
        cr = self.env.cr
        types = "int, int, varchar, int, int, int, float8, float8, float8, float8, float8"
        if small:
            template = "(" + ", ".join(f"%s::{t}" for t in types.split(", ")) + ")"
            rows = [
                cr.mogrify(template, [_plain(v) for v in row]).decode()
                for row in out.itertuples(index=False)
            ]
            if not rows:
                rows = ["(" + ", ".join(f"NULL::{t}" for t in types.split(", ")) + ")"]
                where = " WHERE FALSE"
            else:
                where = ""
            return (
                f"(SELECT * FROM (VALUES {', '.join(rows)}) AS v({', '.join(LOAD_COLUMNS)}){where})"
            )
        cr.execute(
            """CREATE TEMP TABLE IF NOT EXISTS ccm_offer_load (
                   partner_id int, product_id int, source varchar, offer_id int, rule_id int,
                   rank int, score float8, lift float8, confidence float8,
                   expected_margin float8, fit float8) ON COMMIT DROP;
               TRUNCATE ccm_offer_load"""
        )
        if len(out):
            # one binary COPY built by numpy (no text formatting of the floats), typed here
            frame = out.reset_index(drop=True).rename_axis("line")
            raw, labels = copy_float8(cr, "ccm_offer_raw", frame, text_columns=("source",))
            integers = ("partner_id", "product_id", "offer_id", "rule_id", "rank")
            columns = ", ".join(
                decode_float8(col, text_columns=("source",), integer_columns=integers)
                for col in LOAD_COLUMNS
            )
            cr.execute(
                SQL(
                    f"INSERT INTO ccm_offer_load ({', '.join(LOAD_COLUMNS)})"  # noqa: S608
                    f" SELECT {columns} FROM {raw} l",
                    **labels,
                )
            )
        cr.execute(
            "CREATE INDEX IF NOT EXISTS ccm_offer_load_key"
            " ON ccm_offer_load (partner_id, product_id); ANALYZE ccm_offer_load"
        )
        return "ccm_offer_load"


def _plain(value):
    """A value of a frame row as the driver adapts it (None for a missing one)."""
    if value is None or pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value
