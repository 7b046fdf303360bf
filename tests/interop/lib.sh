# tests/interop/lib.sh: network-namespace harness for "ours <-> Debian's
# OpenVPN 2.6". Sourced by run.sh. Topology (one pair of namespaces per run):
#
#   netns ios$$ (server)                      netns ioc$$ (client)
#   +---------------------+   veth pair       +---------------------+
#   | iosv$$ 10.93.0.1/24 |-------------------| iocv$$ 10.93.0.2/24 |
#   |        fd93::1/64   |                   |        fd93::2/64   |
#   | tun: 10.94.0.1      |   the VPN tunnel  | tun: 10.94.0.x      |
#   +---------------------+                   +---------------------+
#
# Everything lives under $WORK (a mktemp dir); cleanup (trap EXIT) kills the
# daemons we started (by pid), deletes the namespaces and the dir.
set -uo pipefail

NS_S="ios$$"
NS_C="ioc$$"
UNDER_S=10.93.0.1
UNDER_C=10.93.0.2
UNDER6_S=fd93::1
TUN_S=10.94.0.1
TUN6_S=fd94::1
WORK=""
PIDS=()

log() { echo "[interop] $*" >&2; }

cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null
  done
  sleep 0.3
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null
  done
  ip netns del "$NS_S" 2>/dev/null
  ip netns del "$NS_C" 2>/dev/null
  [ -n "$WORK" ] && [ -z "${KEEP_WORK:-}" ] && rm -rf "$WORK"
  return 0
}

# setup_netns: the two namespaces, veth, underlay addresses (v4 and v6).
setup_netns() {
  ip netns add "$NS_S" || return 1
  ip netns add "$NS_C" || return 1
  ip link add "iosv$$" type veth peer name "iocv$$" || return 1
  ip link set "iosv$$" netns "$NS_S"
  ip link set "iocv$$" netns "$NS_C"
  ip -n "$NS_S" addr add "$UNDER_S/24" dev "iosv$$"
  ip -n "$NS_C" addr add "$UNDER_C/24" dev "iocv$$"
  ip -n "$NS_S" addr add "$UNDER6_S/64" dev "iosv$$" nodad
  ip -n "$NS_C" addr add "fd93::2/64" dev "iocv$$" nodad
  for ns in "$NS_S" "$NS_C"; do
    ip -n "$ns" link set lo up
  done
  ip -n "$NS_S" link set "iosv$$" up
  ip -n "$NS_C" link set "iocv$$" up
}

# make_keys: a CA, server and client certs (EC P-256), and the pre-shared
# keys (tls-auth/tls-crypt, tls-crypt-v2, --secret), generated per run.
make_keys() {
  local d="$WORK/keys" ref=$1
  mkdir -p "$d"
  (
    cd "$d" || exit 1
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
      -days 2 -subj "/CN=io-test-ca" 2>/dev/null || exit 1
    for who in server client; do
      local ku="clientAuth"
      [ "$who" = server ] && ku="serverAuth"
      printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyAgreement\nextendedKeyUsage=%s\n' \
        "$ku" >"$who.ext"
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$who.key" -out "$who.csr" \
        -subj "/CN=io-$who" 2>/dev/null || exit 1
      openssl x509 -req -in "$who.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$who.crt" \
        -days 2 -extfile "$who.ext" 2>/dev/null || exit 1
    done
    "$ref" --genkey secret ta.key >/dev/null || exit 1
    "$ref" --genkey secret static.key >/dev/null || exit 1
    "$ref" --genkey tls-crypt-v2-server v2s.key >/dev/null || exit 1
    "$ref" --genkey tls-crypt-v2-client v2c.key --tls-crypt-v2 v2s.key >/dev/null || exit 1
    printf 'iouser\niopass\n' >good.txt
    printf 'iouser\nwrong\n' >bad.txt
    cat >check-pass.sh <<'EOS'
#!/bin/sh
# auth-user-pass-verify via-file: line 1 user, line 2 password
u=$(sed -n 1p "$1"); p=$(sed -n 2p "$1")
[ "$u" = iouser ] && [ "$p" = iopass ]
EOS
    chmod +x check-pass.sh
  )
}

# start_daemon NAME NS BIN CONF: run BIN --config CONF in NS in the
# background; log in $WORK/NAME.log; pid appended to PIDS and in $WORK/NAME.pid.
start_daemon() {
  local name=$1 ns=$2 bin=$3 conf=$4
  ip netns exec "$ns" "$bin" --config "$conf" >"$WORK/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  echo "$pid" >"$WORK/$name.pid"
}

