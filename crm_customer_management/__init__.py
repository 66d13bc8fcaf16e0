from . import models
from . import report
from . import wizard
from . import controllers


def uninstall_hook(env):
    """The tables the addon keeps beside its models' (see ``crm.customer.segment.history``):
    the history view reads the change table, so the view goes first."""
    env.cr.execute("DROP VIEW IF EXISTS crm_customer_segment_history")
    env.cr.execute("DROP TABLE IF EXISTS crm_customer_segment_change")
