#!/usr/bin/env bash
# tests/kernel/bench-daemon.sh: a benchmark of our daemon, not a test. One
# VM, one module (Debian's real ovpn-dco-v2 by default, or --module KO),
# Debian's 2.6 server on DCO, and the client in turn: 2.6 on DCO, ours on
# DCO, ours on the userspace data plane (--disable-dco). Prints Mbit/s per
# client and cipher (mean of 2 runs each, iperf3 TCP from the client side
# through a UDP IPv4 tunnel) and the ratios ours-dco/2.6-dco and
# ours-dco/ours-user. Emulated throughput is only comparable within one run.
# Needs build/bin/openvpn.
#
# usage: bench-daemon.sh [--module KO | --real]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
kver=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1)
module=$(ls /lib/modules/"$kver"/updates/dkms/ovpn-dco-v2.ko* 2>/dev/null | head -n1)
while [ $# -gt 0 ]; do
  case "$1" in
  --module) module=$2; shift 2 ;;
  --real) shift ;;
  *) echo "bench-daemon.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$module" ] && [ -f "$module" ] || { echo "bench-daemon.sh: no module (dkms or --module KO)" >&2; exit 1; }
[ -x "$repo/build/bin/openvpn" ] || { echo "bench-daemon.sh: build/bin/openvpn is not built" >&2; exit 1; }

work=$(mktemp -d /tmp/kvmt-bench-daemon.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$here/run.sh" --module "$module" --out "$work/vm" --timeout 1300 \
  --append "ktest.script=/ktest/bench-daemon-guest.sh" >"$work/run.txt" 2>&1
rc=$?
grep -E '^KTEST' "$work/run.txt"
if [ "$rc" -ne 0 ]; then
  echo "bench-daemon.sh: the benchmark VM failed (exit $rc)" >&2
  tail -n 40 "$work/run.txt" >&2
  exit 1
fi
echo "== iperf3 TCP through a 2.6 DCO server, UDP IPv4, module $module, same VM (Mbit/s, mean of 2 runs)"
grep '^KTEST-BENCH' "$work/vm/console.log" | tr -d '\r' | awk '
  { sum[$2 " " $3] += $4; n[$2 " " $3]++; c[$3] = 1 }
  function m(k) { return n[k] ? sum[k] / n[k] : 0 }
  END {
    printf "%-20s %9s %9s %9s %16s %17s\n", "cipher", "2.6-dco", "ours-dco", "ours-user", "ours-dco/2.6-dco", "ours-dco/ours-user"
    for (k in c) {
      t = m("2.6-dco " k); o = m("ours-dco " k); u = m("ours-user " k)
      printf "%-20s %9.1f %9.1f %9.1f %16.2f %17.2f\n", k, t, o, u, (t > 0 ? o / t : 0), (u > 0 ? o / u : 0)
    }
  }'
