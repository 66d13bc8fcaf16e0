#!/usr/bin/env bash
# make i18n: export crm_customer_management/i18n/crm_customer_management.pot with Odoo's own
# exporter from a throwaway database (the addon installed with Odoo's demo data, as Odoo
# exports its own templates), then update every i18n/<lang>.po from it (tools/i18n_merge.py:
# existing translations kept, new terms added untranslated, vanished terms removed, and the
# count of untranslated terms printed).
# Re-runnable. CCM_I18N_DB names the throwaway database (dropped before and after).
set -euo pipefail
. "$(dirname "$0")/env.sh"
ccm_require_odoo
ccm_pg_start
ccm_write_conf
db="${CCM_I18N_DB:-ccm_i18n}"
i18n="$CCM_ROOT/crm_customer_management/i18n"
pot="$i18n/crm_customer_management.pot"
log="$CCM_LOGDIR/i18n.log"
mkdir -p "$i18n" "$CCM_LOGDIR"
export PGOPTIONS="-c client_min_messages=warning"  # no NOTICE for an absent database
dropdb --if-exists "$db"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
ccm_info "installing the addon on the throwaway database $db (a few minutes)"
"$CCM_ROOT/bin/odoo" -d "$db" -i crm_customer_management --stop-after-init --no-http \
  --log-level=warn --logfile="$log" || ccm_die "installing the addon failed; see $log"
ccm_info "exporting $pot"
"$CCM_ROOT/bin/odoo" -d "$db" --i18n-export="$pot" --modules=crm_customer_management \
  --stop-after-init --no-http --log-level=warn --logfile="$log" \
  || ccm_die "the export failed; see $log"
# fa is the language we maintain; any other i18n/<lang>.po present is updated too.
pos=("$i18n/fa.po")
for po in "$i18n"/*.po; do
  [ -e "$po" ] && [ "$po" != "$i18n/fa.po" ] && pos+=("$po")
done
"$CCM_VENV/bin/python" "$CCM_ROOT/tools/i18n_merge.py" "$pot" "${pos[@]}"
