from . import test_security
from . import test_customer_value
from . import test_identify
from . import test_lifecycle
from . import test_kpi
from . import test_complaint
from . import test_playbook
