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
stage unit ctest --test-dir build --output-on-failure -j"$(nproc)" -L unit

for s in tests/stages.d/*.sh; do
  [ -e "$s" ] || continue
  stage "$(basename "$s" .sh)" bash "$s"
done

[ "$failed" -eq 0 ] || echo "failed stages: ${failed_names[*]}"
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
