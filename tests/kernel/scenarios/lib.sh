# tests/kernel/scenarios/lib.sh: helpers for the guest scenarios (busybox sh).
# Sourced by every scenario: `. "$KT_LIB"; kt_setup`. See ../README.md for
# the environment. Every helper fails loudly through kt_fail.

KT_NAME=$(basename "$0" .sh)
: "${KT_WORK:=/tmp/kt/$KT_NAME}"
: "${KT_IP:=/usr/sbin/ip}"
: "${KT_PING:=/usr/bin/ping}"
: "${KT_IPERF3:=/usr/bin/iperf3}"
: "${KT_OPENVPN:=/usr/sbin/openvpn}"
: "${KT_KEYS:=/ktest/keys}"

kt_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

kt_info() {
  echo "INFO: $*"
}

kt_log() {
  echo "[$(date +%H:%M:%S)] $*"
}

kt_cleanup() {
  if [ -f "$KT_WORK/pids" ]; then
    for p in $(cat "$KT_WORK/pids"); do kill "$p" 2>/dev/null; done
    sleep 1
    for p in $(cat "$KT_WORK/pids"); do kill -9 "$p" 2>/dev/null; done
    rm -f "$KT_WORK/pids"
  fi
  if [ -f "$KT_WORK/netns" ]; then
    for n in $(cat "$KT_WORK/netns"); do "$KT_IP" netns delete "$n" 2>/dev/null; done
    rm -f "$KT_WORK/netns"
  fi
}

kt_setup() {
  mkdir -p "$KT_WORK"
  trap kt_cleanup EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
}

kt_require() {
  local f
  for f in "$@"; do
    [ -x "$f" ] || kt_fail "required binary $f is missing from the guest (not built?)"
  done
}

# kt_netns NAME... : new namespaces with lo up.
kt_netns() {
  local n
  for n in "$@"; do
    "$KT_IP" netns add "$n" || kt_fail "ip netns add $n"
    echo "$n" >>"$KT_WORK/netns"
    "$KT_IP" -n "$n" link set lo up || kt_fail "lo up in $n"
  done
}

# kt_in NS CMD... : run CMD inside NS.
kt_in() {
  local ns=$1
  shift
  "$KT_IP" netns exec "$ns" "$@"
}

