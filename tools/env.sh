# shellcheck shell=bash
# Common settings of the project's tooling; sourced by the other scripts and bin/odoo.
#
# Where things live (all outside the clone, so every clone on the machine shares them):
#   ODOO_SOURCE   an Odoo 18.0 source tree (odoo-bin + odoo/); default: the one last given
#                 (remembered in $CCM_CACHE/config), else the cache below
#   CCM_CACHE     ${XDG_CACHE_HOME:-$HOME/.cache}/crm-customer-management
#   CCM_VENV      the virtualenv, keyed by Python version + Odoo and our requirements
#   CCM_PGDATA    the private PostgreSQL cluster (unix socket in CCM_PGRUN, port CCM_PGPORT)
# Set DB_HOST / DB_PORT / DB_USER / DB_PASSWORD to use an existing PostgreSQL server instead.

CCM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CCM_CACHE="${CCM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crm-customer-management}"
# An ODOO_SOURCE given once is remembered in the cache's config file (by make setup, once it
# has checked the tree), so the next shell finds it without it; giving another one replaces it.
CCM_USER_CONF="$CCM_CACHE/config"
CCM_ODOO_SOURCE_GIVEN="${ODOO_SOURCE:-}"
if [ -z "${ODOO_SOURCE:-}" ] && [ -f "$CCM_USER_CONF" ]; then
  ODOO_SOURCE="$(sed -n 's/^ODOO_SOURCE=//p' "$CCM_USER_CONF" | tail -1)"
fi
ODOO_SOURCE="${ODOO_SOURCE:-$CCM_CACHE/odoo-18.0}"
CCM_PYTHON="${CCM_PYTHON:-python3.11}"
command -v "$CCM_PYTHON" >/dev/null 2>&1 || CCM_PYTHON=python3

ccm_die() { echo "ERROR: $*" >&2; exit 1; }
ccm_info() { echo "==> $*" >&2; }

ccm_have_odoo() { [ -f "$ODOO_SOURCE/odoo-bin" ] && [ -f "$ODOO_SOURCE/odoo/release.py" ]; }

ccm_require_odoo() {
  ccm_have_odoo && return 0
  ccm_die "no Odoo 18.0 source tree at $ODOO_SOURCE.
  Provide one with ODOO_SOURCE=/path/to/odoo (a checkout of the 18.0 branch: odoo-bin,
  odoo/, requirements.txt), or put it at $CCM_CACHE/odoo-18.0,
  or run 'make setup' on a machine with internet access to download the official nightly.
  (A remembered ODOO_SOURCE is in $CCM_USER_CONF: edit or delete that line to forget it.)"
}

# Remember an explicitly given ODOO_SOURCE (absolute path) for the next shells.
ccm_remember_odoo_source() {
  [ -n "$CCM_ODOO_SOURCE_GIVEN" ] || return 0
  local abs
  abs="$(cd "$CCM_ODOO_SOURCE_GIVEN" && pwd)"
  [ "$(sed -n 's/^ODOO_SOURCE=//p' "$CCM_USER_CONF" 2>/dev/null | tail -1)" = "$abs" ] && return 0
  mkdir -p "$CCM_CACHE"
  { grep -v '^ODOO_SOURCE=' "$CCM_USER_CONF" 2>/dev/null || true; echo "ODOO_SOURCE=$abs"; } \
    >"$CCM_USER_CONF.tmp" && mv "$CCM_USER_CONF.tmp" "$CCM_USER_CONF"
  ccm_info "ODOO_SOURCE=$abs remembered in $CCM_USER_CONF (used when ODOO_SOURCE is not set)"
}

# Bump when tools/setup.sh changes how the venv is built.
CCM_VENV_RECIPE=1
# The venv is keyed by what goes into it, so a change of requirements builds a new one.
ccm_venv_key() {
  {
    "$CCM_PYTHON" -c 'import sys; print(sys.version.split()[0])'
    cat "$ODOO_SOURCE/requirements.txt" 2>/dev/null
    cat "$CCM_ROOT/requirements.txt"
    echo "$CCM_VENV_RECIPE"
  } | sha256sum | cut -c1-12
}
CCM_VENV="${CCM_VENV:-$CCM_CACHE/venv-$(ccm_venv_key)}"

# PostgreSQL: an existing server when DB_HOST is set, else the private cluster.
# As root the cluster runs as the 'postgres' system user, which cannot enter root's home:
# then it lives under /var/tmp instead of the cache.
if [ "$(id -u)" = 0 ]; then
  CCM_PGBASE="${CCM_PGBASE:-/var/tmp/crm-customer-management}"
else
  CCM_PGBASE="${CCM_PGBASE:-$CCM_CACHE}"
