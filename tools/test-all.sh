#!/usr/bin/env bash
# tools/test-all.sh: every test layer in order (unit, interop in network
# namespaces, kernel tests under qemu). Needs root for the namespace and VM
# layers; it fails loudly instead of skipping them. Run tools/setup.sh first.
# The last line is "N passed, N failed" over the stages.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failed_names=()
stage() {
  local name=$1
  shift
  echo "==== stage: $name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "==== stage $name: PASS ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    echo "==== stage $name: FAIL ($((SECONDS - t0)) s)"
  fi
}

if [ "$(id -u)" -ne 0 ]; then
  echo "test-all.sh: the interop and kernel layers need root; run as root" >&2
  exit 1
fi

stage format tools/check-format.sh
unit_log=$(mktemp)
run_unit() {
  ctest --test-dir build --output-on-failure -j"$(nproc)" -L unit 2>&1 | tee "$unit_log"
  return "${PIPESTATUS[0]}"
}
stage unit run_unit
# ctest's summary: "NN% tests passed, F tests failed out of T"
unit_total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$unit_log" | tail -1)
unit_failed=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$unit_log" | tail -1)
rm -f "$unit_log"

for s in tests/stages.d/*.sh; do
  [ -e "$s" ] || continue
  stage "$(basename "$s" .sh)" bash "$s"
done

[ "$failed" -eq 0 ] || echo "failed stages: ${failed_names[*]}"
echo "unit tests: $((${unit_total:-0} - ${unit_failed:-0})) passed, ${unit_failed:-0} failed"
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
