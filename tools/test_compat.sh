#!/usr/bin/env bash
# make test-compat: Odoo's own tests of the modules the addon extends, on two databases with
# Odoo's demo data and the addon's dependencies, one without and one with the addon. Fails when
# a test fails only with the addon; a test failing on both is the environment's, not ours.
#
#   tools/test_compat.sh              the whole comparison
#   tools/test_compat.sh --template   build (or reuse) the dependency template, print its name
#   tools/test_compat.sh --copy-template DB   the same, then copy it to DB (make test uses it)
#
# The dependency template (dependencies + Odoo's demo data, no addon) is built once and kept:
# its name carries a hash of the manifest's `depends` and of Odoo's release, so a change of
# either builds a new one. `make test` copies it too, for its demo-data phase.
# Environment: CCM_COMPAT_PREFIX (database name prefix, default ccm_compat),
# CCM_TEST_HTTP_PORT (HTTP port of the test servers, default 8079), CCM_COMPAT_TESTS (a space
# separated list of test files relative to Odoo's addons directory, to run a subset).
set -uo pipefail
. "$(dirname "$0")/env.sh"
cd "$CCM_ROOT"

MODULE=crm_customer_management
PREFIX="${CCM_COMPAT_PREFIX:-ccm_compat}"
[ -x "$CCM_VENV/bin/pytest" ] || ccm_die "the virtualenv is missing: run 'make setup' first"
ccm_require_odoo
PY="$CCM_VENV/bin/python"
export PYTHONPATH="$ODOO_SOURCE${PYTHONPATH:+:$PYTHONPATH}"
ADDONS="$ODOO_SOURCE/odoo/addons"
[ -d "$ODOO_SOURCE/addons/crm" ] && ADDONS="$ODOO_SOURCE/addons"

# Odoo's own tests of the modules the addon extends: the files, relative to $ADDONS.
# Chosen to stay within ~35 minutes for both databases on a 2-core machine (see README).
COMPAT_TESTS=(
  # crm: leads, conversion, lost, merge, multi-company, query counts
  crm/tests/test_crm_lead.py
  crm/tests/test_crm_lead_convert.py
  crm/tests/test_crm_lead_lost.py
  crm/tests/test_crm_lead_merge.py
  crm/tests/test_crm_lead_multicompany.py
  crm/tests/test_performances.py
  crm/tests/test_crm_activity.py
  # sale: flow, invoicing, orders, access rights, refunds
  sale/tests/test_sale_flow.py
  sale/tests/test_sale_to_invoice.py
  sale/tests/test_sale_order.py
  sale/tests/test_access_rights.py
  sale/tests/test_sale_refund.py
  sale_crm/tests/test_sale_crm.py
  sale_crm/tests/test_crm_lead_convert_quotation.py
  sale_margin/tests/test_sale_margin.py
  # sale_stock: deliveries of orders, returns, access rights
  sale_stock/tests/test_sale_stock.py
  sale_stock/tests/test_sale_stock_access_rights.py
  sale_stock/tests/test_sale_stock_multicompany.py
  sale_stock/tests/test_create_perf.py
  # stock: pickings and returns
  stock/tests/test_stock_flow.py
  stock/tests/test_stock_return_picking.py
  # account: customer invoices, payment register, reconciliation, partner merge
  account/tests/test_account_move_out_invoice.py
  account/tests/test_account_payment_register.py
  account/tests/test_account_move_reconcile.py
  account/tests/test_res_partner_merge.py
  # survey (the addon's need surveys) and portal (the addon's portal pages)
  survey/tests/test_survey.py
  survey/tests/test_survey_flow.py
  survey/tests/test_survey_security.py
  survey/tests/test_survey_performance.py
  portal/tests/test_portal.py
  portal/tests/test_portal_wizard.py
)
if [ -n "${CCM_COMPAT_TESTS:-}" ]; then
  read -r -a COMPAT_TESTS <<<"$CCM_COMPAT_TESTS"
fi

