import sys
from pathlib import Path

# The analytics core is a plain package inside the addon; import it without Odoo.
ADDON = Path(__file__).resolve().parent.parent / "crm_customer_management"
sys.path.insert(0, str(ADDON))
