from . import copying
from . import cron
from . import sql
