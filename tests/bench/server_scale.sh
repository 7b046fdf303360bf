#!/usr/bin/env bash
# tests/bench/server_scale.sh: how a server copes with many clients: our
# server (--disable-dco, the userspace data plane) against Debian's
# OpenVPN 2.6 server (--disable-dco too), in network namespaces over UDP.
# A benchmark, not a test: no thresholds, it only prints a table.
#
#   server_scale.sh [--ours PATH] [--ref PATH] [--clients "100 500"] [--timeout SECONDS]
#
# The clients are Debian's 2.6 (one process each, a tun left unconfigured:
# --ifconfig-noexec, since 2.6 refuses --dev null as a client; all with the
# same certificate: the servers run --duplicate-cn), so both servers face
# the same load; a single-process load generator is still to come (issue
# 14). Per client count, ours then 2.6 (alternating, in one run), each
# against a fresh server:
#   - bring-up: seconds from starting the N clients until each has logged
#     "Initialization Sequence Completed" (TLS handshake, push, data keys);
#     with every client process on this machine too, the clients' own CPU
#     is part of it, the same for both servers;
#   - handshakes/s: N over the bring-up time;
#   - server CPU: the server's utime+stime (/proc/PID/stat) over the bring-up;
#   - RSS/client: the server's VmRSS with N clients connected minus its
#     VmRSS before the first, over N (KiB);
#   - ratios ours/2.6 (bring-up, CPU and RSS: lower is better).
# Needs root; with 2,000 clients about 15 GB of RAM (2.6 clients).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../interop/lib.sh"

OURS="$HERE/../../build/bin/openvpn"
REF=/usr/sbin/openvpn
COUNTS="100 500"
TIMEOUT=300
while [ $# -gt 0 ]; do
  case "$1" in
  --ours) OURS=$2; shift 2 ;;
  --ref) REF=$2; shift 2 ;;
  --clients) COUNTS=$2; shift 2 ;;
  --timeout) TIMEOUT=$2; shift 2 ;;
  -h | --help) sed -n 2,23p "$0"; exit 0 ;;
  *) echo "server_scale.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "server_scale.sh: needs root (network namespaces)" >&2; exit 2; }
for b in "$OURS" "$REF"; do
  [ -x "$b" ] || { echo "server_scale.sh: not executable: $b" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/scale-bench.XXXXXX)
trap cleanup EXIT
setup_netns || { echo "server_scale.sh: namespace setup failed" >&2; exit 2; }
make_keys "$REF" || { echo "server_scale.sh: key generation failed" >&2; exit 2; }
K="$WORK/keys"
HZ=$(getconf CLK_TCK)

server_conf() { # $1 = max clients
  cat <<EOC
dev tun
proto udp
port 1194
topology subnet
server 10.200.0.0 255.255.0.0
ca $K/ca.crt
cert $K/server.crt
key $K/server.key
dh none
duplicate-cn
max-clients $1
connect-freq-initial 1000000 10
keepalive 10 120
disable-dco
verb 1
EOC
}

client_conf() {
  cat <<EOC
client
dev tun
ifconfig-noexec
route-noexec
proto udp
remote $UNDER_S 1194
nobind
ca $K/ca.crt
cert $K/client.crt
key $K/client.key
remote-cert-tls server
connect-retry 1 5
verb 1
EOC
}