# The dependency set: the manifest's `depends` and Odoo's identity (a git commit, else the
# release and the build time of the source tree).
deps_csv() {
  "$PY" -c 'import ast, sys; print(",".join(ast.literal_eval(open(sys.argv[1]).read())["depends"]))' \
    "$CCM_ROOT/$MODULE/__manifest__.py"
}
odoo_identity() {
  grep -E "^version_info = " "$ODOO_SOURCE/odoo/release.py"
  git -C "$ODOO_SOURCE" rev-parse HEAD 2>/dev/null \
    || stat -c %Y "$ODOO_SOURCE/odoo-bin" "$ODOO_SOURCE/odoo/release.py"
}
template_name() {
  local key
  key=$({ deps_csv; odoo_identity; } | sha256sum | cut -c1-10)
  echo "${PREFIX}_deps_${key}"
}

db_exists() { psql -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; }

# copy a database and its filestore (attachments of Odoo's demo data live there)
db_copy() {
  local src=$1 dst=$2
  dropdb --if-exists "$dst" >/dev/null 2>&1
  createdb -T "$src" "$dst" || return 1
  rm -rf "$CCM_DATA_DIR/filestore/$dst"
  if [ -d "$CCM_DATA_DIR/filestore/$src" ]; then
    mkdir -p "$CCM_DATA_DIR/filestore"
    cp -a "$CCM_DATA_DIR/filestore/$src" "$CCM_DATA_DIR/filestore/$dst"
  fi
}

# Build the template once: the dependencies with Odoo's demo data, then mark it a template.
# A build that fails or is interrupted leaves only a `_building` database behind.
ensure_template() {
  local tpl deps log building t0
  tpl=$(template_name)
  ccm_pg_start
  ccm_write_conf
  # one build at a time (make test and make test-compat may start together)
  mkdir -p "$CCM_CACHE"
  exec 9>"$CCM_CACHE/$tpl.lock"
  flock 9
  if db_exists "$tpl"; then
    echo "$tpl"
    return 0
  fi
  deps=$(deps_csv)
  building="${tpl}_building"
  log="$CCM_LOGDIR/$tpl.log"
  t0=$(date +%s)
  ccm_info "building the dependency template $tpl ($deps, Odoo's demo data; once, about 5-10 min)"
  dropdb --if-exists "$building" >/dev/null 2>&1
  rm -rf "$CCM_DATA_DIR/filestore/$building"
  if ! "$CCM_ROOT/bin/odoo" -d "$building" -i "$deps" --stop-after-init --no-http \
        --log-level=warn --logfile="$log" >/dev/null 2>&1; then
    tail -30 "$log" >&2
    ccm_die "building the dependency template failed (log: $log)"
  fi
  psql -qc "ALTER DATABASE \"$building\" RENAME TO \"$tpl\"" || ccm_die "renaming $building failed"
  if [ -d "$CCM_DATA_DIR/filestore/$building" ]; then
    mv "$CCM_DATA_DIR/filestore/$building" "$CCM_DATA_DIR/filestore/$tpl"
  fi
  ccm_info "dependency template $tpl built in $(( $(date +%s) - t0 )) s"
  echo "$tpl"
}

case "${1:-}" in
  --template)
    ensure_template
    exit $?
    ;;
  --copy-template)
    [ -n "${2:-}" ] || ccm_die "usage: $0 --copy-template DATABASE"
    tpl=$(ensure_template) || exit 1
    db_copy "$tpl" "$2" || ccm_die "copying $tpl to $2 failed"
    exit 0
    ;;
  "") ;;
  *) ccm_die "usage: $0 [--template | --copy-template DATABASE]" ;;
esac

# Run Odoo's tests on one database with pytest-odoo (every test sees the whole registry, the
# addon's overrides included; Odoo's own runner would run a module's at_install tests while
# only that module and its dependencies are loaded, before the addon).
run_tests() {
  local db=$1 out=$2
  local files=()
  local f
  for f in "${COMPAT_TESTS[@]}"; do files+=("$ADDONS/$f"); done
  sed "s/^http_port = .*/http_port = ${CCM_TEST_HTTP_PORT:-8079}/" "$CCM_CONF" >"$out/$db.conf"
  "$CCM_VENV/bin/pytest" -q -p no:cacheprovider --odoo-http --odoo-config="$out/$db.conf" \
    --odoo-database="$db" --rootdir="$ODOO_SOURCE" --junitxml="$out/$db.xml" --durations=15 \
    "${files[@]}" >"$out/$db.log" 2>&1
  return 0
}

