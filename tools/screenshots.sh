#!/usr/bin/env bash
# make screenshots: PNGs of the main screens (dashboard, Customer tab, complaints, portal) in
# English and Persian, taken by headless Chromium against a database with the addon and its
# data (CCM_SCREENSHOTS_DB, by default the demo database of `make run`), into
# docs/screenshots/. Nothing is written to the database (one rolled-back transaction).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$CCM_ROOT"
DB="${CCM_SCREENSHOTS_DB:-$CCM_DEMO_DB}"
command -v chromium >/dev/null 2>&1 || ccm_die "chromium is missing: run make setup (or apt-get install chromium)"
ccm_pg_start
ccm_write_conf
psql -lqt | cut -d'|' -f1 | grep -qw "$DB" || ccm_die "no database $DB: run make run first (or set CCM_SCREENSHOTS_DB)"
export PYTHONPATH="$ODOO_SOURCE${PYTHONPATH:+:$PYTHONPATH}"
export CCM_SCREENSHOTS_DIR="${CCM_SCREENSHOTS_DIR:-$CCM_ROOT/docs/screenshots}"
conf="$(mktemp)"
trap 'rm -f "$conf"' EXIT
sed "s/^http_port = .*/http_port = ${CCM_SCREENSHOTS_HTTP_PORT:-8078}/" "$CCM_CONF" >"$conf"
"$CCM_VENV/bin/pytest" -q -s -p no:cacheprovider --odoo-http --odoo-config="$conf" \
  --odoo-database="$DB" tools/screenshot_screens.py
ls -1 "$CCM_SCREENSHOTS_DIR"/*.png