kt_link_n=0
# kt_link NS1 ADDR1/LEN NS2 ADDR2/LEN [ADDR6_1/LEN ADDR6_2/LEN]
kt_link() {
  local a b
  kt_link_n=$((kt_link_n + 1))
  a=kt${kt_link_n}a
  b=kt${kt_link_n}b
  "$KT_IP" link add "$a" netns "$1" type veth peer name "$b" netns "$3" ||
    kt_fail "veth $a/$b between $1 and $3"
  "$KT_IP" -n "$1" addr add "$2" dev "$a" || kt_fail "addr $2 on $1"
  "$KT_IP" -n "$3" addr add "$4" dev "$b" || kt_fail "addr $4 on $3"
  if [ $# -ge 6 ]; then
    "$KT_IP" -n "$1" addr add "$5" dev "$a" nodad || kt_fail "addr $5 on $1"
    "$KT_IP" -n "$3" addr add "$6" dev "$b" nodad || kt_fail "addr $6 on $3"
  fi
  "$KT_IP" -n "$1" link set "$a" up || kt_fail "up $a"
  "$KT_IP" -n "$3" link set "$b" up || kt_fail "up $b"
}

# kt_openvpn NAME NS ARGS... : start openvpn (KT_OVPN_BIN, default Debian's)
# in NS, logging to $KT_WORK/NAME.log.
kt_openvpn() {
  local name=$1 ns=$2 bin
  shift 2
  bin=${KT_OVPN_BIN:-$KT_OPENVPN}
  kt_require "$bin"
  : >"$KT_WORK/$name.log"
  "$KT_IP" netns exec "$ns" "$bin" --log "$KT_WORK/$name.log" "$@" >"$KT_WORK/$name.stdout" 2>&1 &
  echo $! >"$KT_WORK/$name.pid"
  echo $! >>"$KT_WORK/pids"
  kt_log "started $name in $ns (pid $!): $bin $*"
}

kt_pid() {
  cat "$KT_WORK/$1.pid"
}

kt_alive() {
  kill -0 "$(kt_pid "$1")" 2>/dev/null
}

kt_tail() {
  echo "---- tail of $1.log" >&2
  tail -n 30 "$KT_WORK/$1.log" >&2
}

# kt_wait_log NAME EREGEX [SECS]: wait until NAME's log matches.
kt_wait_log() {
  local name=$1 re=$2 secs=${3:-90} i=0
  while [ "$i" -lt "$secs" ]; do
    grep -q -E "$re" "$KT_WORK/$name.log" 2>/dev/null && return 0
    if ! kt_alive "$name"; then
      grep -q -E "$re" "$KT_WORK/$name.log" 2>/dev/null && return 0
      kt_tail "$name"
      kt_fail "$name exited before logging /$re/"
    fi
    sleep 1
    i=$((i + 1))
  done
  kt_tail "$name"
  kt_fail "$name did not log /$re/ within ${secs}s"
}

# kt_count_log NAME EREGEX: number of matching lines.
kt_count_log() {
  grep -c -E "$2" "$KT_WORK/$1.log" 2>/dev/null || true
}

# kt_wait_dco NAME NS: the DCO device was opened, the link kind is ovpn-dco,
# and initialization completed.
kt_wait_dco() {
  local dev i
  kt_wait_log "$1" 'DCO device [^ ]+ opened'
  kt_wait_log "$1" 'Initialization Sequence Completed'
  grep -q 'TUN/TAP device' "$KT_WORK/$1.log" && kt_fail "$1 fell back to a tun device"
  dev=$(sed -n 's/.*DCO device \([^ ]*\) opened.*/\1/p' "$KT_WORK/$1.log" | tail -n1)
  # a few tries: a reconnect may be re-creating the device right now
  i=0
  until "$KT_IP" -n "$2" -d link show dev "$dev" 2>/dev/null | grep -q 'ovpn-dco'; do
    i=$((i + 1))
    [ "$i" -lt 10 ] || kt_fail "$1: $dev in $2 is not an ovpn-dco link: $("$KT_IP" -n "$2" -d link show dev "$dev" 2>&1)"
    sleep 1
  done
  [ "$i" -eq 0 ] || kt_log "$1: $dev appeared late ($i s); log: $(grep -c 'DCO device' "$KT_WORK/$1.log") DCO device lines, $(grep -c 'restarting' "$KT_WORK/$1.log") restarts"
}

# kt_ping NS ADDR: ping across the tunnel (a few tries while routes settle).
kt_ping() {
  local i=0
  while [ "$i" -lt 10 ]; do
    if kt_in "$1" timeout 20 "$KT_PING" -c 3 -i 0.3 -W 2 "$2" >"$KT_WORK/ping.out" 2>&1; then
      kt_log "ping $1 -> $2 ok"
      return 0
    fi
    i=$((i + 1))
    sleep 1
  done
  cat "$KT_WORK/ping.out" >&2
  kt_fail "ping from $1 to $2 failed"
}

kt_iperf_port=5201
# kt_tcp_transfer SRV_NS SRV_ADDR CLI_NS [IPERF_ARGS]: an iperf3 TCP transfer
# (default "-n 2M") from CLI_NS to SRV_ADDR that must complete.
kt_tcp_transfer() {
  local srv=$1 addr=$2 cli=$3 len_args=${4:--n 2M} port spid rate i
  kt_iperf_port=$((kt_iperf_port + 1))
  port=$kt_iperf_port
  kt_in "$srv" timeout 300 "$KT_IPERF3" -s -1 -p "$port" -B "$addr" >"$KT_WORK/iperf-s-$port.out" 2>&1 &
  spid=$!
  echo "$spid" >>"$KT_WORK/pids"
  # wait until the server listens (iperf3 starts slowly under emulation)
  i=0
  until kt_in "$srv" netstat -ltn 2>/dev/null | grep -q "[:.]$port "; do
    i=$((i + 1))
    if [ "$i" -ge 60 ] || ! kill -0 "$spid" 2>/dev/null; then
      cat "$KT_WORK/iperf-s-$port.out" >&2
      kt_fail "iperf3 server on $addr:$port did not start"
    fi
    sleep 1
  done
  i=0
  while :; do
    # shellcheck disable=SC2086
    if kt_in "$cli" timeout 240 "$KT_IPERF3" -c "$addr" -p "$port" --connect-timeout 3000 $len_args \
      >"$KT_WORK/iperf-c-$port.out" 2>&1; then
      break
    fi
    i=$((i + 1))
    if [ "$i" -ge 5 ] || ! grep -q -i -E 'connect|refused|unreachable' "$KT_WORK/iperf-c-$port.out"; then
      cat "$KT_WORK/iperf-c-$port.out" >&2
      echo "---- iperf3 server:" >&2
      cat "$KT_WORK/iperf-s-$port.out" >&2
      kill "$spid" 2>/dev/null
      kt_fail "iperf3 $cli -> $addr:$port did not complete"
    fi
    sleep 1
  done
  grep -q 'receiver' "$KT_WORK/iperf-c-$port.out" || kt_fail "iperf3 printed no receiver summary"
  rate=$(grep 'receiver' "$KT_WORK/iperf-c-$port.out" | tail -n1 | awk '{print $(NF-2), $(NF-1)}')
  kt_log "iperf3 $cli -> $addr ok ($rate)"
  kt_last_rate=$rate
  wait "$spid" 2>/dev/null
  return 0
}

# kt_no_stream_errors NAME...: no sign of a broken transport stream (the
# module handed userspace a misframed TCP stream, or a reset) in the logs.
kt_no_stream_errors() {
  local n
  for n in "$@"; do
    if grep -E 'Bad encapsulated packet length|Connection reset, restarting|connection-reset' "$KT_WORK/$n.log" >&2; then
      kt_fail "$n: transport stream broke (see the lines above)"
    fi
  done
}

# kt_server_conf FILE PROTO CIPHER [extra config lines...]
kt_server_conf() {
  local f=$1 l
  cat >"$f" <<EOF
dev tun
proto $2
port 1194
server 10.8.0.0 255.255.255.0
server-ipv6 fd00:8::/64
topology subnet
ca $KT_KEYS/ca.crt
cert $KT_KEYS/server.crt
key $KT_KEYS/server.key
dh none
data-ciphers $3
keepalive ${KT_KEEPALIVE:-10 60}
verb 4
EOF
  shift 3
  for l in "$@"; do echo "$l" >>"$f"; done
}

# kt_client_conf FILE PROTO REMOTE CIPHER N [extra config lines...]
kt_client_conf() {
  local f=$1 l
  cat >"$f" <<EOF
client
dev tun
proto $2
remote $3 1194
nobind
ca $KT_KEYS/ca.crt
cert $KT_KEYS/client$5.crt
key $KT_KEYS/client$5.key
remote-cert-tls server
data-ciphers $4
connect-retry 1 2
verb 4
EOF
  shift 5
  for l in "$@"; do echo "$l" >>"$f"; done
}

# kt_basic PROTO FAMILY CIPHER: one server, one client over a veth; DCO on
# both ends; ping (v4 and v6 inside the tunnel) and a TCP transfer.
kt_basic() {
  local proto=$1 fam=$2 cipher=$3 remote sp cp
  kt_netns kts ktc1
  kt_link kts 10.200.0.1/24 ktc1 10.200.0.2/24 fd00:200::1/64 fd00:200::2/64
  if [ "$fam" = 6 ]; then remote=fd00:200::1; else remote=10.200.0.1; fi
  case "$proto" in
  udp) sp=udp$fam; cp=udp$fam ;;
  tcp) sp=tcp$fam-server; cp=tcp$fam-client ;;
  esac
  kt_server_conf "$KT_WORK/server.conf" "$sp" "$cipher"
  kt_client_conf "$KT_WORK/client1.conf" "$cp" "$remote" "$cipher" 1
  kt_openvpn server kts --config "$KT_WORK/server.conf"
  kt_wait_log server 'Initialization Sequence Completed'
  kt_openvpn client1 ktc1 --config "$KT_WORK/client1.conf"
  kt_wait_dco server kts
  kt_wait_dco client1 ktc1
  kt_wait_log client1 "Data Channel: cipher '$cipher'"
  kt_ping ktc1 10.8.0.1
  kt_ping kts 10.8.0.2
  kt_ping ktc1 fd00:8::1
  kt_tcp_transfer kts 10.8.0.1 ktc1
  kt_no_stream_errors server client1
  kt_info "$proto$fam $cipher: dco on both ends, ping ok, 2 MB at $kt_last_rate"
}

