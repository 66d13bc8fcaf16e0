from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import LIFECYCLE_STAGES
from ..models.crm_customer_text import SENTIMENT_SELECTION

KINDS = [
    ("order", "Order"),
    ("delivery", "Delivery"),
    ("return", "Return"),
    ("invoice", "Invoice"),
    ("refund", "Credit note"),
    ("payment", "Payment"),
    ("complaint", "Complaint"),
    ("complaint_message", "Complaint message"),
    ("survey", "Survey answer"),
    ("survey_invitation", "Survey invitation"),
    ("email", "E-mail"),
    ("touchpoint", "Logged contact"),
    ("meeting", "Meeting"),
    ("lifecycle", "Lifecycle move"),
    ("tier", "Tier change"),
]
DIRECTIONS = [("in", "Inbound"), ("out", "Outbound"), ("internal", "Internal")]
# the kinds that are contacts with the customer (the interaction figures count them)
CONTACT_KINDS = ("complaint", "complaint_message", "email", "touchpoint", "meeting")
# the complaint's own channel selection, in the channel catalogue's codes
COMPLAINT_CHANNEL_SQL = "CASE c.channel WHEN 'in_person' THEN 'visit' ELSE c.channel END"


class CrmCustomerTimeline(models.Model):
    """Every touchpoint of a customer on one timeline: an SQL view over the documents
    themselves (orders, deliveries and returns, invoices and credit notes, payments,
    complaints and their messages, satisfaction answers and invitations, e-mails on the
    customer and its documents, logged contacts, meetings, lifecycle moves, tier changes),
    one row per event, by commercial partner and company.

    Nothing is copied: a filter on the customer is pushed by PostgreSQL into every source
    (each reaches the customer through an index), so one customer's page is one query.
    A row's ``id`` encodes its source and the source document's id (``id = doc * 32 +
    source``): opening a row reads the document, not the view.

    Access follows the customers' rules (own customers for own-documents users, the
    companies the user works in); a row links to its document, which opens under the
    document's own rules."""

    _name = "crm.customer.timeline"
    _description = "Customer Timeline"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "name"
    _depends = {
        "sale.order": ["state", "partner_id", "date_order"],
        "stock.picking": ["state", "partner_id", "date_done"],
        "account.move": ["state", "partner_id", "move_type"],
        "account.payment": ["state", "partner_id"],
        "crm.complaint": ["commercial_partner_id", "date_open"],
        "mail.message": ["model", "res_id", "message_type", "subtype_id", "author_id"],
        "survey.user_input": ["state", "partner_id"],
        "crm.customer.survey.invitation": ["sent_at", "user_input_id"],
        "crm.customer.touchpoint": ["channel_id", "direction", "date", "commercial_partner_id"],
        "calendar.event": ["start", "partner_ids", "active"],
        "crm.customer.lifecycle.history": ["partner_id", "stage_to", "date"],
        "res.partner": ["commercial_partner_id", "user_id", "company_id"],
    }

    date = fields.Datetime(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    contact_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    customer_user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True)
    kind = fields.Selection(KINDS, readonly=True)
    channel_id = fields.Many2one("crm.customer.channel", readonly=True)
    direction = fields.Selection(DIRECTIONS, readonly=True)
    name = fields.Char("Document", readonly=True)
    summary = fields.Char(readonly=True)
    amount = fields.Float(readonly=True, digits=(16, 2), aggregator="sum")
    score = fields.Integer(readonly=True, aggregator="avg")
    sentiment = fields.Selection(SENTIMENT_SELECTION, readonly=True)
    stage_to = fields.Selection(LIFECYCLE_STAGES, string="To Stage", readonly=True)
    res_model = fields.Char("Document Model", readonly=True)
    res_id = fields.Integer("Document ID", readonly=True)
    nbr = fields.Integer("# Events", readonly=True)

    # one source per branch: (number in the id, model of the document)
    SOURCES = {
        "order": (1, "sale.order"),
        "picking": (2, "stock.picking"),
        "invoice": (3, "account.move"),
        "payment": (4, "account.payment"),
        "complaint": (5, "crm.complaint"),
        "complaint_message": (6, "mail.message"),
        "survey": (7, "survey.user_input"),
        "survey_invitation": (8, "crm.customer.survey.invitation"),
        "email_partner": (9, "mail.message"),
        "email_lead": (10, "mail.message"),
        "email_order": (11, "mail.message"),
        "email_invoice": (12, "mail.message"),
        "touchpoint": (13, "crm.customer.touchpoint"),
        "meeting": (14, "calendar.event"),
        "lifecycle": (15, "crm.customer.lifecycle.history"),
        "tier": (16, "mail.message"),
    }
    ID_BASE = 32

    @property
    def _table_query(self):
        return f"{self._select()} {self._from()}"

    def _select(self):
        return """
            SELECT e.id, e.date, e.partner_id, e.contact_id,
                   COALESCE(e.company_id, cp.company_id) AS company_id,
                   cp.user_id AS customer_user_id, e.user_id, e.kind, ch.id AS channel_id,
                   e.direction, e.name, e.summary, e.amount, e.score, e.sentiment,
                   e.stage_to, e.res_model, e.res_id, 1 AS nbr
        """

    def _from(self):
        branches = " UNION ALL ".join(f"({sql})" for sql in self._sources().values())
        return f"""
              FROM ({branches}) e
              JOIN res_partner cp ON cp.id = e.partner_id
              LEFT JOIN crm_customer_channel ch ON ch.code = e.channel
        """  # noqa: S608 - constant SQL fragments

    def _id(self, source, column):
        return f"({column})::bigint * {self.ID_BASE} + {self.SOURCES[source][0]}"

    def _row(self, source, **columns):
        """One branch's select list: every column of the view, NULL where not given."""
        names = (
            "date", "partner_id", "contact_id", "company_id", "user_id", "kind", "channel",
            "direction", "name", "summary", "amount", "score", "sentiment", "stage_to",
            "res_model", "res_id",
        )  # fmt: skip
        types = {
            "date": "timestamp", "partner_id": "int", "contact_id": "int",
            "company_id": "int", "user_id": "int", "kind": "varchar", "channel": "varchar",
            "direction": "varchar", "name": "varchar", "summary": "varchar",
            "amount": "float8", "score": "int", "sentiment": "varchar",
            "stage_to": "varchar", "res_model": "varchar", "res_id": "int",
        }  # fmt: skip
        values = [f"{self._id(source, columns.pop('doc_id'))} AS id"]
        values += [f"({columns.get(n, 'NULL')})::{types[n]} AS {n}" for n in names]
        return "SELECT " + ", ".join(values)

    def _message_summary(self, alias="m"):
        return (
            f"COALESCE(NULLIF(BTRIM(LEFT(REGEXP_REPLACE({alias}.body::text, '<[^>]*>', ' ',"
            f" 'g'), 200)), ''), {alias}.subject)"
        )

    def _message_direction(self, author_alias="ap", partner_column="p.commercial_partner_id"):
        return (
            f"CASE WHEN {author_alias}.commercial_partner_id = {partner_column}"
            " THEN 'in' ELSE 'out' END"
        )

    def _discussion_filter(self, alias="m"):
        """E-mails and discussion messages (not internal notes, not tracking)."""
        return f"""{alias}.message_type IN ('email', 'comment', 'email_outgoing')
                   AND {alias}.subtype_id = (SELECT res_id FROM ir_model_data
                                     WHERE module = 'mail' AND name = 'mt_comment')"""

    def _sources(self):
        """{source: SQL of its rows}; each selects the view's columns (see ``_row``) and
        reaches the customer through ``partner_id`` (a commercial partner)."""
        email = {
            "date": "m.date",
            "contact_id": "m.author_id",
            "kind": "'email'",
            "channel": "'email'",
            "direction": self._message_direction(),
            "summary": self._message_summary(),
            "res_model": "m.model",
            "res_id": "m.res_id",
            "doc_id": "m.id",
        }
        return {
            "order": self._row(
                "order",
                doc_id="so.id",
                date="so.date_order",
                partner_id="p.commercial_partner_id",
                contact_id="so.partner_id",
                company_id="so.company_id",
                user_id="so.user_id",
                kind="'order'",
                direction="'in'",
                name="so.name",
                amount="so.amount_total",
                res_model="'sale.order'",
                res_id="so.id",
            )
            + """ FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'""",
            "picking": self._row(
                "picking",
                doc_id="sp.id",
                date="sp.date_done",
                partner_id="p.commercial_partner_id",
                contact_id="sp.partner_id",
                company_id="sp.company_id",
                user_id="sp.user_id",
                kind="CASE WHEN ld.usage = 'customer' THEN 'delivery' ELSE 'return' END",
                direction="CASE WHEN ld.usage = 'customer' THEN 'out' ELSE 'in' END",
                name="sp.name",
                summary="sp.origin",
                res_model="'stock.picking'",
                res_id="sp.id",
            )
            + """ FROM stock_picking sp JOIN res_partner p ON p.id = sp.partner_id
                  JOIN stock_location ls ON ls.id = sp.location_id
                  JOIN stock_location ld ON ld.id = sp.location_dest_id
                 WHERE sp.state = 'done' AND (ls.usage = 'customer') <> (ld.usage = 'customer')""",
            "invoice": self._row(
                "invoice",
                doc_id="am.id",
                date="am.invoice_date",
                partner_id="p.commercial_partner_id",
                contact_id="am.partner_id",
                company_id="am.company_id",
                user_id="am.invoice_user_id",
                kind="CASE am.move_type WHEN 'out_invoice' THEN 'invoice' ELSE 'refund' END",
                direction="'out'",
                name="am.name",
                summary="am.payment_state",
                amount="am.amount_total_signed",
                res_model="'account.move'",
                res_id="am.id",
            )
            + """ FROM account_move am JOIN res_partner p ON p.id = am.partner_id
                 WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')""",
            "payment": self._row(
                "payment",
                doc_id="pay.id",
                date="pay.date",
                partner_id="p.commercial_partner_id",
                contact_id="pay.partner_id",
                company_id="pay.company_id",
                user_id="pay.create_uid",
                kind="'payment'",
                direction="CASE pay.payment_type WHEN 'inbound' THEN 'in' ELSE 'out' END",
                name="pay.name",
                summary="pay.memo",
                amount="pay.amount",
                res_model="'account.payment'",
                res_id="pay.id",
            )
            + """ FROM account_payment pay JOIN res_partner p ON p.id = pay.partner_id
                 WHERE pay.partner_type = 'customer'
                   AND pay.state NOT IN ('draft', 'canceled', 'rejected')""",
            "complaint": self._row(
                "complaint",
                doc_id="c.id",
                date="c.date_open",
                partner_id="c.commercial_partner_id",
                contact_id="c.partner_id",
                company_id="c.company_id",
                user_id="c.user_id",
                kind="'complaint'",
                channel=COMPLAINT_CHANNEL_SQL,
                direction="'in'",
                name="c.name",
                summary="c.subject",
                sentiment="c.sentiment",
                res_model="'crm.complaint'",
                res_id="c.id",
            )
            + " FROM crm_complaint c WHERE c.commercial_partner_id IS NOT NULL",
            "complaint_message": self._row(
                "complaint_message",
                date="m.date",
                partner_id="c.commercial_partner_id",
                contact_id="m.author_id",
                company_id="c.company_id",
                kind="'complaint_message'",
                channel="CASE WHEN m.message_type = 'email' THEN 'email'"
                " WHEN ap.commercial_partner_id = c.commercial_partner_id THEN 'portal'"
                " ELSE 'email' END",
                direction=self._message_direction(partner_column="c.commercial_partner_id"),
                name="c.name",
                summary=self._message_summary(),
                sentiment="tx.sentiment",
                res_model="'crm.complaint'",
                res_id="c.id",
                doc_id="m.id",
            )
            + f""" FROM crm_complaint c
                  JOIN mail_message m ON m.model = 'crm.complaint' AND m.res_id = c.id
                  LEFT JOIN res_partner ap ON ap.id = m.author_id
                  LEFT JOIN crm_customer_text tx ON tx.source = 'complaint_message'
                       AND tx.res_id = m.id AND tx.company_id = c.company_id
                 WHERE c.commercial_partner_id IS NOT NULL AND {self._discussion_filter()}""",
            "survey": self._row(
                "survey",
                doc_id="ui.id",
                date="COALESCE(ui.end_datetime, ui.write_date)",
                partner_id="p.commercial_partner_id",
                contact_id="ui.partner_id",
                company_id="icmp.company_id",
                kind="'survey'",
                channel="'portal'",
                direction="'in'",
                name="s.title->>'en_US'",
                summary="tx.body",
                score="sc.value_scale",
                sentiment="tx.sentiment",
                res_model="'survey.user_input'",
                res_id="ui.id",
            )
            + """ FROM survey_user_input ui
                  JOIN survey_survey s ON s.id = ui.survey_id
                       AND s.ccm_satisfaction_kind IS NOT NULL
                  JOIN res_partner p ON p.id = ui.partner_id
                  LEFT JOIN crm_customer_survey_invitation inv ON inv.user_input_id = ui.id
                  LEFT JOIN crm_customer_survey_campaign icmp ON icmp.id = inv.campaign_id
                  LEFT JOIN LATERAL (
                       SELECT l.value_scale FROM survey_user_input_line l
                        WHERE l.user_input_id = ui.id AND l.answer_type = 'scale'
                          AND NOT COALESCE(l.skipped, FALSE)
                        ORDER BY l.id LIMIT 1) sc ON TRUE
                  LEFT JOIN LATERAL (
                       SELECT t.sentiment, t.body FROM crm_customer_text t
                        WHERE t.source = 'survey' AND t.res_id = ui.id
                        ORDER BY t.id LIMIT 1) tx ON TRUE
                 WHERE ui.state = 'done'""",
            "survey_invitation": self._row(
                "survey_invitation",
                doc_id="inv.id",
                date="inv.sent_at",
                partner_id="inv.commercial_partner_id",
                contact_id="inv.partner_id",
                company_id="cmp.company_id",
                kind="'survey_invitation'",
                channel="'email'",
                direction="'out'",
                name="cmp.name",
                res_model="'crm.customer.survey.campaign'",
                res_id="cmp.id",
            )
            + """ FROM crm_customer_survey_invitation inv
                  JOIN crm_customer_survey_campaign cmp ON cmp.id = inv.campaign_id
                 WHERE inv.sent_at IS NOT NULL""",
            "email_partner": self._row(
                "email_partner", **email, partner_id="p.commercial_partner_id", name="p.name"
            )
            + f""" FROM res_partner p
                  JOIN mail_message m ON m.model = 'res.partner' AND m.res_id = p.id
                  LEFT JOIN res_partner ap ON ap.id = m.author_id
                 WHERE {self._discussion_filter()}""",
            "email_lead": self._row(
                "email_lead",
                **email,
                partner_id="p.commercial_partner_id",
                company_id="l.company_id",
                user_id="l.user_id",
                name="l.name",
            )  # fmt: skip
            + f""" FROM crm_lead l JOIN res_partner p ON p.id = l.partner_id
                  JOIN mail_message m ON m.model = 'crm.lead' AND m.res_id = l.id
                  LEFT JOIN res_partner ap ON ap.id = m.author_id
                 WHERE {self._discussion_filter()}""",
            "email_order": self._row(
                "email_order",
                **email,
                partner_id="p.commercial_partner_id",
                company_id="so.company_id",
                user_id="so.user_id",
                name="so.name",
            )  # fmt: skip
            + f""" FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                  JOIN mail_message m ON m.model = 'sale.order' AND m.res_id = so.id
                  LEFT JOIN res_partner ap ON ap.id = m.author_id
                 WHERE {self._discussion_filter()}""",
            "email_invoice": self._row(
                "email_invoice",
                **email,
                partner_id="p.commercial_partner_id",
                company_id="am.company_id",
                user_id="am.invoice_user_id",
                name="am.name",
            )  # fmt: skip
            + f""" FROM account_move am JOIN res_partner p ON p.id = am.partner_id
                  JOIN mail_message m ON m.model = 'account.move' AND m.res_id = am.id
                  LEFT JOIN res_partner ap ON ap.id = m.author_id
                 WHERE am.move_type IN ('out_invoice', 'out_refund')
                   AND {self._discussion_filter()}""",
            "touchpoint": self._row(
                "touchpoint",
                doc_id="t.id",
                date="t.date",
                partner_id="t.commercial_partner_id",
                contact_id="t.partner_id",
                company_id="t.company_id",
                user_id="t.user_id",
                kind="'touchpoint'",
                channel="tc.code",
                direction="t.direction",
                name="t.name",
                summary="t.outcome",
                res_model="'crm.customer.touchpoint'",
                res_id="t.id",
            )
            + """ FROM crm_customer_touchpoint t
                  JOIN crm_customer_channel tc ON tc.id = t.channel_id""",
            "meeting": self._row(
                "meeting",
                doc_id="ev.id",
                date="ev.start",
                partner_id="a.partner_id",
                contact_id="a.contact_id",
                user_id="ev.user_id",
                kind="'meeting'",
                channel="'meeting'",
                direction="'out'",
                name="ev.name",
                summary="ev.location",
                res_model="'calendar.event'",
                res_id="ev.id",
            )
            + """ FROM (SELECT r.calendar_event_id AS event_id,
                               p.commercial_partner_id AS partner_id,
                               MIN(p.id) AS contact_id
                          FROM calendar_event_res_partner_rel r
                          JOIN res_partner p ON p.id = r.res_partner_id
                         GROUP BY r.calendar_event_id, p.commercial_partner_id) a
                  JOIN calendar_event ev ON ev.id = a.event_id AND ev.active""",
            "lifecycle": self._row(
                "lifecycle",
                doc_id="h.id",
                date="h.date",
                partner_id="h.partner_id",
                company_id="h.company_id",
                user_id="h.user_id",
                kind="'lifecycle'",
                direction="'internal'",
                summary="h.reason",
                stage_to="h.stage_to",
                res_model="'crm.customer.lifecycle.history'",
                res_id="h.id",
            )
            + " FROM crm_customer_lifecycle_history h",
            "tier": self._row(
                "tier",
                doc_id="m.id",
                date="m.date",
                partner_id="v.partner_id",
                company_id="v.company_id",
                kind="'tier'",
                direction="'internal'",
                summary=self._message_summary(),
                res_model="'crm.customer.value'",
                res_id="v.id",
            )
            + """ FROM crm_customer_value v
                  JOIN mail_message m ON m.model = 'crm.customer.value' AND m.res_id = v.id
                 WHERE m.message_type = 'notification'""",
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _document(self):
        """The document of each row, from its id alone (no read of the view): a record of
        the row's source model, sudo-free (the caller's rights apply)."""
        by_number = {number: model for number, model in self.SOURCES.values()}
        self.ensure_one()
        number = self.id % self.ID_BASE
        model = by_number.get(number)
        if not model:
            raise UserError(self.env._("This timeline entry has no document."))
        return self.env[model].browse(self.id // self.ID_BASE)

    def action_open_document(self):
        """Open the row's document (for a message, the document it is on), if the user
        may read it."""
        document = self._document()
        if document._name == "mail.message":
            document.check_access("read")
            document = self.env[document.sudo().model].browse(document.sudo().res_id)
        if document._name == "crm.customer.survey.invitation":
            document = document.campaign_id
        if not document.exists():
            raise UserError(self.env._("The document of this entry no longer exists."))
        try:
            document.check_access("read")
        except AccessError as error:
            raise AccessError(
                self.env._("You may not open this document: %s", error.args[0])
            ) from error
        return {
            "type": "ir.actions.act_window",
            "res_model": document._name,
            "res_id": document.id,
            "views": [(False, "form")],
            "target": "current",
        }

    @api.model
    def _latest(self, partner, limit=10):
        """The customer's latest entries the user may read, in one query (the list on the
        Customer tab)."""
        return self.search_fetch(
            [("partner_id", "=", partner.commercial_partner_id.id)],
            ["date", "kind", "channel_id", "direction", "name", "summary", "user_id",
             "contact_id", "score", "sentiment", "stage_to", "res_model", "res_id"],
            limit=limit,
        )  # fmt: skip
