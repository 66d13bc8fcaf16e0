"""Helpers of the addon's scheduled actions (plain functions, not models)."""

import logging
import threading
import time

from odoo import fields

_logger = logging.getLogger(__name__)

# first key of the advisory locks that serialise the writers of one company's customer
# analytics (the nightly runs and the customer event queue); the second is the company id
LOCK_KEY = 0x43434D  # "CCM"
LOCK_TRIES = 120  # seconds a nightly run waits for the event queue to let go of a company


def try_lock_company(cr, company_id):
    """Take the company's analytics lock for the rest of the transaction, if free."""
    cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_KEY, company_id])
    return cr.fetchone()[0]


def run_per_company(model, method, companies, status_fields):
    """Call ``method(company)`` for each company in a transaction of its own, as Odoo's long
    crons do: a company that fails is rolled back, logged with its cause and recorded on
    the company (``status_fields``: the names of its last-run datetime and last-error text
    fields, shown in the settings); the other companies go on. Outside tests each company
    is committed (so each starts a clean transaction) and first takes the company's
    analytics lock, so that the event queue never writes the same customers meanwhile;
    under tests a savepoint stands for the transaction. Returns {company id: error text}
    of the failures."""
    cr = model.env.cr
    auto_commit = not getattr(threading.current_thread(), "testing", False)
    done_field, error_field = status_fields
    failures = {}
    if auto_commit:
        # what the caller did is kept, and each company starts a transaction of its own
        cr.commit()  # pylint: disable=invalid-commit
    for company in companies:
        if auto_commit and not _wait_for_company(cr, company):
            failures[company.id] = model.env._(
                "The customer event queue held the company for %s seconds: try again later.",
                LOCK_TRIES,
            )
        else:
            try:
                with cr.savepoint():
                    method(company)
            except Exception as error:  # noqa: BLE001 - one company's fault stops no other
                model.env.invalidate_all()
                _logger.exception("%s failed for company %s", method.__name__, company.name)
                failures[company.id] = f"{type(error).__name__}: {error}"
        company.sudo().write(
            {done_field: fields.Datetime.now(), error_field: failures.get(company.id, False)}
        )
        if auto_commit:
            # one transaction per company
            cr.commit()  # pylint: disable=invalid-commit
    return failures


def _wait_for_company(cr, company):
    """Take the company's lock as the first statement of a fresh transaction, so that the
    transaction's snapshot already sees what the event queue committed before (a lock
    waited for inside a statement would leave an older snapshot): try, roll back, retry."""
    for _attempt in range(LOCK_TRIES):
        if try_lock_company(cr, company.id):
            return True
        cr.rollback()
        time.sleep(1)
    _logger.warning("%s: the customer event queue held the company too long", company.name)
    return False
