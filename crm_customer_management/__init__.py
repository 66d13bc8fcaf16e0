from . import models
from . import report
from . import wizard
from . import controllers
from .report.crm_customer_receivable_report import OPEN_RECEIVABLE_INDEX


def uninstall_hook(env):
    """The tables the addon keeps beside its models' (see ``crm.customer.segment.history``):
    the history view reads the change table, so the view goes first; the indexes it adds to
    Odoo's journal entries (see ``crm.customer.receivable.report``) and sale orders."""
    env.cr.execute("DROP VIEW IF EXISTS crm_customer_segment_history")
    env.cr.execute("DROP TABLE IF EXISTS crm_customer_segment_change")
    env.cr.execute(f"DROP INDEX IF EXISTS {OPEN_RECEIVABLE_INDEX}")
    # the index of the field it indexes on sale orders (Odoo keeps an index it no longer
    # expects)
    env.cr.execute("DROP INDEX IF EXISTS sale_order__opportunity_id_index")
