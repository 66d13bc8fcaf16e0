from . import crm_customer_lifecycle_move
from . import crm_customer_dashboard
from . import account_move_reversal
from . import stock_return_picking
from . import crm_customer_segment_migration
from . import res_users_handover
from . import res_users_handover_roles
from . import crm_customer_dashboard_committee