fi
CCM_PGDATA="${CCM_PGDATA:-$CCM_PGBASE/pgdata}"
CCM_PGRUN="${CCM_PGRUN:-$CCM_PGBASE/pgrun}"
CCM_PGPORT="${CCM_PGPORT:-5433}"
if [ -n "${DB_HOST:-}" ]; then
  CCM_PRIVATE_PG=0
  export PGHOST="$DB_HOST" PGPORT="${DB_PORT:-5432}" PGUSER="${DB_USER:-odoo}"
  [ -n "${DB_PASSWORD:-}" ] && export PGPASSWORD="$DB_PASSWORD"
else
  CCM_PRIVATE_PG=1
  export PGHOST="$CCM_PGRUN" PGPORT="$CCM_PGPORT" PGUSER="${DB_USER:-odoo}"
fi
export PGDATABASE=postgres

CCM_DATA_DIR="$CCM_CACHE/filestore"
# One Odoo configuration per clone (its addons path points into the clone), so that several
# clones on one machine (a CI clone beside a working copy) never overwrite each other's.
CCM_CONF="${CCM_CONF:-$CCM_CACHE/odoo-$(printf %s "$CCM_ROOT" | sha256sum | cut -c1-8).conf}"
CCM_LOGDIR="$CCM_CACHE/log"
# Node packages of the setup (rtlcss, which Odoo runs for right-to-left stylesheets)
CCM_NODE="$CCM_CACHE/node"
case ":$PATH:" in
*":$CCM_NODE/node_modules/.bin:"*) ;;
*) export PATH="$CCM_NODE/node_modules/.bin:$PATH" ;;
esac
CCM_DEMO_DB="${CCM_DEMO_DB:-ccm_demo}"
CCM_HTTP_PORT="${CCM_HTTP_PORT:-8069}"

# Run as a given system user when we are root (initdb refuses to run as root).
ccm_as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ccm_pg_running() {
  if [ "$CCM_PRIVATE_PG" = 1 ]; then
    [ -f "$CCM_PGDATA/postmaster.pid" ] && ccm_as_pg pg_ctl -D "$CCM_PGDATA" status >/dev/null 2>&1
  else
    pg_isready -q
  fi
}

ccm_pg_start() {
  if [ "$CCM_PRIVATE_PG" = 0 ]; then
    pg_isready -q || ccm_die "PostgreSQL at $PGHOST:$PGPORT (DB_HOST/DB_PORT) does not answer."
    return 0
  fi
  command -v initdb >/dev/null && command -v pg_ctl >/dev/null \
    || ccm_die "PostgreSQL server binaries (initdb, pg_ctl) are not on PATH: install PostgreSQL 15+
  (Debian: apt-get install postgresql), or point DB_HOST/DB_PORT/DB_USER/DB_PASSWORD at a server."
  mkdir -p "$CCM_CACHE" "$CCM_PGBASE"
  if [ ! -f "$CCM_PGDATA/PG_VERSION" ]; then
    ccm_info "initialising the private PostgreSQL cluster in $CCM_PGDATA"
    mkdir -p "$CCM_PGDATA" "$CCM_PGRUN"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$CCM_PGDATA" "$CCM_PGRUN"; fi
    ccm_as_pg initdb -D "$CCM_PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null \
      || ccm_die "initdb failed"
    cat >>"$CCM_PGDATA/postgresql.conf" <<CONF
# crm-customer-management private cluster: unix socket only, tuned for tests and benchmarks
listen_addresses = ''
unix_socket_directories = '$CCM_PGRUN'
port = $CCM_PGPORT
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 1GB
work_mem = 64MB
maintenance_work_mem = 512MB
max_wal_size = 4GB
CONF
  fi
  mkdir -p "$CCM_PGRUN"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$CCM_PGRUN"; fi
  if ! ccm_pg_running; then
    ccm_as_pg pg_ctl -D "$CCM_PGDATA" -l "$CCM_PGDATA/server.log" -w -t 60 start >/dev/null \
      || ccm_die "the private PostgreSQL cluster did not start; see $CCM_PGDATA/server.log"
  fi
  # Odoo refuses the 'postgres' superuser: a dedicated role.
  if ! psql -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PGUSER'" | grep -q 1; then
    psql -q -U postgres -c "CREATE ROLE \"$PGUSER\" LOGIN CREATEDB" >/dev/null
  fi
}

ccm_pg_stop() {
  [ "$CCM_PRIVATE_PG" = 1 ] || return 0
  if ccm_pg_running; then ccm_as_pg pg_ctl -D "$CCM_PGDATA" -m fast -w stop >/dev/null; fi
}

ccm_write_conf() {
  mkdir -p "$CCM_DATA_DIR" "$CCM_LOGDIR"
  local addons="$ODOO_SOURCE/odoo/addons"
  # A git checkout keeps most addons in addons/; the nightly tarball in odoo/addons.
  [ -d "$ODOO_SOURCE/addons" ] && addons="$ODOO_SOURCE/addons,$addons"
  cat >"$CCM_CONF" <<CONF
[options]
addons_path = $addons,$CCM_ROOT
data_dir = $CCM_DATA_DIR
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = ${DB_PASSWORD:-False}
http_port = $CCM_HTTP_PORT
list_db = True
without_demo = False
CONF
}
