from . import crm_customer_lifecycle_report
