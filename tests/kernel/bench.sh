#!/usr/bin/env bash
# tests/kernel/bench.sh: a benchmark, not a test. One VM run with both the
# real ovpn-dco-v2 (Debian's openvpn-dco-dkms) and ours; iperf3 throughput
# through a Debian openvpn 2.6 DCO tunnel with each, per cipher, printed as
# a ratio ours/real. Emulated throughput is only comparable within one run.
#
# usage: bench.sh [--module KO (ours, default kernel/ovpn-dco-v2.ko)] [--real KO]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ours=$repo/kernel/ovpn-dco-v2.ko
real=""
while [ $# -gt 0 ]; do
  case "$1" in
  --module) ours=$2; shift 2 ;;
  --real) real=$2; shift 2 ;;
  *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
kver=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1)
[ -n "$real" ] || real=$(ls /lib/modules/"$kver"/updates/dkms/ovpn-dco-v2.ko* 2>/dev/null | head -n1)
[ -f "$ours" ] || { echo "bench.sh: no module $ours (make -C kernel)" >&2; exit 1; }
[ -n "$real" ] && [ -f "$real" ] || { echo "bench.sh: the real module is not built (dkms)" >&2; exit 1; }

work=$(mktemp -d /tmp/kvmt-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$here/run.sh" --module "$ours" --bench-module "$real" --out "$work/vm" --timeout 1200 \
  --append "ktest.script=/ktest/bench-guest.sh" >"$work/run.txt" 2>&1
rc=$?
grep -E '^KTEST' "$work/run.txt"
if [ "$rc" -ne 0 ]; then
  echo "bench.sh: the benchmark VM failed (exit $rc)" >&2
  tail -n 40 "$work/run.txt" >&2
  exit 1
fi
echo "== iperf3 TCP through openvpn 2.6 DCO, UDP IPv4, same VM (Mbit/s, mean of 2 runs each)"
grep '^KTEST-BENCH' "$work/vm/console.log" | awk '
  { sum[$2 " " $3] += $4; n[$2 " " $3]++; c[$3] = 1 }
  END {
    printf "%-20s %10s %10s %8s\n", "cipher", "real", "ours", "ours/real"
    for (k in c) {
      r = sum["real " k] / n["real " k]; o = sum["ours " k] / n["ours " k]
      printf "%-20s %10.1f %10.1f %8.2f\n", k, r, o, (r > 0 ? o / r : 0)
    }
  }'
