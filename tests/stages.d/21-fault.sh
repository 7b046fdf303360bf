#!/usr/bin/env bash
# Stage 21-fault: fault_relay_test.py (the relay against itself, on the
# loopback), then the fault scenarios (tests/interop/cases/fault.sh: loss,
# reordering, duplicates and corruption with a 50 MiB checked transfer, the
# same under a rekey every 5 s, rekeys without a wrap (dynamic tls-crypt)
# under pings, a 30 s black hole, a TCP reset mid-transfer,
# an MTU black hole) through tests/interop/fault_relay.py, in the three
# pairings side by side as stage 20 runs its scenarios:
#   client  ours as the client, 2.6 as the server
#   server  ours as the server, 2.6 as the client
#   both    ours at both ends
# A stage of its own because the set takes about three minutes per pairing
# (the black hole alone holds 30 s). Each pairing's output is printed whole
# when all are done. Needs root and build/bin/openvpn; fails loudly without.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# The scenario names, from the file that defines them.
# shellcheck disable=SC1091
cases=$(. "$here/../interop/cases/fault.sh" && echo "${FAULT_CASES[*]}")
[ -n "$cases" ] || { echo "21-fault: no FAULT_CASES in tests/interop/cases/fault.sh" >&2; exit 1; }
# The relay first checks itself (each fault alone changes exactly what its
# counter says), so the scenarios can trust its counters.
if ! python3 "$here/../interop/fault_relay_test.py"; then
  echo "21-fault: fault_relay_test.py failed: the relay's counters cannot be trusted" >&2
  exit 1
fi
out=$(mktemp -d /tmp/fault-stage.XXXXXX)
trap 'rm -rf "$out"' EXIT
modes=(client server both)
pids=()
for m in "${modes[@]}"; do
  # shellcheck disable=SC2086
  bash "$here/../interop/stage.sh" "$m" $cases >"$out/$m.log" 2>&1 &
  pids+=("$!")
done
rc=0
for i in "${!modes[@]}"; do
  if wait "${pids[$i]}"; then st=PASS; else st=FAIL; rc=1; fi
  echo "---- fault --mode ${modes[$i]}: $st"
  cat "$out/${modes[$i]}.log"
done
exit "$rc"