# kt_mp PROTO CIPHER: an MP server with three clients (each in its own netns,
# each on its own veth to the server), fixed VPN addresses via ccd; the
# clients reach the server and each other through it (client-to-client is
# routed by the server's kernel); TCP transfers client1 -> client2 and
# client3 -> client1.
kt_mp() {
  local proto=$1 cipher=$2 i sp cp r1
  kt_netns kts ktc1 ktc2 ktc3
  for i in 1 2 3; do
    kt_link kts 10.20$i.0.1/24 ktc$i 10.20$i.0.2/24
  done
  mkdir -p "$KT_WORK/ccd"
  for i in 1 2 3; do
    printf 'ifconfig-push 10.8.0.1%s 255.255.255.0\nifconfig-ipv6-push fd00:8::1%s/64 fd00:8::1\n' \
      "$i" "$i" >"$KT_WORK/ccd/client$i"
  done
  kt_in kts sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward && echo 1 >/proc/sys/net/ipv6/conf/all/forwarding' ||
    kt_fail "cannot enable forwarding in kts"
  case "$proto" in
  udp) sp=udp4; cp=udp4 ;;
  tcp) sp=tcp4-server; cp=tcp4-client ;;
  esac
  kt_server_conf "$KT_WORK/server.conf" "$sp" "$cipher" "client-config-dir $KT_WORK/ccd" client-to-client
  kt_openvpn server kts --config "$KT_WORK/server.conf"
  kt_wait_dco server kts
  for i in 1 2 3; do
    kt_client_conf "$KT_WORK/client$i.conf" "$cp" 10.20$i.0.1 "$cipher" "$i"
    kt_openvpn client$i ktc$i --config "$KT_WORK/client$i.conf"
  done
  for i in 1 2 3; do
    kt_wait_dco client$i ktc$i
  done
  for i in 1 2 3; do
    kt_ping ktc$i 10.8.0.1
    kt_ping kts 10.8.0.1$i
  done
  kt_ping ktc1 10.8.0.12
  kt_ping ktc2 10.8.0.13
  kt_ping ktc3 10.8.0.11
  kt_ping ktc1 fd00:8::12
  kt_ping ktc3 fd00:8::11
  kt_tcp_transfer ktc2 10.8.0.12 ktc1 "-n 1M"
  r1=$kt_last_rate
  kt_tcp_transfer ktc1 10.8.0.11 ktc3 "-n 1M"
  kt_no_stream_errors server client1 client2 client3
  kt_info "MP $proto $cipher: 3 clients, dco everywhere, client-to-client ping ok, c1->c2 1 MB at $r1, c3->c1 1 MB"
}

