#!/usr/bin/env bash
# tests/bench/userspace.sh: throughput, CPU time and peak memory of our
# client against Debian's OpenVPN 2.6 client, both in userspace (no DCO),
# each talking to the same 2.6 server over UDP in network namespaces.
# A benchmark, not a test: no thresholds, it only prints a table.
#
#   userspace.sh [--ours PATH] [--ref PATH] [--time SECONDS] [--ciphers "A B"]
#
# Per cipher and per client: iperf3 through the tunnel for SECONDS in each
# direction (client->server "up", then -R "down"); the client's CPU time
# (utime+stime from /proc/PID/stat) over both runs, and its peak RSS
# (VmHWM from /proc/PID/status); the 2.6 server's CPU time is shown too
# (when it is near the wall time, the server is the bottleneck). Ratios are ours/2.6 (throughput: higher is
# better; CPU per GiB and RSS: lower is better). Needs root and iperf3.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../interop/lib.sh"

OURS="$HERE/../../build/bin/openvpn"
REF=/usr/sbin/openvpn
SECS=10
CIPHERS="AES-256-GCM CHACHA20-POLY1305"
while [ $# -gt 0 ]; do
  case "$1" in
  --ours) OURS=$2; shift 2 ;;
  --ref) REF=$2; shift 2 ;;
  --time) SECS=$2; shift 2 ;;
  --ciphers) CIPHERS=$2; shift 2 ;;
  -h | --help) sed -n 2,16p "$0"; exit 0 ;;
  *) echo "userspace.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "userspace.sh: needs root (network namespaces)" >&2; exit 2; }
command -v iperf3 >/dev/null || { echo "userspace.sh: iperf3 missing" >&2; exit 2; }
for b in "$OURS" "$REF"; do
  [ -x "$b" ] || { echo "userspace.sh: not executable: $b" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/prx-bench.XXXXXX)
trap cleanup EXIT
setup_netns || { echo "userspace.sh: namespace setup failed" >&2; exit 2; }
make_keys "$REF" || { echo "userspace.sh: key generation failed" >&2; exit 2; }
K="$WORK/keys"
TCK=$(getconf CLK_TCK)

server_conf() { # $1 = cipher
  cat <<EOC
dev tun
proto udp
port 1194
topology subnet
server 10.94.0.0 255.255.255.0
ca $K/ca.crt
cert $K/server.crt
key $K/server.key
dh none
keepalive 2 10
data-ciphers $1
disable-dco
verb 1
EOC
}
client_conf() { # $1 = cipher
  cat <<EOC
client
dev tun
proto udp
remote $UNDER_S 1194
nobind
ca $K/ca.crt
cert $K/client.crt
key $K/client.key
remote-cert-tls server
data-ciphers $1
disable-dco
verb 3
EOC
}

