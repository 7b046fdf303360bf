#!/usr/bin/env bash
# tests/interop/run.sh: interop scenarios in network namespaces.
#
#   run.sh [--ours PATH] [--ref PATH] [--mode ref|client|server|both] [SCENARIO...]
#
# --mode ref:    Debian's openvpn on both sides (proves the harness)
# --mode client: ours is the client (p2p: the connecting peer), ref the server
# --mode server: ours is the server / listening p2p peer, ref the client
# --mode both:   ours on both sides
# Without scenario names, all of ALL run (--list-slow: the names of the SLOW
# ones, which run only by name). One "PASS name" / "FAIL name" line each;
# the exit status is non-zero if any failed. Needs root. KEEP_LOGS=1 leaves
# each scenario's logs in /tmp (server.log, client.log, proxy.log).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

OURS="$HERE/../../build/bin/openvpn"
REF=/usr/sbin/openvpn
MODE=ref
SCEN=()
while [ $# -gt 0 ]; do
  case "$1" in
  --ours) OURS=$2; shift 2 ;;
  --ref) REF=$2; shift 2 ;;
  --mode) MODE=$2; shift 2 ;;
  -h | --help) sed -n 2,15p "$0"; exit 0 ;;
  *) SCEN+=("$1"); shift ;;
  esac
done

ALL=(udp4 tcp4 udp6 tcp6 ipv6-inside tls-auth tls-crypt tls-crypt-v2 aes128gcm aes256gcm chacha
  cbc-fallback lz4-v2 stub-v2 auth-pass auth-wrong reneg restart exit-notify conn-list fragment
  p2p-tls p2p-tls-rev p2p-secret p2p-secret-rev http-proxy http-proxy-auto socks-proxy http-proxy-wrong
  socks-proxy-wrong http-proxy6)
