#!/usr/bin/env bash
# Stage 20-interop: every scenario of tests/interop/run.sh against Debian's
# OpenVPN 2.6 in network namespaces, in the three pairings at once:
#   client  ours as the client (the connecting p2p peer, and the listening
#           one in the *-rev scenarios), 2.6 as the server
#   server  ours as the P2MP server (the listening p2p peer), 2.6 as client
#   both    ours at both ends
# Per scenario a ping and a 20 MiB TCP transfer checked by sha256 on the far
# side. The pairings share nothing (namespaces, veths and work directories
# are named by each run's pid), and they wait on handshakes and timers far
# more than they compute, so running them side by side takes a third of
# the time. The SLOW scenarios (run.sh --list-slow: --mtu-test's three
# minutes) start first, each pairing of each in its own run in the
# background, and are collected at the end, so they add no time to the
# stage. Each run's output is printed whole, in this order, when all are
# done. Needs root and build/bin/openvpn; fails loudly without either.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/interop-stage.XXXXXX)
trap 'rm -rf "$out"' EXIT
modes=(client server both)
mapfile -t slow < <(bash "$here/../interop/run.sh" --list-slow)
# slow runs first: "MODE SCENARIO" each, output in $out/MODE-SCENARIO.log
runs=()
pids=()
for m in "${modes[@]}"; do
  for s in "${slow[@]}"; do
    bash "$here/../interop/stage.sh" "$m" "$s" >"$out/$m-$s.log" 2>&1 &
    runs+=("$m $s")
    pids+=("$!")
  done
done
main=()
for m in "${modes[@]}"; do
  bash "$here/../interop/stage.sh" "$m" >"$out/$m.log" 2>&1 &
  main+=("$!")
done
rc=0
for i in "${!modes[@]}"; do
  if wait "${main[$i]}"; then st=PASS; else st=FAIL; rc=1; fi
  echo "---- interop --mode ${modes[$i]}: $st"
  cat "$out/${modes[$i]}.log"
done
main_done=$SECONDS
for i in "${!runs[@]}"; do
  if wait "${pids[$i]}"; then st=PASS; else st=FAIL; rc=1; fi
  read -r m s <<<"${runs[$i]}"
  echo "---- interop --mode $m $s: $st"
  cat "$out/$m-$s.log"
done
# what the slow runs cost the stage: the wait for them after the pairings
echo "---- interop: pairings done after ${main_done} s, slow runs after ${SECONDS} s" \
  "(the stage waited $((SECONDS - main_done)) s more for them)"
exit "$rc"