cpu_ticks() { # utime + stime of PID (fields 14 and 15 after the comm field)
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# iperf_mbits [-R]: receiver-side Mbit/s of one run from the client namespace.
iperf_mbits() {
  ip netns exec "$NS_C" iperf3 -c "$TUN_S" -t "$SECS" -f m "$@" >"$WORK/iperf.out" 2>&1 || {
    log "iperf3 failed: $(tail -2 "$WORK/iperf.out" | tr '\n' ' ')"
    echo 0
    return
  }
  awk '/receiver/ {for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") v = $(i - 1)} END {print v + 0}' \
    "$WORK/iperf.out"
}

declare -A R
run_case() { # $1 = cipher, $2 = ours|ref
  local cipher=$1 who=$2 bin=$REF
  [ "$who" = ours ] && bin=$OURS
  server_conf "$cipher" >"$WORK/server.conf"
  client_conf "$cipher" >"$WORK/client.conf"
  start_daemon server "$NS_S" "$REF" "$WORK/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  start_daemon client "$NS_C" "$bin" "$WORK/client.conf"
  wait_ready client 40 || { stop_daemon client; stop_daemon server; return 1; }
  local cpid spid t0 t1 s0 s1 up down hwm srvpid
  cpid=$(cat "$WORK/client.pid")
  srvpid=$(cat "$WORK/server.pid")
  ip netns exec "$NS_S" iperf3 -s -B "$TUN_S" -1 >/dev/null 2>&1 &
  spid=$!
  PIDS+=("$spid")
  sleep 0.5
  t0=$(cpu_ticks "$cpid")
  s0=$(cpu_ticks "$srvpid")
  up=$(iperf_mbits)
  wait "$spid" 2>/dev/null
  ip netns exec "$NS_S" iperf3 -s -B "$TUN_S" -1 >/dev/null 2>&1 &
  spid=$!
  PIDS+=("$spid")
  sleep 0.5
  down=$(iperf_mbits -R)
  wait "$spid" 2>/dev/null
  t1=$(cpu_ticks "$cpid")
  s1=$(cpu_ticks "$srvpid")
  hwm=$(hwm_kib "$cpid")
  stop_daemon client TERM
  stop_daemon server TERM
  rm -f "$WORK"/*.log "$WORK"/*.pid
  local cpu gib
  cpu=$(awk -v a="$t0" -v b="$t1" -v t="$TCK" 'BEGIN {printf "%.2f", (b - a) / t}')
  # GiB moved in both runs, from the measured rates.
  gib=$(awk -v u="$up" -v d="$down" -v s="$SECS" 'BEGIN {printf "%.3f", (u + d) * s / 8 / 1024}')
  R[$cipher,$who,up]=$up
  R[$cipher,$who,down]=$down
  R[$cipher,$who,cpu]=$cpu
  R[$cipher,$who,srv]=$(awk -v a="$s0" -v b="$s1" -v t="$TCK" 'BEGIN {printf "%.2f", (b - a) / t}')
  R[$cipher,$who,cpugib]=$(awk -v c="$cpu" -v g="$gib" 'BEGIN {if (g > 0) printf "%.2f", c / g; else print "n/a"}')
  R[$cipher,$who,hwm]=$(awk -v k="$hwm" 'BEGIN {printf "%.1f", k / 1024}')
  sleep 0.5
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b + 0 > 0 && a != "n/a") printf "%.2f", a / b; else print "n/a"}'; }

log "ours: $OURS; 2.6: $REF ($("$REF" --version | head -1 | cut -d' ' -f1-2)); $SECS s per direction"
for c in $CIPHERS; do
  for who in ref ours; do
    log "$c: $who client"
    run_case "$c" "$who" || { log "$c/$who: tunnel did not come up"; R[$c,$who,up]=n/a; }
  done
done

printf '\n%-18s %-6s %12s %12s %9s %12s %11s %11s\n' cipher client "up Mbit/s" "down Mbit/s" "CPU s" "CPU s/GiB" \
  "VmHWM MiB" "2.6 srv CPU"
for c in $CIPHERS; do
  for who in ref ours; do
    printf '%-18s %-6s %12s %12s %9s %12s %11s %11s\n' "$c" "$([ $who = ref ] && echo 2.6 || echo ours)" \
      "${R[$c,$who,up]:-n/a}" "${R[$c,$who,down]:-n/a}" "${R[$c,$who,cpu]:-n/a}" "${R[$c,$who,cpugib]:-n/a}" \
      "${R[$c,$who,hwm]:-n/a}" "${R[$c,$who,srv]:-n/a}"
  done
  printf '%-18s %-6s %12s %12s %9s %12s %11s\n' "$c" "ratio" \
    "$(ratio "${R[$c,ours,up]:-n/a}" "${R[$c,ref,up]:-0}")" "$(ratio "${R[$c,ours,down]:-n/a}" "${R[$c,ref,down]:-0}")" \
    "$(ratio "${R[$c,ours,cpu]:-n/a}" "${R[$c,ref,cpu]:-0}")" \
    "$(ratio "${R[$c,ours,cpugib]:-n/a}" "${R[$c,ref,cpugib]:-0}")" \
    "$(ratio "${R[$c,ours,hwm]:-n/a}" "${R[$c,ref,hwm]:-0}")"
done
echo "(ratio = ours/2.6; the host is shared and noisy: compare runs, not single figures)"