# More scenario sets, one file per area: each defines sc_* functions and
# appends their names to ALL, or to SLOW for the ones that take minutes of
# waiting (run only by name; stage 20 runs each in the background).
SLOW=()
for f in "$HERE"/cases/*.sh; do
  [ -e "$f" ] && . "$f"
done
if [ "${SCEN[*]}" = --list-slow ]; then
  printf '%s\n' "${SLOW[@]}"
  exit 0
fi
[ ${#SCEN[@]} -eq 0 ] && SCEN=("${ALL[@]}")

if [ "$(id -u)" -ne 0 ]; then
  echo "run.sh: needs root (network namespaces)" >&2
  exit 2
fi
select_bins "$MODE" "$OURS" "$REF"

WORK=$(mktemp -d /tmp/io-interop.XXXXXX)
trap cleanup EXIT
setup_netns || { echo "run.sh: namespace setup failed" >&2; exit 2; }
make_keys "$REF" || { echo "run.sh: key generation failed" >&2; exit 2; }
K="$WORK/keys"

# ---- configuration pieces ----
server_conf() { # $1 = proto line
  cat <<EOC
dev tun
$1
port 1194
topology subnet
server 10.94.0.0 255.255.255.0
ca $K/ca.crt
cert $K/server.crt
key $K/server.key
dh none
keepalive 2 10
verb 3
data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305
EOC
}
client_conf() { # $1 = proto line, $2 = remote address
  cat <<EOC
client
dev tun
$1
remote $2 1194
nobind
ca $K/ca.crt
cert $K/client.crt
key $K/client.key
remote-cert-tls server
verb 3
EOC
}
p2p_conf() { # $1 = server|client; TLS p2p
  if [ "$1" = server ]; then
    printf 'dev tun\nproto udp\nlport 1194\nifconfig 10.94.0.1 10.94.0.2\ntls-server\ndh none\n'
    printf 'ca %s\ncert %s\nkey %s\nkeepalive 2 10\nverb 3\n' "$K/ca.crt" "$K/server.crt" "$K/server.key"
  else
    printf 'dev tun\nproto udp\nremote %s 1194\nnobind\nifconfig 10.94.0.2 10.94.0.1\ntls-client\n' "$UNDER_S"
    printf 'ca %s\ncert %s\nkey %s\nremote-cert-tls server\nkeepalive 2 10\nverb 3\n' "$K/ca.crt" \
      "$K/client.crt" "$K/client.key"
  fi
}
secret_conf() { # $1 = server|client; --secret p2p
  if [ "$1" = server ]; then
    printf 'dev tun\nproto udp\nlport 1194\nifconfig 10.94.0.1 10.94.0.2\nsecret %s 0\n' "$K/static.key"
  else
    printf 'dev tun\nproto udp\nremote %s 1194\nnobind\nifconfig 10.94.0.2 10.94.0.1\nsecret %s 1\n' \
      "$UNDER_S" "$K/static.key"
  fi
  printf 'cipher AES-256-CBC\nauth SHA256\nkeepalive 2 10\nverb 3\n'
}

# start_pair SRV_EXTRA CLI_EXTRA [SPROTO CPROTO REMOTE]: write configs, start
# both, wait for the client's Initialization Sequence Completed.
start_pair() {
  local sx=$1 cx=$2 sp=${3:-"proto udp"} cp=${4:-"proto udp"} rem=${5:-$UNDER_S}
  { server_conf "$sp"; printf '%b\n' "$sx"; } >"$WORK/server.conf"
  { client_conf "$cp" "$rem"; printf '%b\n' "$cx"; } >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  [ -n "${NOWAIT:-}" ] || wait_ready client 40
}
# start_p2p KIND(p2p|secret) REVERSE(0|1): REVERSE swaps the binaries, so
# "ours" is the listening peer.
start_p2p() {
  local kind=$1 rev=$2 sb=$SRV_BIN cb=$CLI_BIN
  [ "$rev" = 1 ] && { sb=$CLI_BIN; cb=$SRV_BIN; }
  "${kind}_conf" server >"$WORK/server.conf"
  "${kind}_conf" client >"$WORK/client.conf"
  start_daemon server "$NS_S" "$sb" "$WORK/server.conf"
  sleep 0.5
  start_daemon client "$NS_C" "$cb" "$WORK/client.conf"
  wait_ready client 40 && wait_ready server 20
}
traffic() { ping_check "${1:-$TUN_S}" && transfer_check "${1:-$TUN_S}" "${2:-20}" "${3:-0}"; }
log_has() { grep -q -- "$2" "$WORK/$1.log" || { log "$1.log lacks '$2'"; return 1; }; }

# ---- scenarios: each returns 0 on success ----
sc_udp4() { start_pair "" "" && traffic; }
sc_tcp4() { start_pair "" "" "proto tcp-server" "proto tcp-client" && traffic; }
sc_udp6() { start_pair "" "" "proto udp6" "proto udp6" "$UNDER6_S" && traffic; }
sc_tcp6() { start_pair "" "" "proto tcp6-server" "proto tcp6-client" "$UNDER6_S" && traffic; }
sc_ipv6-inside() { start_pair "server-ipv6 fd94::/64" "" && ping_check "$TUN6_S" && transfer_check "$TUN6_S"; }
sc_tls-auth() { start_pair "tls-auth $K/ta.key 0" "tls-auth $K/ta.key 1" && traffic; }
sc_tls-crypt() { start_pair "tls-crypt $K/ta.key" "tls-crypt $K/ta.key" && traffic; }
sc_tls-crypt-v2() { start_pair "tls-crypt-v2 $K/v2s.key" "tls-crypt-v2 $K/v2c.key" && traffic; }
cipher_sc() {
  start_pair "" "data-ciphers $1" && traffic && log_has client "Data Channel: cipher '$1'"
}
sc_aes128gcm() { cipher_sc AES-128-GCM; }
sc_aes256gcm() { cipher_sc AES-256-GCM; }
sc_chacha() { cipher_sc CHACHA20-POLY1305; }
sc_cbc-fallback() {
  start_pair "data-ciphers AES-256-CBC\nauth SHA256" "data-ciphers AES-256-GCM:AES-256-CBC\nauth SHA256" &&
    traffic && log_has client "Data Channel: cipher 'AES-256-CBC'"
}
sc_lz4-v2() {
  start_pair "allow-compression yes\ncompress lz4-v2\npush \"compress lz4-v2\"" "allow-compression yes" &&
    traffic
}
sc_stub-v2() { start_pair "compress stub-v2\npush \"compress stub-v2\"" "" && traffic; }
AUTH_SRV="script-security 2\nauth-user-pass-verify $K/check-pass.sh via-file"
sc_auth-pass() { start_pair "$AUTH_SRV" "auth-user-pass $K/good.txt" && traffic 10.94.0.1 5; }
sc_auth-wrong() {
  NOWAIT=1 start_pair "$AUTH_SRV" "auth-user-pass $K/bad.txt" || return 1
  wait_log client "AUTH_FAILED" 30 || return 1
  if grep -q "Initialization Sequence Completed" "$WORK/client.log"; then
    log "wrong password was accepted"
    return 1
  fi
  # auth-retry none (the default): the client exits by itself.
  local pid i
  pid=$(cat "$WORK/client.pid")
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  log "client still running 20 s after AUTH_FAILED"
  return 1
}
sc_reneg() {
  start_pair "reneg-sec 10" "" && traffic "$TUN_S" 20 1 &&
    wait_log server "Control Channel: TLS" 5 2 # a second TLS session (the rekey) ran during the transfer
}
sc_restart() {
  start_pair "" "" && ping_check "$TUN_S" || return 1
  stop_daemon server KILL
  start_daemon server2 "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  echo "$(cat "$WORK/server2.pid")" >"$WORK/server.pid"
  wait_log client "Inactivity timeout (--ping-restart)" 30 && wait_ready client 60 2 && traffic "$TUN_S" 5
}
sc_exit-notify() {
  start_pair "" "explicit-exit-notify 1" && ping_check "$TUN_S" || return 1
  stop_daemon client TERM
  # at once: the server must not wait for its ping-restart (20 s) to notice
  wait_log server "SIGTERM\[soft,remote-exit\]\|remote-exit\|client-instance exiting" 6
}
sc_conn-list() {
  start_pair "" "server-poll-timeout 4\n<connection>\nremote $UNDER_S 1199 udp\n</connection>\n<connection>\nremote $UNDER_S 1194 udp\n</connection>" &&
    traffic "$TUN_S" 5
}
sc_fragment() { start_pair "fragment 1300\nmssfix 1300" "fragment 1300\nmssfix 1300" && traffic; }
sc_p2p-tls() { start_p2p p2p 0 && traffic; }
sc_p2p-tls-rev() { start_p2p p2p 1 && traffic; }
sc_p2p-secret() { start_p2p secret 0 && traffic; }
sc_p2p-secret-rev() { start_p2p secret 1 && traffic; }
# Through a proxy in the server namespace (lib.sh): the server must see the
# TCP connection come from the proxy's address, not the client's.
proxied_sc() { # $1 = the client's proxy line
  start_pair "" "$1" "proto tcp-server" "proto tcp-client" && traffic &&
    log_has server "TCP connection established with \[AF_INET\]$UNDER_S:"
}
sc_http-proxy() {
  start_tinyproxy && proxied_sc "http-proxy $UNDER_S $PROXY_HTTP_PORT $K/good.txt basic" &&
    log_has proxy "Request (file descriptor [0-9]*): CONNECT $UNDER_S:1194 HTTP/1.0"
}
sc_http-proxy6() { # proxy and server on the v6 under-addresses
  start_tinyproxy "$UNDER6_S" &&
    start_pair "" "http-proxy $UNDER6_S $PROXY_HTTP_PORT $K/good.txt basic" "proto tcp6-server" \
      "proto tcp6-client" "$UNDER6_S" && traffic &&
    log_has server "TCP connection established with \[AF_INET6\]$UNDER6_S" &&
    log_has proxy "Request (file descriptor [0-9]*): CONNECT \[*$UNDER6_S\]*:1194 HTTP/1.0"
}
sc_http-proxy-auto() { # the client learns from the 407 that Basic is wanted
  start_tinyproxy &&
    proxied_sc "http-proxy $UNDER_S $PROXY_HTTP_PORT auto\nhttp-proxy-user-pass $K/good.txt" &&
    log_has proxy "Request (file descriptor [0-9]*): CONNECT $UNDER_S:1194 HTTP/1.0"
}
sc_socks-proxy() {
  start_danted && proxied_sc "socks-proxy $UNDER_S $PROXY_SOCKS_PORT $K/good.txt" &&
    log_has proxy "username%iouser@$UNDER_C"
}
# Wrong proxy credentials: the proxy's refusal is logged and the tunnel
# never comes up.
proxy_refused() { # $1 = the client's proxy line, $2 = pattern of the refusal in client.log
  NOWAIT=1 start_pair "" "$1" "proto tcp-server" "proto tcp-client" || return 1
  wait_log client "$2" 30 || return 1
  no_tunnel "the tunnel came up with wrong proxy credentials" || return 1
}
sc_http-proxy-wrong() {
  start_tinyproxy && proxy_refused "http-proxy $UNDER_S $PROXY_HTTP_PORT $K/bad.txt basic" \
    "HTTP proxy returned: 'HTTP/1.0 40[17] "
}
sc_socks-proxy-wrong() {
  start_danted && proxy_refused "socks-proxy $UNDER_S $PROXY_SOCKS_PORT $K/bad.txt" "refused the"
}

# A fresh start for each scenario (see run_cases in lib.sh).
run_cases sc_ "interop ($MODE)" "${SCEN[@]}"
