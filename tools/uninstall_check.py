"""Uninstall an addon on a database and check that Odoo still works afterwards.

Usage: python tools/uninstall_check.py -c odoo.conf -d DB MODULE
"""

import argparse
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("module")
    args = parser.parse_args()

    import odoo  # noqa: PLC0415 - Odoo is on sys.path only once the config is known
    from odoo.tools import config

    config.parse_config(["-c", args.config, "--log-level=warn"])
    registry = odoo.modules.registry.Registry.new(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        module = env["ir.module.module"].search([("name", "=", args.module)])
        if module.state != "installed":
            print(f"{args.module} is not installed", file=sys.stderr)
            return 1
        module.button_immediate_uninstall()
    registry = odoo.modules.registry.Registry.new(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        state = env["ir.module.module"].search([("name", "=", args.module)]).state
        leftovers = env["ir.model"].search_count([("model", "like", "crm.customer.%")])
        # what the addon made in Odoo's own tables (its indexes) goes with it
        cr.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%ccm%"])
        indexes = [row[0] for row in cr.fetchall()]
        if indexes:
            print(f"uninstall left indexes: {', '.join(indexes)}", file=sys.stderr)
            return 1
        # Odoo still serves partners and their form view
        env["res.partner"].search([], limit=5).read(["name"])
        env["res.partner"].get_views([(False, "form")])
        if state != "uninstalled" or leftovers:
            print(f"uninstall left state={state}, {leftovers} models", file=sys.stderr)
            return 1
    print(f"{args.module} uninstalled cleanly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