# ---- ovpn-dco-cli (scenarios 5x: our src/dco driver without OpenVPN) ----

# kt_cli NS ARGS...: one ovpn-dco-cli command in NS; fails the scenario with
# its output when it exits non-zero. Everything goes to $KT_WORK/cli.log.
kt_cli() {
  local ns=$1 rc
  shift
  echo "+ [$ns] ovpn-dco-cli $*" >>"$KT_WORK/cli.log"
  kt_in "$ns" "$KT_DCO_CLI" "$@" >"$KT_WORK/cli.out" 2>&1
  rc=$?
  cat "$KT_WORK/cli.out" >>"$KT_WORK/cli.log"
  [ "$rc" -eq 0 ] || kt_fail "[$ns] ovpn-dco-cli $*: $(tr '\n' ' ' <"$KT_WORK/cli.out")"
}

# kt_cli_bg NAME NS PATTERN ARGS...: a long-running ovpn-dco-cli (killed by
# kt_cleanup through $KT_WORK/pids); waits until its output matches PATTERN.
kt_cli_bg() {
  local name=$1 ns=$2 pat=$3 i=0
  shift 3
  kt_in "$ns" "$KT_DCO_CLI" "$@" >"$KT_WORK/$name.out" 2>&1 &
  echo $! >>"$KT_WORK/pids"
  echo $! >"$KT_WORK/$name.pid"
  while ! grep -q "$pat" "$KT_WORK/$name.out"; do
    kill -0 "$(cat "$KT_WORK/$name.pid")" 2>/dev/null || kt_fail "$name: $(tr '\n' ' ' <"$KT_WORK/$name.out")"
    i=$((i + 1))
    [ "$i" -lt 150 ] || kt_fail "$name never printed $pat"
    sleep 0.2
  done
}

