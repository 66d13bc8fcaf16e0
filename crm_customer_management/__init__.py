from . import models
from . import report
from . import wizard
from . import controllers


def uninstall_hook(env):
    """The tables the addon keeps beside its models' (see ``crm.customer.segment.history``)."""
    env.cr.execute("DROP TABLE IF EXISTS crm_customer_segment_change")