main() {
  local tpl without with out t0 t1 t2 t3 status=0 log
  out="$CCM_CACHE/test-results/$PREFIX"
  mkdir -p "$out"
  rm -f "$out"/*.xml "$out"/*.log
  t0=$(date +%s)
  tpl=$(ensure_template) || exit 1
  t1=$(date +%s)
  without="${PREFIX}_without"
  with="${PREFIX}_with"
  ccm_info "copying $tpl to $without and $with, installing $MODULE on $with"
  db_copy "$tpl" "$without" && db_copy "$tpl" "$with" || ccm_die "copying $tpl failed"
  log="$out/install.log"
  if ! "$CCM_ROOT/bin/odoo" -d "$with" -i "$MODULE" --stop-after-init --no-http \
        --log-level=warn --logfile="$log" >/dev/null 2>&1; then
    tail -30 "$log" >&2
    ccm_die "installing $MODULE on $with failed (log: $log)"
  fi
  t2=$(date +%s)
  ccm_info "Odoo's tests (${#COMPAT_TESTS[@]} files) on $without and $with, side by side"
  run_tests "$without" "$out" &
  local pid_without=$!
  run_tests "$with" "$out" &
  local pid_with=$!
  wait "$pid_without" "$pid_with"
  t3=$(date +%s)
  echo "logs: $out/$without.log, $out/$with.log"
  echo "timings: template $((t1 - t0)) s, copies + addon install $((t2 - t1)) s," \
    "Odoo's tests $((t3 - t2)) s, total $((t3 - t0)) s"
  "$PY" - "$out/$without.xml" "$out/$with.xml" <<'PYEOF' || status=1
import sys
import xml.etree.ElementTree as ET


def results(path):
    """{test name: outcome} of a pytest junit file; None when the run produced no file."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    found = {}
    for case in root.iter("testcase"):
        module = case.get("classname", "")
        # odoo.addons.crm.tests.test_crm_lead.TestCRMLead -> crm/tests/test_crm_lead.py::TestCRMLead
        parts = module.removeprefix("odoo.addons.").split(".")
        name = "/".join(parts[:-1]) + ".py::" + parts[-1] + "::" + case.get("name", "")
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
            elif child.tag == "skipped" and outcome == "passed":
                outcome = "skipped"
        found[name] = outcome
    return found


without, with_ = results(sys.argv[1]), results(sys.argv[2])
if without is None or with_ is None or not without or not with_:
    print(f"no test results: {sys.argv[1] if not without else sys.argv[2]} is missing or empty")
    sys.exit(1)
for label, res in (("without the addon", without), ("with the addon   ", with_)):
    count = {k: sum(1 for v in res.values() if v == k) for k in ("passed", "failed", "skipped")}
    print(
        f"{label}: {len(res)} tests, {count['passed']} passed, {count['failed']} failed, "
        f"{count['skipped']} skipped"
    )
both = sorted(n for n in without if without[n] == "failed" and with_.get(n) == "failed")
if both:
    print(f"{len(both)} tests fail on both (the environment, not the addon):")
    for name in both:
        print(f"  {name}")
fixed = sorted(n for n in without if without[n] == "failed" and with_.get(n) == "passed")
if fixed:
    print(f"{len(fixed)} tests fail only without the addon:")
    for name in fixed:
        print(f"  {name}")
missing = sorted(set(without) ^ set(with_))
if missing:
    print(f"{len(missing)} tests ran on one database only:")
    for name in missing:
        print(f"  {name}")
regressions = sorted(n for n in with_ if with_[n] == "failed" and without.get(n) != "failed")
if regressions:
    print(f"{len(regressions)} tests fail only with the addon:")
    for name in regressions:
        print(f"  {name}")
else:
    print("0 tests fail only with the addon")
sys.exit(1 if regressions else 0)
PYEOF
  return $status
}

main