stop_daemon() {
  local name=$1 sig=${2:-TERM} pid
  pid=$(cat "$WORK/$name.pid" 2>/dev/null) || return 0
  kill "-$sig" "$pid" 2>/dev/null
  local i
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null
  return 0
}

# wait_log NAME PATTERN TIMEOUT [COUNT]: wait until NAME's log has COUNT
# (default 1) lines matching PATTERN.
wait_log() {
  local name=$1 pat=$2 t=$3 want=${4:-1} i n
  for i in $(seq 1 $((t * 5))); do
    n=$(grep -c -- "$pat" "$WORK/$name.log" 2>/dev/null)
    [ "${n:-0}" -ge "$want" ] && return 0
    sleep 0.2
  done
  log "timeout ($t s) waiting for '$pat' x$want in $name.log"
  return 1
}

# no_tunnel WHY: after a refusal was logged, the client's tunnel stays down
# (2 s more for a late "Initialization Sequence Completed"); WHY is logged
# when it came up.
no_tunnel() {
  sleep 2
  if grep -q "Initialization Sequence Completed" "$WORK/client.log"; then
    log "$1"
    return 1
  fi
}

wait_ready() { wait_log "$1" "Initialization Sequence Completed" "${2:-40}" "${3:-1}"; }

# ping_check DEST [v6]: from the client namespace.
ping_check() {
  local dst=${1:-$TUN_S}
  if ip netns exec "$NS_C" ping -c 3 -i 0.3 -W 2 "$dst" >"$WORK/ping.log" 2>&1; then
    return 0
  fi
  log "ping $dst failed: $(tail -2 "$WORK/ping.log" | tr '\n' ' ')"
  return 1
}

# transfer_check DEST [MB] [PACE]: send MB MiB (default 20) of random data by
# TCP from the client namespace to DEST (the server's tunnel address) and
# compare sha256 on the far side. PACE=1 spreads the data over ~20 s (1 MiB
# per second), so renegotiations happen during the transfer.
transfer_check() {
  local dst=$1 mb=${2:-20} pace=${3:-0} port=5001 fam=-4
  case "$dst" in *:*) fam=-6 ;; esac
  head -c "$((mb * 1024 * 1024))" /dev/urandom >"$WORK/payload"
  local want got
  want=$(sha256sum <"$WORK/payload" | cut -d' ' -f1)
  rm -f "$WORK/recv.sha"
  ip netns exec "$NS_S" sh -c "timeout 120 nc $fam -l $port | sha256sum | cut -d' ' -f1 >'$WORK/recv.sha'" &
  local lpid=$!
  PIDS+=("$lpid")
  sleep 0.5
  if [ "$pace" = 1 ]; then
    (for i in $(seq 0 $((mb - 1))); do
      dd if="$WORK/payload" bs=1M skip="$i" count=1 2>/dev/null
      sleep 1
    done) | ip netns exec "$NS_C" timeout 120 nc -N "$dst" "$port"
  else
    ip netns exec "$NS_C" timeout 120 nc -N "$dst" "$port" <"$WORK/payload"
  fi
  wait "$lpid"
  got=$(cat "$WORK/recv.sha" 2>/dev/null)
  if [ "$want" = "$got" ]; then
    return 0
  fi
  log "transfer to $dst: sha256 mismatch (want $want, got ${got:-nothing})"
  return 1
}

# ---- proxies for the http-proxy / socks-proxy scenarios. Each runs in the
# server namespace on the under-address, logs to $WORK/proxy.log, and is
# stopped like a daemon ("proxy"; run.sh's run_one stops it).
PROXY_HTTP_PORT=8888
PROXY_SOCKS_PORT=1080

