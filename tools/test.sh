#!/usr/bin/env bash
# make test: the pure analytics tests, then the Odoo suite (pytest-odoo) on a fresh database
# with the addon installed and no demo data, then an upgrade and an uninstall of the addon on
# that database; then the Odoo suite again on a database with Odoo's demo data (a copy of the
# dependency template that `make test-compat` builds once, with the addon installed).
# Prints one summary line counting the three suites. Fails (never skips) when Odoo is missing.
set -uo pipefail
. "$(dirname "$0")/env.sh"
cd "$CCM_ROOT"

MODULE=crm_customer_management
DB="${CCM_TEST_DB:-ccm_test}"
out="$CCM_CACHE/test-results/$DB"
mkdir -p "$out"
rm -f "$out"/*.xml

[ -x "$CCM_VENV/bin/pytest" ] || ccm_die "the virtualenv is missing: run 'make setup' first"
ccm_require_odoo
PY="$CCM_VENV/bin/python"
export PYTHONPATH="$ODOO_SOURCE${PYTHONPATH:+:$PYTHONPATH}"
status=0
t0=$(date +%s)

ccm_info "pure analytics tests (tests/)"
"$CCM_VENV/bin/pytest" -q -p no:cacheprovider -p no:odoo --junitxml="$out/pure.xml" tests || status=1
t1=$(date +%s)

ccm_info "installing $MODULE on a fresh database $DB"
ccm_pg_start
ccm_write_conf
dropdb --if-exists "$DB" >/dev/null 2>&1
log="$out/install.log"
if ! "$CCM_ROOT/bin/odoo" -d "$DB" -i "$MODULE" --without-demo=all --stop-after-init \
      --log-level=info --logfile="$log" >/dev/null 2>&1; then
  tail -40 "$log" >&2
  ccm_die "installing $MODULE failed (log: $log)"
fi
if grep -E " (WARNING|ERROR|CRITICAL) " "$log" | grep -i "$MODULE"; then
  echo "FAILED: installing $MODULE logged the warnings or errors above" >&2
  status=1
fi
t2=$(date +%s)

ccm_info "Odoo suite ($MODULE/tests) with pytest-odoo"
# the HTTP tests get their own port, so that a running 'make run' server is no obstacle
sed "s/^http_port = .*/http_port = ${CCM_TEST_HTTP_PORT:-8079}/" "$CCM_CONF" >"$out/test.conf"
"$CCM_VENV/bin/pytest" -q -p no:cacheprovider --odoo-http --odoo-config="$out/test.conf" --odoo-database="$DB" \
  --junitxml="$out/odoo.xml" "$MODULE/tests" || status=1
t3=$(date +%s)

ccm_info "upgrade and uninstall of $MODULE"
ulog="$out/upgrade.log"
if ! "$CCM_ROOT/bin/odoo" -d "$DB" -u "$MODULE" --stop-after-init --log-level=warn \
      --logfile="$ulog" >/dev/null 2>&1 || grep -E " (ERROR|CRITICAL) " "$ulog"; then
  echo "FAILED: upgrading $MODULE (log: $ulog)" >&2
  status=1
fi
if ! "$PY" "$CCM_ROOT/tools/uninstall_check.py" -c "$CCM_CONF" -d "$DB" "$MODULE"; then
  echo "FAILED: uninstalling $MODULE" >&2
  status=1
fi
t4=$(date +%s)

DEMO_DB="${DB}_demo"
ccm_info "Odoo suite ($MODULE/tests) on $DEMO_DB, with Odoo's demo data"
dlog="$out/install_demo.log"
if ! bash "$CCM_ROOT/tools/test_compat.sh" --copy-template "$DEMO_DB" >/dev/null; then
  echo "FAILED: the demo-data database $DEMO_DB could not be made" >&2
  status=1
elif ! "$CCM_ROOT/bin/odoo" -d "$DEMO_DB" -i "$MODULE" --stop-after-init --no-http \
      --log-level=info --logfile="$dlog" >/dev/null 2>&1; then
  tail -40 "$dlog" >&2
  echo "FAILED: installing $MODULE on $DEMO_DB (log: $dlog)" >&2
  status=1
else
  if grep -E " (WARNING|ERROR|CRITICAL) " "$dlog" | grep -i "$MODULE"; then
    echo "FAILED: installing $MODULE on $DEMO_DB logged the warnings or errors above" >&2
    status=1
  fi
  "$CCM_VENV/bin/pytest" -q -p no:cacheprovider --odoo-http --odoo-config="$out/test.conf" \
    --odoo-database="$DEMO_DB" --junitxml="$out/odoo_demo.xml" "$MODULE/tests" || status=1
fi
t5=$(date +%s)

"$PY" - "$out/pure.xml" "$out/odoo.xml" "$out/odoo_demo.xml" <<'PYEOF' || status=1
import sys
import xml.etree.ElementTree as ET
totals = {}
names = ("pure", "odoo", "odoo (demo data)")
for path, name in zip(sys.argv[1:], names, strict=True):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        print(f"{name} suite: no result file ({path})")
        totals[name] = (0, 1, 0)
        continue
    suites = [root] if root.tag == "testsuite" else list(root)
    tests = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    totals[name] = (tests - failed - skipped, failed, skipped)
    print(f"{name} suite: {tests - failed - skipped} passed, {failed} failed, {skipped} skipped")
    for case in root.iter("testcase"):
        if any(child.tag in ("failure", "error") for child in case):
            print(f"  failed: {case.get('classname', '')}.{case.get('name', '')}")
passed = sum(t[0] for t in totals.values())
failed = sum(t[1] for t in totals.values())
skipped = sum(t[2] for t in totals.values())
for name in names[1:]:
    if totals[name][0] == 0:
        print(f"the {name} suite ran no test")
        failed += 1
print(f"summary: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PYEOF
echo "timings: pure $((t1 - t0)) s, install $((t2 - t1)) s, odoo suite $((t3 - t2)) s," \
  "upgrade+uninstall $((t4 - t3)) s, demo data (copy, install, odoo suite) $((t5 - t4)) s"
exit $status