# ---- OUR openvpn on DCO (scenarios 55-59; see ../README.md "Our daemon") ----

# kt_our_openvpn NAME NS ARGS...: start OUR build/bin/openvpn ($KT_OUR_OPENVPN)
# in NS like kt_openvpn (log $KT_WORK/NAME.log, pid killed at exit). Give it
# `--status $KT_WORK/NAME.status 1` when the scenario checks counters.
kt_our_openvpn() {
  kt_require "$KT_OUR_OPENVPN"
  KT_OVPN_BIN="$KT_OUR_OPENVPN" kt_openvpn "$@"
}

# kt_dco_dev NAME: the device NAME's log names in 2.6's "DCO device X opened"
# or "DCO device X already exists, won't be destroyed at shutdown" line.
kt_dco_dev() {
  sed -n 's/.*DCO device \([^ ]*\) \(opened\|already exists\).*/\1/p' "$KT_WORK/$1.log" | tail -n1
}

# kt_assert_dco_link NS DEV: `ip -d link show` reports kind ovpn-dco for DEV.
kt_assert_dco_link() {
  local out
  [ -n "$2" ] || kt_fail "kt_assert_dco_link: no device name (did the daemon log 'DCO device ... opened'?)"
  out=$("$KT_IP" -n "$1" -d link show dev "$2" 2>&1) || kt_fail "no device $2 in $1: $out"
  echo "$out" | grep -qw 'ovpn-dco' || kt_fail "$2 in $1 is not an ovpn-dco link: $(echo "$out" | tr '\n' ' ')"
}

# kt_our_dco NAME NS: our daemon NAME opened a DCO device, finished its
# start-up, and the device really is kind ovpn-dco (not a tun fallback).
kt_our_dco() {
  kt_wait_log "$1" 'DCO device [^ ]+ (opened|already exists)'
  kt_wait_log "$1" 'Initialization Sequence Completed'
  grep -q 'TUN/TAP device .* opened' "$KT_WORK/$1.log" && kt_fail "$1 opened a tun device (fell back to userspace)"
  kt_assert_dco_link "$2" "$(kt_dco_dev "$1")"
}

# kt_trace_start NAME / kt_trace_stop NAME: strace the receive side of the
# openvpn process NAME (read, readv, recvfrom, recvmsg, recvmmsg) into
# $KT_WORK/NAME.strace while a transfer runs. Start returns once strace says
# it attached (a trace without receive calls then means there were none).
kt_trace_start() {
  local i=0
  kt_require "$KT_STRACE"
  : >"$KT_WORK/$1.strace"
  "$KT_STRACE" -f -p "$(kt_pid "$1")" -e signal=none -o "$KT_WORK/$1.strace" \
    -e trace=read,readv,recvfrom,recvmsg,recvmmsg 2>"$KT_WORK/$1.strace.err" &
  echo $! >"$KT_WORK/$1.strace.pid"
  echo $! >>"$KT_WORK/pids"
  until grep -q 'attached' "$KT_WORK/$1.strace.err"; do
    kill -0 "$(cat "$KT_WORK/$1.strace.pid")" 2>/dev/null || kt_fail "strace of $1 died: $(cat "$KT_WORK/$1.strace.err")"
    i=$((i + 1))
    [ "$i" -lt 60 ] || kt_fail "strace did not attach to $1: $(cat "$KT_WORK/$1.strace.err")"
    sleep 0.5
  done
}

kt_trace_stop() {
  local p
  p=$(cat "$KT_WORK/$1.strace.pid" 2>/dev/null) || return 0
  kill "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  rm -f "$KT_WORK/$1.strace.pid"
}

