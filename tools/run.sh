#!/usr/bin/env bash
# make run / make stop: serve the demo database on http://localhost:$CCM_HTTP_PORT.
set -euo pipefail
. "$(dirname "$0")/env.sh"
# one server per port: clones serving other ports (CCM_HTTP_PORT) keep their own pid and log
pidfile="$CCM_CACHE/odoo-$CCM_HTTP_PORT.pid"
log="$CCM_LOGDIR/odoo-$CCM_HTTP_PORT.log"

case "${1:-start}" in
stop)
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")" && ccm_info "Odoo stopped"
  fi
  rm -f "$pidfile"
  ccm_pg_stop && ccm_info "PostgreSQL stopped"
  exit 0
  ;;
esac

ccm_pg_start
ccm_write_conf
mkdir -p "$CCM_LOGDIR"
export PYTHONPATH="$ODOO_SOURCE"
if ! psql -lqt | cut -d'|' -f1 | grep -qw "$CCM_DEMO_DB"; then
  ccm_info "creating the demo database $CCM_DEMO_DB (Odoo demo data + the addon, a few minutes once)"
  "$CCM_ROOT/bin/odoo" -d "$CCM_DEMO_DB" -i crm_customer_management --stop-after-init \
    --log-level=warn --logfile="$log" \
    || { dropdb --if-exists "$CCM_DEMO_DB"; ccm_die "creating the demo database failed; see $log"; }
  # --check: exit status 3 when a figure of the dashboard stays undefined (listed above it)
  rc=0
  "$CCM_VENV/bin/python" "$CCM_ROOT/tools/generate_data.py" -c "$CCM_CONF" -d "$CCM_DEMO_DB" \
    --customers "${SIZE:-200}" --seed "${SEED:-42}" --check || rc=$?
  if [ "$rc" = 3 ]; then
    ccm_info "the demo database is ready, but some dashboard figures are not defined (above)"
  elif [ "$rc" != 0 ]; then
    dropdb --if-exists "$CCM_DEMO_DB"
    ccm_die "generating the demo data failed"
  fi
fi
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  ccm_info "Odoo already runs (pid $(cat "$pidfile"))"
else
  nohup "$CCM_ROOT/bin/odoo" -d "$CCM_DEMO_DB" --db-filter="^$CCM_DEMO_DB\$" \
    --logfile="$log" >/dev/null 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 60); do
    # silent while Odoo starts: it refuses connections until it listens
    curl -fs -o /dev/null "http://localhost:$CCM_HTTP_PORT/web/login" && break
    sleep 1
  done
  curl -fsS -o /dev/null "http://localhost:$CCM_HTTP_PORT/web/login" \
    || ccm_die "Odoo did not answer on port $CCM_HTTP_PORT; see $log"
fi
echo "Odoo runs on http://localhost:$CCM_HTTP_PORT  (login admin / password admin; 'make stop' stops it)"