# start_tinyproxy [ADDR]: Debian's tinyproxy in the foreground on ADDR
# (default the v4 under-address) with BasicAuth iouser/iopass (the client's
# good.txt; none when PROXY_NOAUTH is set), CONNECT allowed to port 1194 only.
start_tinyproxy() {
  local addr=${1:-$UNDER_S}
  cat >"$WORK/tinyproxy.conf" <<EOC
Port $PROXY_HTTP_PORT
Listen $addr
Timeout 120
LogLevel Connect
MaxClients 8
${PROXY_NOAUTH:+#}BasicAuth iouser iopass
Allow 10.93.0.0/24
Allow fd93::/64
ConnectPort 1194
EOC
  ip netns exec "$NS_S" tinyproxy -d -c "$WORK/tinyproxy.conf" >"$WORK/proxy.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  echo "$pid" >"$WORK/proxy.pid"
  wait_port "$PROXY_HTTP_PORT" "$addr" || { log "tinyproxy did not start: $(tail -3 "$WORK/proxy.log")"; return 1; }
}

# start_danted: Debian's dante-server with the SOCKS5 username method. Dante
# checks the system password database, so it runs in a private mount
# namespace where /etc/passwd and /etc/shadow are copies with one extra
# account, iouser/iopass; the host's files are never touched.
start_danted() {
  local d="$WORK/socks" hash
  mkdir -p "$d"
  hash=$(openssl passwd -6 iopass) || return 1
  cp /etc/passwd "$d/passwd" && cp /etc/shadow "$d/shadow" || return 1
  echo "iouser:x:64990:64990::/nonexistent:/usr/sbin/nologin" >>"$d/passwd"
  echo "iouser:$hash:20000:0:99999:7:::" >>"$d/shadow"
  chmod 600 "$d/shadow"
  cat >"$d/danted.conf" <<EOC
logoutput: stderr
internal: $UNDER_S port = $PROXY_SOCKS_PORT
external: $UNDER_S
clientmethod: none
socksmethod: username
user.privileged: root
user.unprivileged: nobody
client pass {
  from: 10.93.0.0/24 to: 0.0.0.0/0
}
socks pass {
  from: 10.93.0.0/24 to: $UNDER_S/32 port = 1194
  command: connect
  log: connect disconnect error
}
EOC
  ip netns exec "$NS_S" unshare -m --propagation private sh -c \
    "mount --bind '$d/passwd' /etc/passwd && mount --bind '$d/shadow' /etc/shadow && exec danted -f '$d/danted.conf'" \
    >"$WORK/proxy.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  echo "$pid" >"$WORK/proxy.pid"
  wait_port "$PROXY_SOCKS_PORT" || { log "danted did not start: $(tail -3 "$WORK/proxy.log")"; return 1; }
}

# wait_port PORT [ADDR]: until something listens on ADDR (default UNDER_S)
# port PORT in the server namespace (10 s).
wait_port() {
  local i a=${2:-$UNDER_S}
  case "$a" in *:*) a="[$a]" ;; esac
  for i in $(seq 1 50); do
    ip netns exec "$NS_S" ss -Hltn "src $a:$1" 2>/dev/null | grep -q . && return 0
    sleep 0.2
  done
  return 1
}

# select_bins MODE OURS REF: SRV_BIN and CLI_BIN for a --mode (ref: 2.6 at
# both ends; client / server: ours on that side; both: ours at both ends).
# Exits 2 on a bad mode or a binary that is not executable.
select_bins() {
  local mode=$1 ours=$2 ref=$3 b
  case "$mode" in
  ref) SRV_BIN=$ref CLI_BIN=$ref ;;
  client) SRV_BIN=$ref CLI_BIN=$ours ;;
  server) SRV_BIN=$ours CLI_BIN=$ref ;;
  both) SRV_BIN=$ours CLI_BIN=$ours ;;
  *) echo "bad --mode $mode (ref|client|server|both)" >&2; exit 2 ;;
  esac
  for b in "$SRV_BIN" "$CLI_BIN"; do
    [ -x "$b" ] || { echo "not executable: $b" >&2; exit 2; }
  done
}

# run_cases PREFIX LABEL NAME...: run each function PREFIX$NAME from a fresh
# start, stop the daemons it started (client, server, proxy), print
# "PASS name (N s)" or "FAIL name" with the tails of their logs, and finish
# with "LABEL: N passed, M failed". Returns non-zero if any failed.
run_cases() {
  local prefix=$1 label=$2 failed=0 name t0 rc f
  shift 2
  for name in "$@"; do
    t0=$SECONDS
    if ! declare -F "$prefix$name" >/dev/null; then
      echo "FAIL $name (unknown)"
      failed=$((failed + 1))
      continue
    fi
    "$prefix$name"
    rc=$?
    stop_daemon client TERM
    stop_daemon server TERM
    stop_daemon proxy TERM
    if [ $rc -eq 0 ]; then
      echo "PASS $name ($((SECONDS - t0)) s)"
    else
      echo "FAIL $name ($((SECONDS - t0)) s)"
      failed=$((failed + 1))
      for f in server client proxy; do
        [ -f "$WORK/$f.log" ] && { echo "---- $name: $f.log (tail)"; tail -n 15 "$WORK/$f.log"; }
      done
    fi
    [ -n "${KEEP_LOGS:-}" ] && cp "$WORK"/*.log /tmp/ 2>/dev/null
    rm -f "$WORK"/*.log "$WORK"/*.pid
    sleep 0.5
  done
  echo "$label: $(($# - failed)) passed, $failed failed"
  [ "$failed" -eq 0 ]
}
