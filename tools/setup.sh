#!/usr/bin/env bash
# make setup: idempotent. Finds (or downloads) Odoo 18.0, builds the shared virtualenv,
# initialises and starts the private PostgreSQL cluster, writes the Odoo configuration.
set -euo pipefail
. "$(dirname "$0")/env.sh"

ODOO_NIGHTLY_URL="${ODOO_NIGHTLY_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
t0=$(date +%s)

# 1. Odoo source
if ! ccm_have_odoo; then
  if [ "$ODOO_SOURCE" != "$CCM_CACHE/odoo-18.0" ]; then
    ccm_require_odoo
  fi
  ccm_info "no Odoo source at $ODOO_SOURCE: downloading the official 18.0 nightly"
  mkdir -p "$CCM_CACHE"
  tmp="$(mktemp -d "$CCM_CACHE/download.XXXXXX")"
  if ! curl -fsSL --retry 2 --connect-timeout 20 -o "$tmp/odoo.tar.gz" "$ODOO_NIGHTLY_URL"; then
    rm -rf "$tmp"
    ccm_require_odoo
  fi
  tar -xzf "$tmp/odoo.tar.gz" -C "$tmp"
  src="$(find "$tmp" -maxdepth 2 -name odoo-bin -printf '%h\n' | head -1)"
  [ -n "$src" ] || ccm_die "the downloaded archive has no odoo-bin"
  mv "$src" "$ODOO_SOURCE"
  rm -rf "$tmp"
fi
ccm_have_odoo || ccm_require_odoo
grep -q "version_info = (18, 0" "$ODOO_SOURCE/odoo/release.py" \
  || ccm_die "$ODOO_SOURCE is not Odoo 18.0 (see odoo/release.py)"
[ -f "$ODOO_SOURCE/requirements.txt" ] \
  || ccm_die "$ODOO_SOURCE has no requirements.txt: give a complete Odoo 18.0 source tree"
ccm_remember_odoo_source

# 2. virtualenv (shared by every clone; rebuilt only when its key changes)
"$CCM_PYTHON" -c 'import sys; assert sys.version_info[:2] >= (3, 10)' 2>/dev/null \
  || ccm_die "Odoo 18.0 needs Python 3.10 to 3.12 ($CCM_PYTHON is $("$CCM_PYTHON" -V 2>&1))"
if [ ! -f "$CCM_VENV/.complete" ]; then
  ccm_info "building the virtualenv $CCM_VENV (a few minutes, once)"
  rm -rf "$CCM_VENV"
  "$CCM_PYTHON" -m venv "$CCM_VENV"
  # pip, without the noise of this machine's extra index locations
  pip() { "$CCM_VENV/bin/pip" "$@" 2>&1 | { grep -v "^WARNING: Location .* is ignored" || true; }; return "${PIPESTATUS[0]}"; }
  # Old sdists of Odoo's pins import pkg_resources: build them without isolation,
  # against a setuptools that still has it.
  pip install -q --upgrade pip 'setuptools<70' wheel 'Cython<3'
  # Odoo's pins, with the fixes Python 3.11 needs: cbor2 5.4.2 has no usable build
  # (5.6.2 works); python-ldap is only for the auth_ldap addon and needs libldap headers.
  sed -e 's/^cbor2==5\.4\.2.*/cbor2==5.6.2/' -e '/^python-ldap/d' \
    "$ODOO_SOURCE/requirements.txt" >"$CCM_VENV/odoo-requirements.txt"
  pip install -q --no-build-isolation -r "$CCM_VENV/odoo-requirements.txt"
  pip install -q -r "$CCM_ROOT/requirements.txt"
  touch "$CCM_VENV/.complete"
fi

# 3. The browser of the tours and screenshots, the PDF renderer and its checker (Debian's
#    packages): installed when we are root with apt-get, else asked for.
ccm_system_tools() {
  local missing=() cmd pkg
  for pair in chromium:chromium chromedriver:chromium-driver wkhtmltopdf:wkhtmltopdf pdftotext:poppler-utils; do
    cmd="${pair%%:*}"; pkg="${pair#*:}"
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    ccm_info "installing ${missing[*]} (the tours' browser, the PDF renderer and pdftotext)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
             apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; } \
      || ccm_info "could not install ${missing[*]}: install them, e.g. sudo apt-get install ${missing[*]}"
  else
    ccm_info "missing ${missing[*]}: the browser tours, 'make screenshots' and the PDF test need them;" \
      "install them, e.g. sudo apt-get install ${missing[*]}"
  fi
}
ccm_system_tools

# 3b. rtlcss (npm), which Odoo runs to build the right-to-left stylesheets of Persian (and
#     Arabic, Hebrew) screens: without it Odoo logs a warning and serves the left-to-right
#     ones, so a Persian user reads Persian words laid out left to right. Installed in the
#     cache (no global install); tools/env.sh puts it on the PATH of Odoo.
ccm_rtlcss() {
  command -v rtlcss >/dev/null 2>&1 && return 0
  if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    ccm_info "installing npm (for rtlcss, the right-to-left stylesheets of Persian screens)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
             apt-get install -y -q --no-install-recommends npm >/dev/null; } || true
  fi
  if command -v npm >/dev/null 2>&1; then
    ccm_info "installing rtlcss into $CCM_NODE (the right-to-left stylesheets of Persian screens)"
    mkdir -p "$CCM_NODE"
    npm install --prefix "$CCM_NODE" --no-audit --no-fund --loglevel=error "rtlcss@4" >/dev/null \
      || ccm_info "could not install rtlcss: Persian screens stay left to right (npm install -g rtlcss)"
  else
    ccm_info "missing npm and rtlcss: Persian screens stay left to right; install rtlcss" \
      "(npm install -g rtlcss)"
  fi
}
ccm_rtlcss

# 4. PostgreSQL and the Odoo configuration
ccm_pg_start
ccm_write_conf
ccm_info "setup done in $(( $(date +%s) - t0 )) s: Odoo $ODOO_SOURCE, venv $CCM_VENV, PostgreSQL $PGHOST:$PGPORT"