# cpu_ticks PID / rss_kib PID: the process's utime+stime, its VmRSS.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# connected: how many client logs say the tunnel is up.
connected() { grep -l "Initialization Sequence Completed" "$WORK"/c/*.log 2>/dev/null | wc -l; }

# start_clients N: N 2.6 clients in the client namespace, pids in $WORK/c/pids.
start_clients() {
  mkdir -p "$WORK/c"
  : >"$WORK/c/pids"
  ip netns exec "$NS_C" bash -c '
    for i in $(seq 1 '"$1"'); do
      "'"$REF"'" --config "'"$WORK"'/client.conf" --log "'"$WORK"'/c/$i.log" >/dev/null 2>&1 &
      echo $! >>"'"$WORK"'/c/pids"
    done'
  while read -r p; do PIDS+=("$p"); done <"$WORK/c/pids"
}

stop_clients() {
  local p
  while read -r p; do kill "$p" 2>/dev/null; done <"$WORK/c/pids"
  sleep 1
  while read -r p; do kill -9 "$p" 2>/dev/null; done <"$WORK/c/pids"
  rm -rf "$WORK/c"
}

# run_one WHICH BIN N: one server, N clients; prints "WHICH N secs up cpu rss_per_client".
run_one() {
  local which=$1 bin=$2 n=$3 spid rss0 cpu0 t0 t1 up=0 secs
  server_conf $((n + 16)) >"$WORK/server.conf"
  start_daemon "server-$which-$n" "$NS_S" "$bin" "$WORK/server.conf"
  spid=$(cat "$WORK/server-$which-$n.pid")
  if ! wait_log "server-$which-$n" "Initialization Sequence Completed" 20; then
    echo "$which $n FAILED-TO-START - - -"
    stop_daemon "server-$which-$n"
    return
  fi
  sleep 1
  rss0=$(rss_kib "$spid")
  cpu0=$(cpu_ticks "$spid")
  t0=$(date +%s.%N)
  start_clients "$n"
  while :; do
    up=$(connected)
    [ "$up" -ge "$n" ] && break
    if awk -v a="$(date +%s.%N)" -v b="$t0" -v t="$TIMEOUT" 'BEGIN { exit !(a - b > t) }'; then
      log "$which: only $up of $n clients up after $TIMEOUT s"
      break
    fi
    sleep 0.2
  done
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
  sleep 2 # let the last PUSH_REPLYs and status writes settle before reading RSS
  local cpu rss
  cpu=$(awk -v a="$(cpu_ticks "$spid")" -v b="$cpu0" -v hz="$HZ" 'BEGIN { printf "%.2f", (a - b) / hz }')
  rss=$(awk -v a="$(rss_kib "$spid")" -v b="$rss0" -v n="$up" 'BEGIN { printf "%.1f", n ? (a - b) / n : 0 }')
  echo "$which $n $up $secs $cpu $rss"
  stop_clients
  stop_daemon "server-$which-$n"
  sleep 1
}

client_conf >"$WORK/client.conf"
: >"$WORK/results"
for n in $COUNTS; do
  for which in ours ref; do
    bin=$OURS
    [ "$which" = ref ] && bin=$REF
    log "$which server, $n clients"
    run_one "$which" "$bin" "$n" >>"$WORK/results"
  done
done

printf '\n%-6s %6s %6s %10s %12s %12s %14s\n' server N up bring-up[s] handshakes/s server-CPU[s] RSS/client[KiB]
while read -r which n up secs cpu rss; do
  hs=$(awk -v n="$up" -v s="$secs" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }')
  printf '%-6s %6s %6s %10s %12s %12s %14s\n' "$which" "$n" "$up" "$secs" "$hs" "$cpu" "$rss"
done <"$WORK/results"
printf '\n%6s %18s %18s %18s\n' N "bring-up ours/2.6" "CPU ours/2.6" "RSS/cl ours/2.6"
for n in $COUNTS; do
  o=$(awk -v n="$n" '$1 == "ours" && $2 == n' "$WORK/results")
  r=$(awk -v n="$n" '$1 == "ref" && $2 == n' "$WORK/results")
  awk -v o="$o" -v r="$r" -v n="$n" 'BEGIN {
    split(o, a, " "); split(r, b, " ");
    printf "%6s %18s %18s %18s\n", n,
      (b[4] > 0 ? sprintf("%.2f", a[4] / b[4]) : "-"),
      (b[5] > 0 ? sprintf("%.2f", a[5] / b[5]) : "-"),
      (b[6] > 0 ? sprintf("%.2f", a[6] / b[6]) : "-") }'
done