# kt_userspace_rx_bytes NAME: bytes the traced process got from the kernel
# through those calls (recvmmsg: the sum of its msg_len fields).
kt_userspace_rx_bytes() {
  awk '
    /recvmmsg\(/ { n = split($0, a, "msg_len="); for (i = 2; i <= n; i++) s += a[i] + 0; next }
    / = [0-9]+$/ { s += $NF }
    END { print s + 0 }' "$KT_WORK/$1.strace"
}

# kt_status_value NAME KEY: KEY's value in $KT_WORK/NAME.status (status
# v1 "KEY,VALUE", v2 "GLOBAL_STATS,KEY,VALUE", v3 the same with tabs); empty
# when the file has no such line.
kt_status_value() {
  tr '\t' ',' <"$KT_WORK/$1.status" 2>/dev/null | awk -F, -v k="$2" '
    $1 == k { v = $2 } $1 == "GLOBAL_STATS" && $2 == k { v = $3 } END { if (v != "") print v }'
}

# kt_no_userspace_data NAME MAXBYTES CMD...: run CMD (a transfer through the
# tunnel) while NAME is traced; FAIL when NAME received MAXBYTES or more
# through its read/recv calls meanwhile (with DCO the data stays in the
# kernel: NAME only sees control packets and netlink), or when its status
# counter userspace_data_packets grew (checked when the status file has it).
kt_no_userspace_data() {
  local name=$1 max=$2 got before after
  shift 2
  before=$(kt_status_value "$name" userspace_data_packets)
  kt_trace_start "$name"
  "$@"
  kt_trace_stop "$name"
  got=$(kt_userspace_rx_bytes "$name")
  kt_log "$name received $got bytes in userspace during: $*"
  [ "$got" -lt "$max" ] || kt_fail "$name received $got bytes in userspace during the transfer (DCO must keep the data in the kernel; limit $max)"
  if [ -n "$before" ]; then
    sleep 2 # one status-file update (scenarios use --status FILE 1)
    after=$(kt_status_value "$name" userspace_data_packets)
    [ "$after" = "$before" ] || kt_fail "$name: userspace_data_packets went from $before to $after during the transfer"
  fi
}

# ---- stress (scenarios 91-97: kstress, ../kstress/) ----
KT_KSTRESS=${KT_KSTRESS:-/ktest/bin/kstress}

# kt_stress_topo: netns kss with the MP ovpn-dco device ks0 (10.99.0.1/16)
# and veth 10.98.0.1, netns ksc with veth 10.98.0.2 (the emulated clients).
kt_stress_topo() {
  kt_require "$KT_KSTRESS" "$KT_NLTOOL"
  kt_netns kss ksc
  kt_link kss 10.98.0.1/24 ksc 10.98.0.2/24
  kt_in kss "$KT_NLTOOL" newlink ks0 mp || kt_fail "ovpn-dco MP device ks0 in kss"
  "$KT_IP" -n kss addr add 10.99.0.1/16 dev ks0 || kt_fail "address on ks0"
  "$KT_IP" -n kss link set ks0 up || kt_fail "ks0 up"
}

# kt_stress_keyfile FILE A B: AES-256-GCM key file for ovpn-dco-cli (two
# halves, key + nonce tail; A and B are 8 hex digits).
kt_stress_keyfile() {
  printf '%s\n%s\n' "$2$2$2$2$2$2$2$2 0102030405060708" "$3$3$3$3$3$3$3$3 1112131415161718" >"$1"
}

# kt_stress_steady: a real P2P ovpn-dco client in netns ksp (ks0,
# 10.99.250.2) as peer 1 of kss's ks0, over veth 10.97.0.0/24 (UDP 1194),
# set up through ovpn-dco-cli as scenario 51 does; proved with a ping.
kt_stress_steady() {
  kt_require "$KT_DCO_CLI"
  kt_netns ksp
  kt_link kss 10.97.0.1/24 ksp 10.97.0.2/24
  kt_stress_keyfile "$KT_WORK/steady.key" 0badcafe 5eed1234
  kt_cli ksp new-iface ks0 p2p
  "$KT_IP" -n ksp addr add 10.99.250.2/16 dev ks0 || kt_fail "address on ksp ks0"
  "$KT_IP" -n ksp link set ks0 up || kt_fail "ksp ks0 up"
  kt_cli_bg steady-s kss '^ready' new-peer ks0 1 1194 10.97.0.2 1194 10.99.250.2
  kt_cli_bg steady-c ksp '^ready' new-peer ks0 1 1194 10.97.0.1 1194
  kt_cli kss new-key ks0 1 primary 0 aes 0 "$KT_WORK/steady.key"
  kt_cli ksp new-key ks0 1 primary 0 aes 1 "$KT_WORK/steady.key"
  kt_ping ksp 10.99.0.1
}

# kt_stress_ping_start NAME NS ADDR: fast pings (50/s) in the background
# until kt_stress_ping_stop NAME, which prints "SENT RECEIVED": SENT is the
# highest sequence number answered, so only losses before the last answer
# count.
kt_stress_ping_start() {
  # ip netns exec forks: the pid to signal is the one ping gets (sh execs it)
  "$KT_IP" netns exec "$2" sh -c 'echo $$ >"$1"; exec "$2" -i 0.02 -W 5 "$3"' sh "$KT_WORK/$1.ppid" "$KT_PING" "$3" \
    >"$KT_WORK/$1.ping" 2>&1 &
  echo $! >>"$KT_WORK/pids"
  local i=0
  while [ ! -s "$KT_WORK/$1.ppid" ]; do
    i=$((i + 1))
    [ "$i" -lt 100 ] || kt_fail "ping in $2 did not start: $(cat "$KT_WORK/$1.ping")"
    sleep 0.1
  done
  cat "$KT_WORK/$1.ppid" >>"$KT_WORK/pids"
}
kt_stress_ping_stop() {
  local pid
  pid=$(cat "$KT_WORK/$1.ppid")
  kill -INT "$pid" 2>/dev/null
  sleep 1
  kill -TERM "$pid" 2>/dev/null
  sed -n 's/.*icmp_seq=\([0-9]*\) .*/\1/p' "$KT_WORK/$1.ping" | sort -n -u |
    awk '{ n++; if ($1 > m) m = $1 } END { print m + 0, n + 0 }'
}

# kt_stress_iperf_start SRV_NS SRV_ADDR CLI_NS: 1 MB iperf3 transfers one
# after the other until kt_stress_iperf_stop, which fails the scenario if one
# did not complete and prints how many did.
kt_stress_iperf_start() {
  rm -f "$KT_WORK/iperf.stop" "$KT_WORK/iperf.fail"
  (
    n=0
    while [ ! -f "$KT_WORK/iperf.stop" ]; do
      if ! (kt_tcp_transfer "$1" "$2" "$3" "-n 1M") >>"$KT_WORK/iperf.log" 2>&1; then
        echo "transfer $n failed" >"$KT_WORK/iperf.fail"
        break
      fi
      n=$((n + 1))
      echo "$n" >"$KT_WORK/iperf.count"
    done
  ) &
  echo $! >"$KT_WORK/iperf.loop"
  echo $! >>"$KT_WORK/pids"
}
kt_stress_iperf_stop() {
  touch "$KT_WORK/iperf.stop"
  wait "$(cat "$KT_WORK/iperf.loop")" 2>/dev/null
  if [ -f "$KT_WORK/iperf.fail" ]; then
    tail -n 20 "$KT_WORK/iperf.log" >&2
    kt_fail "iperf3 through the tunnel: $(cat "$KT_WORK/iperf.fail")"
  fi
  cat "$KT_WORK/iperf.count" 2>/dev/null || echo 0
}

# kt_kstress NAME ARGS...: run kstress ARGS (it enters the namespaces
# itself); output in $KT_WORK/NAME.out and in the scenario's output; fails
# with the first BAD line.
kt_kstress() {
  local name=$1 rc
  shift
  kt_log "kstress $*"
  "$KT_KSTRESS" "$@" >"$KT_WORK/$name.out" 2>&1
  rc=$?
  cat "$KT_WORK/$name.out"
  [ "$rc" -eq 0 ] || kt_fail "kstress $1 (exit $rc): $(grep -m1 '^BAD' "$KT_WORK/$name.out")"
}
