from . import crm_customer_profile_report_mixin
from . import crm_customer_lifecycle_report
from . import crm_customer_cohort_report
from . import crm_customer_nps_report
from . import crm_complaint_report
from . import crm_customer_delivery_report
from . import crm_customer_receivable_report
from . import crm_customer_timeline
