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
# the time. Each pairing's output is printed whole, in this order, when all
# are done. Needs root and build/bin/openvpn; fails loudly without either.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/interop-stage.XXXXXX)
trap 'rm -rf "$out"' EXIT
modes=(client server both)
pids=()
for m in "${modes[@]}"; do
  bash "$here/../interop/stage.sh" "$m" >"$out/$m.log" 2>&1 &
  pids+=("$!")
done
rc=0
for i in "${!modes[@]}"; do
  if wait "${pids[$i]}"; then st=PASS; else st=FAIL; rc=1; fi
  echo "---- interop --mode ${modes[$i]}: $st"
  cat "$out/${modes[$i]}.log"
done
exit "$rc"
