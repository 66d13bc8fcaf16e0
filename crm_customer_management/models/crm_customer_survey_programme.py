import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, formataddr

from ..analytics import lifecycle
from ..analytics.interaction import SAMPLE_SQL

_logger = logging.getLogger(__name__)

SEND_BATCH = 500


class CrmCustomerSurveyProgramme(models.AbstractModel):
    """The satisfaction survey programme: which contacts are invited, and when.

    - **Relationship NPS**: each contact with an e-mail address of an active customer (a
      customer stage the company still holds) is asked every N months, a sample of the
      due contacts per monthly wave (the same sample all month, another the next);
    - **CSAT after delivery**: the contact of a delivery done some hours ago, once per
      delivery, by a scheduled action (never inside the validation);
    - never a contact who opted out of e-mail or whose address is blacklisted, never
      sooner than the minimum interval after any of our satisfaction surveys.

    The selection is one INSERT ... SELECT per company (set-based, queued invitations);
    a triggered scheduled action then sends them in batches, each with its own survey
    answer and the survey's invitation e-mail. (The CSAT of a resolved complaint is sent
    by the complaint itself, to a contact the same consent conditions let through:
    ``_email_reachable``.)"""

    _name = "crm.customer.survey.programme"
    _description = "Satisfaction Survey Programme"

    # ------------------------------------------------------------------
    # Selection
    # ------------------------------------------------------------------

    def _reachable_sql(self):
        """Conditions on contact ``c``: reachable by e-mail (active, an address, not on
        Odoo's e-mail blacklist, not opted out of the e-mail channel
        ``%(email_channel)s``)."""
        return """
               c.active AND c.email_normalized IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM mail_blacklist b
                            WHERE b.email = c.email_normalized AND b.active)
           AND NOT EXISTS (SELECT 1 FROM ccm_partner_channel_opt_out_rel o
                            WHERE o.partner_id = c.id AND o.channel_id = %(email_channel)s)
        """

    def _consent_sql(self):
        """Conditions on contact ``c``: reachable by e-mail (``_reachable_sql``) and not
        surveyed within the minimum interval (``%(since_min)s``)."""
        return f"""{self._reachable_sql()}
           AND NOT EXISTS (SELECT 1 FROM surveyed r WHERE r.partner_id = c.id)
        """

    @api.model
    def _email_reachable(self, partners):
        """Ids of ``partners`` a satisfaction survey may be e-mailed to: the programme's
        own consent conditions (``_reachable_sql``), in one query whatever their number.
        The transactional surveys sent outside the programme (the CSAT of a resolved
        complaint) ask it."""
        if not partners:
            return set()
        self.env["res.partner"].flush_model(["active", "email_normalized"])
        self.env["res.partner"].flush_model(["ccm_opt_out_channel_ids"])
        self.env["mail.blacklist"].flush_model(["email", "active"])
        email = self.env["crm.customer.channel"]._by_code("email")
        self.env.cr.execute(
            SQL(
                f"SELECT c.id FROM res_partner c WHERE c.id = ANY(%(ids)s) "  # noqa: S608
                f"AND {self._reachable_sql()}",
                ids=partners.ids,
                email_channel=email.id or 0,
            )
        )
        return {pid for (pid,) in self.env.cr.fetchall()}

    def _insert_sql(self, select, params):
        """The INSERT of the queued invitations of ``select`` (partner_id,
        commercial_partner_id, picking_id) into campaign ``%(campaign)s``."""
        # The invitations already made are read once, before the INSERT (MATERIALIZED):
        # an anti-join against the table being written is planned as a nested loop that
        # rescans the new rows for every candidate (minutes for 100,000 contacts).
        return SQL(
            f"""
            WITH surveyed AS MATERIALIZED (
                SELECT partner_id FROM crm_customer_survey_invitation
                 WHERE scheduled_at >= %(since_min)s
                 UNION
                SELECT ui.partner_id FROM survey_user_input ui
                  JOIN survey_survey s ON s.id = ui.survey_id
                       AND s.ccm_satisfaction_kind IS NOT NULL
                 WHERE ui.partner_id IS NOT NULL
                   AND COALESCE(ui.end_datetime, ui.create_date) >= %(since_min)s
            ), asked AS MATERIALIZED (
                SELECT i.partner_id FROM crm_customer_survey_invitation i
                  JOIN crm_customer_survey_campaign cmp ON cmp.id = i.campaign_id
                 WHERE cmp.company_id = %(company)s AND i.kind = %(kind)s
                   AND i.scheduled_at >= %(since_interval)s
            ), surveyed_pickings AS MATERIALIZED (
                SELECT i.picking_id FROM crm_customer_survey_invitation i
                  JOIN crm_customer_survey_campaign cmp ON cmp.id = i.campaign_id
                 WHERE i.picking_id IS NOT NULL AND cmp.company_id = %(company)s
            )
            INSERT INTO crm_customer_survey_invitation
                   (campaign_id, kind, partner_id, commercial_partner_id, picking_id, state,
                    scheduled_at, nbr)
            SELECT %(campaign)s, %(kind)s, q.partner_id, q.commercial_partner_id, q.picking_id,
                   'queued', %(now)s, 1
              FROM ({select}) q
            """,  # noqa: S608 - constant SQL fragments
            **params,
        )

    def _params(self, company, campaign, now):
        email = self.env["crm.customer.channel"]._by_code("email")
        return {
            "campaign": campaign.id,
            "kind": campaign.kind,
            "company": company.id,
            "email_channel": email.id or 0,
            "now": now,
            "since_interval": now,
            "since_min": now - timedelta(days=company.ccm_nps_min_days),
        }

    @api.model
    def _schedule_nps(self, company, now=None):
        """Queue this month's relationship NPS invitations of ``company``; returns how many."""
        survey = company.ccm_nps_survey_id or self.env.ref(
            "crm_customer_management.survey_nps", raise_if_not_found=False
        )
        if not company.ccm_nps_enabled or not survey:
            return 0
        now = now or fields.Datetime.now()
        campaign = (
            self.env["crm.customer.survey.campaign"]
            .sudo()
            ._for_month(company, "nps", survey, now.date())
        )
        select = f"""
            SELECT c.id AS partner_id, c.commercial_partner_id, NULL::int AS picking_id
              FROM crm_customer_lifecycle_history h
              JOIN res_partner c ON c.commercial_partner_id = h.partner_id
             WHERE h.company_id = %(company)s AND h.is_current
               AND h.stage_to IN %(held)s
               AND (c.type = 'contact' OR c.id = c.commercial_partner_id)
               AND {self._consent_sql()}
               AND NOT EXISTS (SELECT 1 FROM asked a WHERE a.partner_id = c.id)
               AND {SAMPLE_SQL.format(column="c.id")}
        """  # noqa: S608 - constant SQL fragments
        params = dict(
            self._params(company, campaign, now),
            held=lifecycle.HELD_CUSTOMER_STAGES,
            since_interval=now - relativedelta(months=company.ccm_nps_interval_months),
            wave=f"{company.id}:{now:%Y-%m}",
            share=company.ccm_nps_sample_percent,
        )
        self.env.flush_all()
        self.env.cr.execute(self._insert_sql(select, params))
        count = self.env.cr.rowcount
        self._after_insert(campaign, count)
        return count

    @api.model
    def _schedule_delivery_csat(self, company, now=None):
        """Queue the CSAT invitations of ``company``'s deliveries done between a week and
        the company's delay ago, once per delivery; returns how many."""
        survey = company.ccm_csat_delivery_survey_id or self.env.ref(
            "crm_customer_management.survey_csat_delivery", raise_if_not_found=False
        )
        if not company.ccm_csat_delivery_enabled or not survey:
            return 0
        now = now or fields.Datetime.now()
        until = now - timedelta(hours=company.ccm_csat_delivery_delay_hours)
        campaign = (
            self.env["crm.customer.survey.campaign"]
            .sudo()
            ._for_month(company, "delivery", survey, now.date())
        )
        select = f"""
            SELECT DISTINCT ON (c.id) c.id AS partner_id, c.commercial_partner_id,
                   sp.id AS picking_id
              FROM stock_picking sp
              JOIN stock_location ld ON ld.id = sp.location_dest_id AND ld.usage = 'customer'
              JOIN stock_location ls ON ls.id = sp.location_id AND ls.usage <> 'customer'
              JOIN res_partner c ON c.id = sp.partner_id
             WHERE sp.state = 'done' AND sp.company_id = %(company)s
               AND sp.date_done >= %(since)s AND sp.date_done < %(until)s
               AND NOT EXISTS (SELECT 1 FROM surveyed_pickings i WHERE i.picking_id = sp.id)
               AND {self._consent_sql()}
             ORDER BY c.id, sp.date_done DESC
        """  # noqa: S608 - constant SQL fragments
        params = dict(
            self._params(company, campaign, now), since=until - timedelta(days=7), until=until
        )
        self.env.flush_all()
        self.env.cr.execute(self._insert_sql(select, params))
        count = self.env.cr.rowcount
        self._after_insert(campaign, count)
        return count

    def _after_insert(self, campaign, count):
        self.env["crm.customer.survey.invitation"].invalidate_model()
        campaign._update_counts()
        _logger.info("Survey campaign %s: %d invitations queued", campaign.name, count)

    @api.model
    def _cron_schedule(self):
        """Nightly: queue the due invitations of every company, then send them."""
        for company in self.env["res.company"].search([("active", "=", True)]):
            self._schedule_nps(company)
            self._schedule_delivery_csat(company)
        self._trigger_sending()

    def _trigger_sending(self):
        cron = self.env.ref(
            "crm_customer_management.ir_cron_survey_invitation_send", raise_if_not_found=False
        )
        if cron:
            cron._trigger()

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    @api.model
    def _cron_send(self):
        """Send one batch of queued invitations; the scheduled action is triggered again
        while some remain."""
        Invitation = self.env["crm.customer.survey.invitation"].sudo()
        batch = Invitation.search([("state", "=", "queued")], order="id", limit=SEND_BATCH)
        self._send(batch)
        remaining = Invitation.search_count([("state", "=", "queued")])
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        if remaining:
            self._trigger_sending()
        return len(batch)

    def _send(self, invitations):
        """Each invitation gets its survey answer and the survey's invitation e-mail, from
        its company; a campaign whose batch fails is marked failed, logged, and the others
        go on."""
        template = self.env.ref("survey.mail_template_user_input_invite", raise_if_not_found=False)
        for campaign, group in invitations.grouped("campaign_id").items():
            try:
                with self.env.cr.savepoint():
                    self._send_group(campaign, group, template)
            except Exception as error:  # noqa: BLE001 - logged and shown on the invitations
                _logger.exception("Survey campaign %s: sending failed", campaign.name)
                group.write({"state": "failed", "error": str(error)})
            campaign._update_counts()

    def _send_group(self, campaign, invitations, template):
        company = campaign.company_id
        answers = (
            self.env["survey.user_input"]
            .sudo()
            .create(
                [
                    {
                        "survey_id": campaign.survey_id.id,
                        "partner_id": invitation.partner_id.id,
                        "email": invitation.partner_id.email,
                    }
                    for invitation in invitations
                ]
            )
        )
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE crm_customer_survey_invitation i
                  SET user_input_id = u.answer, state = 'sent', sent_at = %s
                 FROM UNNEST(%s::int4[], %s::int4[]) AS u(invitation, answer)
                WHERE i.id = u.invitation""",
            [fields.Datetime.now(), invitations.ids, answers.ids],
        )
        invitations.invalidate_recordset()
        if template:
            email_from = company.partner_id.email_formatted
            if not email_from:
                default_from = (
                    self.env["ir.mail_server"].with_company(company)._get_default_from_address()
                )
                email_from = default_from and formataddr((company.name, default_from))
            template.sudo().with_company(company).send_mail_batch(
                answers.ids,
                email_values={"email_from": email_from, "author_id": company.partner_id.id},
            )

    # ------------------------------------------------------------------
    # Answers
    # ------------------------------------------------------------------

    @api.model
    def _record_answers(self, answers):
        """Completed survey answers: their invitations answered (the campaigns' counts),
        the customers' satisfaction figures refreshed after the commit."""
        invitations = (
            self.env["crm.customer.survey.invitation"]
            .sudo()
            .search([("user_input_id", "in", answers.ids), ("state", "!=", "answered")])
        )
        if invitations:
            invitations.write({"state": "answered", "answered_at": fields.Datetime.now()})
            invitations.campaign_id._update_counts()
        self.env["crm.customer.event"]._record(
            ((None, a.partner_id.id, a) for a in answers if a.partner_id), refresh_value=True
        )
