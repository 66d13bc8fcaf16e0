import logging
import threading
import time
from datetime import timedelta

import numpy as np

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..analytics import kpi, text
from ..tools.cron import run_per_company

_logger = logging.getLogger(__name__)

# trained sentiment models of this process: {(database, company id, run id): model}; a
# model is rebuilt from the labelled texts when absent (another worker, a restart)
_MODELS = {}
_MODELS_LOCK = threading.Lock()
# a negative text older than this does not move the customer any more
ACT_DAYS = 30
# days of documents the collection after a commit looks at (the nightly run: all)
RECENT_DAYS = 2
# months of complaint texts the themes are extracted for
THEME_MONTHS = 12
# the stages a negative text moves a customer to (through the lifecycle rules)
RISK_STAGES = ("at_risk", "dissatisfied")
# the SQL that turns a stored HTML body into plain text
PLAIN = "btrim(regexp_replace(regexp_replace({}, '<[^>]*>', ' ', 'g'), '&nbsp;', ' ', 'g'))"


class CrmCustomerSentiment(models.AbstractModel):
    """The text-mining service: collects what customers write (complaints, their messages
    on complaints, satisfaction survey comments) set-based into ``crm.customer.text``,
    trains the company's sentiment model on the survey comments their score labels
    (``analytics.text``; the lexicon below the minimum), scores the texts in bulk, extracts
    the monthly themes of the complaint texts, and puts the customers who wrote a negative
    text at risk (the text as the reason) with a recovery activity. Nightly in full, and
    right after each commit that brought new texts for those only."""

    _name = "crm.customer.sentiment"
    _description = "Customer Text Mining Service"

    @api.model
    def _check_manager(self):
        if not self.env.user.has_group("crm_customer_management.group_manager"):
            raise AccessError(
                self.env._("Only Customer Management managers can train the sentiment model.")
            )

    @api.model
    def _cron_mine_all(self):
        return run_per_company(
            self,
            self._mine,
            self.env["res.company"].search([("active", "=", True)]),
            ("ccm_text_cron_at", "ccm_text_cron_error"),
        )

    @api.model
    def _cron_process_new(self):
        """Triggered after the commits that bring new texts: collect and score them with the
        company's current model, act on the negative ones."""
        for company in self.env["res.company"].search([("active", "=", True)]):
            self._process_new(company)

    @api.model
    def _trigger_processing(self):
        """Have the new texts processed right after this transaction commits (one row in
        ``ir_cron_trigger``; nothing is read or scored in the user's transaction)."""
        cron = self.env.ref(
            "crm_customer_management.ir_cron_customer_text_process", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()

    # ------------------------------------------------------------------
    # Runs
    # ------------------------------------------------------------------

    @api.model
    def _mine(self, company):
        """Nightly: collect, retrain, rescore every text, themes, act. Returns the run."""
        started = time.perf_counter()
        self._collect(company)
        run = self._train(company)
        run.text_count = self._score(company, run, only_new=False)
        self._build_themes(company)
        self._act_on_negatives(company)
        run.seconds = time.perf_counter() - started
        return run

    @api.model
    def _process_new(self, company):
        """Collect and score ``company``'s new texts, act on the negative ones. Returns the
        number of texts scored."""
        # the documents of the last days (a failed run is caught up the next night)
        self._collect(company, fields.Datetime.now() - timedelta(days=RECENT_DAYS))
        run = company.ccm_sentiment_model_id
        scored = self._score(company, run, only_new=True)
        if scored:
            self._act_on_negatives(company)
        return scored

    # ------------------------------------------------------------------
    # Collection
    # ------------------------------------------------------------------

    def _collect(self, company, since=None):
        """Insert the texts not collected yet (one statement per source), among the
        documents written since ``since`` (all when None). Returns the number of new
        texts."""
        self.env.flush_all()
        params = {
            "company_id": company.id,
            "since": since,
            "uid": self.env.uid,
            "nps_promoter": kpi.NPS_PROMOTER_MIN,
            "nps_detractor": kpi.NPS_DETRACTOR_MAX,
            "csat_satisfied": kpi.CSAT_SATISFIED_MIN,
        }
        count = 0
        for query in (self._sql_complaints(), self._sql_messages(), self._sql_surveys()):
            self.env.cr.execute(
                f"""
                INSERT INTO crm_customer_text
                       (company_id, partner_id, user_id, source, res_id, complaint_id,
                        category_id, root_cause_id, date, period, body, label,
                        create_uid, create_date, write_uid, write_date)
                SELECT s.company_id, s.partner_id, p.user_id, s.source, s.res_id,
                       s.complaint_id, s.category_id, s.root_cause_id, s.date,
                       date_trunc('month', s.date)::date, s.body, s.label,
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM ({query}) s
                  JOIN res_partner p ON p.id = s.partner_id
                 WHERE s.body <> ''
                ON CONFLICT (company_id, source, res_id) DO NOTHING
                """,  # noqa: S608 - the queries are this model's constants
                params,
            )
            count += self.env.cr.rowcount
        # the complaint's category and root cause may have been set since
        self.env.cr.execute(
            """
            UPDATE crm_customer_text t
               SET category_id = c.category_id, root_cause_id = c.root_cause_id
              FROM crm_complaint c
             WHERE t.complaint_id = c.id AND t.company_id = %s
               AND (t.category_id IS DISTINCT FROM c.category_id
                    OR t.root_cause_id IS DISTINCT FROM c.root_cause_id)
            """,
            [company.id],
        )
        self.env["crm.customer.text"].invalidate_model()
        return count

    # Each _sql_* hook selects company_id, partner_id (commercial), source, res_id,
    # complaint_id, category_id, root_cause_id, date, body and label of texts not collected
    # yet, with %(company_id)s and the score thresholds as placeholders.

    def _sql_complaints(self):
        return f"""
            SELECT c.company_id, c.commercial_partner_id AS partner_id,
                   'complaint' AS source, c.id AS res_id, c.id AS complaint_id,
                   c.category_id, c.root_cause_id, c.date_open AS date,
                   btrim(c.subject || ' ' || COALESCE({PLAIN.format("c.description")}, ''))
                       AS body,
                   NULL AS label
              FROM crm_complaint c
             WHERE c.company_id = %(company_id)s AND c.intake_state = 'qualified'
               AND c.commercial_partner_id IS NOT NULL
               AND (%(since)s IS NULL OR c.write_date >= %(since)s)
               AND NOT EXISTS (SELECT 1 FROM crm_customer_text t
                                WHERE t.company_id = c.company_id
                                  AND t.source = 'complaint' AND t.res_id = c.id)
        """  # noqa: S608 - constant SQL

    def _sql_messages(self):
        """What the customer (any contact of the complaint's customer) wrote on the
        complaint: e-mails and portal messages, not the staff's."""
        return f"""
            SELECT c.company_id, c.commercial_partner_id AS partner_id,
                   'complaint_message' AS source, m.id AS res_id, c.id AS complaint_id,
                   c.category_id, c.root_cause_id, m.date,
                   {PLAIN.format("m.body")} AS body, NULL AS label
              FROM mail_message m
              JOIN crm_complaint c ON c.id = m.res_id AND m.model = 'crm.complaint'
              JOIN res_partner a ON a.id = m.author_id
                   AND a.commercial_partner_id = c.commercial_partner_id
             WHERE c.company_id = %(company_id)s AND c.intake_state = 'qualified'
               AND m.message_type IN ('email', 'comment') AND m.body IS NOT NULL
               AND (%(since)s IS NULL OR m.create_date >= %(since)s)
               AND NOT EXISTS (SELECT 1 FROM crm_customer_text t
                                WHERE t.company_id = c.company_id
                                  AND t.source = 'complaint_message' AND t.res_id = m.id)
        """  # noqa: S608 - constant SQL

    def _sql_surveys(self):
        """Free-text answers of the satisfaction surveys, labelled by the score of the same
        answer (NPS promoter / detractor, CSAT satisfied / not; passives unlabelled). In
        the company of the complaint the survey followed, else in each company the
        customer has a value profile in."""
        return """
            WITH scored AS (
                SELECT DISTINCT ON (ui.id) ui.id AS user_input_id,
                       CASE WHEN s.ccm_satisfaction_kind = 'nps' THEN
                                CASE WHEN l.value_scale >= %(nps_promoter)s THEN 'positive'
                                     WHEN l.value_scale <= %(nps_detractor)s THEN 'negative'
                                END
                            ELSE CASE WHEN l.value_scale >= %(csat_satisfied)s THEN 'positive'
                                      ELSE 'negative' END
                       END AS label
                  FROM survey_user_input ui
                  JOIN survey_survey s ON s.id = ui.survey_id
                       AND s.ccm_satisfaction_kind IS NOT NULL
                  JOIN survey_user_input_line l ON l.user_input_id = ui.id
                       AND l.answer_type = 'scale' AND NOT COALESCE(l.skipped, FALSE)
                 WHERE ui.state = 'done'
                 ORDER BY ui.id, l.id
            )
            SELECT COALESCE(c.company_id, v.company_id) AS company_id,
                   p.commercial_partner_id AS partner_id, 'survey' AS source,
                   l.id AS res_id, c.id AS complaint_id, c.category_id, c.root_cause_id,
                   COALESCE(ui.end_datetime, ui.write_date) AS date,
                   btrim(COALESCE(l.value_text_box, l.value_char_box, '')) AS body,
                   sc.label
              FROM survey_user_input_line l
              JOIN survey_user_input ui ON ui.id = l.user_input_id AND ui.state = 'done'
              JOIN survey_survey s ON s.id = ui.survey_id AND s.ccm_satisfaction_kind IS NOT NULL
              JOIN res_partner p ON p.id = ui.partner_id
              LEFT JOIN scored sc ON sc.user_input_id = ui.id
              LEFT JOIN crm_complaint c ON c.survey_answer_id = ui.id
              LEFT JOIN crm_customer_value v ON c.id IS NULL
                   AND v.partner_id = p.commercial_partner_id
             WHERE l.answer_type IN ('text_box', 'char_box') AND NOT COALESCE(l.skipped, FALSE)
               AND (%(since)s IS NULL OR ui.write_date >= %(since)s)
               AND COALESCE(c.company_id, v.company_id) = %(company_id)s
               AND NOT EXISTS (SELECT 1 FROM crm_customer_text t
                                WHERE t.company_id = %(company_id)s
                                  AND t.source = 'survey' AND t.res_id = l.id)
        """

    # ------------------------------------------------------------------
    # Training and scoring
    # ------------------------------------------------------------------

    def _labelled(self, company):
        self.env.cr.execute(
            """SELECT body, label = 'positive' FROM crm_customer_text
                WHERE company_id = %s AND label IS NOT NULL
                ORDER BY date DESC, id DESC LIMIT %s""",
            [company.id, text.MAX_TRAIN],
        )
        rows = self.env.cr.fetchall()
        return [r[0] for r in rows], np.array([int(r[1]) for r in rows], dtype=int)

    def _train(self, company):
        """Train the company's model on its labelled texts (with its cross-validated
        accuracy), or fall back on the lexicon; record the run."""
        texts, labels = self._labelled(company)
        lexicon_accuracy = None
        if len(labels):
            guess = text.predict(None, texts) > 0
            lexicon_accuracy = float((guess == labels.astype(bool)).mean())
        values = {
            "company_id": company.id,
            "date": fields.Datetime.now(),
            "labelled_count": len(labels),
            "positive_count": int(labels.sum()),
            "lexicon_accuracy": lexicon_accuracy,
            "method": "lexicon",
        }
        model = None
        if text.can_train(labels):
            model, accuracy = text.train(texts, labels)
            values.update(method="model", accuracy=accuracy)
            values["note"] = self.env._(
                "Sentiment model trained on %(count)s labelled texts: %(accuracy)s %% "
                "cross-validated accuracy (lexicon: %(lexicon)s %%).",
                count=len(labels),
                accuracy=round(accuracy * 100, 1),
                lexicon=round((lexicon_accuracy or 0) * 100, 1),
            )
        else:
            values["note"] = self.env._(
                "%(count)s labelled texts (survey comments with a promoter or detractor, "
                "satisfied or unsatisfied score); a model needs %(needed)s with %(side)s of "
                "each side: the lexicon scores the texts meanwhile.",
                count=len(labels),
                needed=text.MIN_LABELLED,
                side=text.MIN_CLASS,
            )
        run = self.env["crm.customer.sentiment.model"].sudo().create(values)
        if model is not None:
            with _MODELS_LOCK:
                _MODELS[self.env.cr.dbname, company.id, run.id] = model
        company.sudo().ccm_sentiment_model_id = run
        return run

    def _model(self, company, run):
        """The trained model of ``run`` (rebuilt when this process has not got it), or None
        for the lexicon."""
        if not run or run.method != "model":
            return None
        key = (self.env.cr.dbname, company.id, run.id)
        model = _MODELS.get(key)
        if model is None:
            texts, labels = self._labelled(company)
            if not text.can_train(labels):
                return None
            model, _accuracy = text.train(texts, labels, folds=0)
            with _MODELS_LOCK:
                _MODELS[key] = model
        return model

    def _score(self, company, run, only_new):
        """Score the company's texts (only the unscored ones with ``only_new``), then
        the complaints' and profiles' sentiment. Returns the number of texts scored."""
        self.env["crm.customer.text"].flush_model()
        self.env.cr.execute(
            """SELECT id, body FROM crm_customer_text
                WHERE company_id = %s AND (NOT %s OR sentiment IS NULL) ORDER BY id""",
            [company.id, only_new],
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return 0
        ids = [r[0] for r in rows]
        model = self._model(company, run)
        scores = text.predict(model, [r[1] for r in rows])
        self.env.cr.execute(
            """
            UPDATE crm_customer_text t
               SET sentiment = u.sentiment, sentiment_score = u.score, sentiment_method = %s
              FROM unnest(%s::int[], %s::float8[], %s::varchar[]) AS u(id, score, sentiment)
             WHERE t.id = u.id
            """,
            [
                "model" if model is not None else "lexicon",
                ids,
                scores.round(4).tolist(),
                text.classify(scores).tolist(),
            ],
        )
        self._write_back(company, None if not only_new else ids)
        self.env["crm.customer.text"].invalidate_model()
        return len(ids)

    def _write_back(self, company, text_ids):
        """The sentiment of the complaints (their customer's last text on them) and of the
        value profiles (average over the last 90 days, the last text's sentiment) of these
        texts, or of all the company's."""
        params = {
            "company_id": company.id,
            "ids": text_ids,
            "all": text_ids is None,
            "since": fields.Datetime.now() - timedelta(days=90),
        }
        self.env["crm.complaint"].flush_model()
        self.env.cr.execute(
            """
            WITH touched AS (
                SELECT DISTINCT complaint_id FROM crm_customer_text
                 WHERE company_id = %(company_id)s AND complaint_id IS NOT NULL
                   AND source <> 'survey' AND (%(all)s OR id = ANY(%(ids)s))
            ), last AS (
                SELECT DISTINCT ON (t.complaint_id) t.complaint_id, t.sentiment,
                       t.sentiment_score
                  FROM crm_customer_text t JOIN touched USING (complaint_id)
                 WHERE t.source <> 'survey'
                 ORDER BY t.complaint_id, t.date DESC, t.id DESC
            )
            UPDATE crm_complaint c
               SET sentiment = last.sentiment, sentiment_score = last.sentiment_score
              FROM last WHERE c.id = last.complaint_id
            """,
            params,
        )
        self.env.cr.execute(
            """
            WITH touched AS (
                SELECT DISTINCT partner_id FROM crm_customer_text
                 WHERE company_id = %(company_id)s AND (%(all)s OR id = ANY(%(ids)s))
            ), agg AS (
                SELECT t.partner_id,
                       AVG(t.sentiment_score) FILTER (WHERE t.date >= %(since)s) AS score,
                       (ARRAY_AGG(t.sentiment ORDER BY t.date DESC, t.id DESC))[1] AS last,
                       MAX(t.date) AS last_date
                  FROM crm_customer_text t JOIN touched USING (partner_id)
                 WHERE t.company_id = %(company_id)s
                 GROUP BY t.partner_id
            )
            UPDATE crm_customer_value v
               SET sentiment_score = agg.score, last_sentiment = agg.last,
                   last_text_date = agg.last_date::date
              FROM agg
             WHERE v.company_id = %(company_id)s AND v.partner_id = agg.partner_id
            """,
            params,
        )
        self.env["crm.complaint"].invalidate_model(["sentiment", "sentiment_score"])
        self.env["crm.customer.value"].invalidate_model(
            ["sentiment_score", "last_sentiment", "last_text_date"]
        )
