"""18.0.1.4.0: survey invitations keep no company, survey or log columns of their own (the
campaign's company and survey; queued, sent and answered dates): a wave writes one row per
contact, and each of those columns was a foreign key checked per row. The queued ones
have a partial index instead of an index on every state."""


def migrate(cr, version):
    cr.execute(
        """ALTER TABLE crm_customer_survey_invitation
               DROP COLUMN IF EXISTS company_id,
               DROP COLUMN IF EXISTS survey_id,
               DROP COLUMN IF EXISTS create_uid,
               DROP COLUMN IF EXISTS create_date,
               DROP COLUMN IF EXISTS write_uid,
               DROP COLUMN IF EXISTS write_date"""
    )
    cr.execute("DROP INDEX IF EXISTS crm_customer_survey_invitation__state_index")
