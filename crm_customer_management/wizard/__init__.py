from . import crm_customer_lifecycle_move
from . import crm_customer_dashboard
