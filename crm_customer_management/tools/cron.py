"""Helpers of the addon's scheduled actions (plain functions, not models)."""

import logging
import threading

from odoo import fields

_logger = logging.getLogger(__name__)


def run_per_company(model, method, companies, status_fields):
    """Call ``method(company)`` for each company in a transaction of its own, as Odoo's long
    crons do: a company that fails is rolled back, logged with its cause and recorded on
    the company (``status_fields``: the names of its last-run datetime and last-error text
    fields, shown in the settings); the other companies go on. Outside tests each company
    is committed (so each starts a clean transaction); under tests a savepoint stands for
    it. Returns {company id: error text} of the failures."""
    cr = model.env.cr
    auto_commit = not getattr(threading.current_thread(), "testing", False)
    done_field, error_field = status_fields
    failures = {}
    for company in companies:
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
            cr.commit()  # pylint: disable=invalid-commit - one transaction per company
    return failures
