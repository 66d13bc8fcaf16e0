from . import cron
from . import sql
