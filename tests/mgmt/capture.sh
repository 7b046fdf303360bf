#!/usr/bin/env bash
# tests/mgmt/capture.sh: record management-interface transcripts of an
# openvpn binary, in network namespaces (the topology of tests/interop/lib.sh).
#
#   capture.sh [--bin PATH] [--ref PATH] [--out DIR] [SCENARIO...]
#
# --bin: the binary under test (default Debian's /usr/sbin/openvpn): it runs
#        the side whose management socket is driven.
# --ref: the 2.6 peer for the scenarios that need one (default the same).
# --out: where NAME.txt (normalised) and NAME.raw (as received) go (default
#        tests/mgmt/transcripts, the committed 2.6.14 transcripts).
# Scenarios: hold-none hold-client password unix unix-reject second server
#            server-envfilter server-reauth server-token server-handwindow
#            server-two client-flow external-key external-key-ec
#            external-cert external-key-server (all by
#            default). Each runs scripts/<name>.txt
#            (see drive.py) and normalise.py. Needs root. Keys are Debian's
#            sample keys (stable names, valid until 2033).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../interop/lib.sh"

BIN=/usr/sbin/openvpn
REF=""
OUT="$HERE/transcripts"
SCEN=()
while [ $# -gt 0 ]; do
  case "$1" in
  --bin) BIN=$2; shift 2 ;;
  --ref) REF=$2; shift 2 ;;
  --out) OUT=$2; shift 2 ;;
  -h | --help) sed -n 2,16p "$0"; exit 0 ;;
  *) SCEN+=("$1"); shift ;;
  esac
done
[ -n "$REF" ] || REF=$BIN
ALL=(hold-none hold-client password unix unix-reject second server server-envfilter server-reauth server-token
  server-handwindow server-two client-flow external-key external-key-ec external-cert external-key-server)
[ ${#SCEN[@]} -eq 0 ] && SCEN=("${ALL[@]}")
[ "$(id -u)" -eq 0 ] || { echo "capture.sh: needs root (network namespaces)" >&2; exit 2; }
SAMPLE=/usr/share/doc/openvpn/examples/sample-keys
[ -r "$SAMPLE/client.key" ] || { echo "capture.sh: $SAMPLE missing (Debian's openvpn)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/mgmt-capture.XXXXXX)
trap cleanup EXIT
setup_netns || { echo "capture.sh: namespace setup failed" >&2; exit 2; }
mkdir -p "$OUT" "$WORK/keys"
K="$WORK/keys"
cp "$SAMPLE"/{ca.crt,server.crt,server.key,client.crt,client.key,client-ec.crt,client-ec.key} "$K/"
chmod 600 "$K"/*.key
printf 'sekrit\n' >"$K/mgmt-pw.txt"
printf 'iouser\niopass\n' >"$K/good.txt"
cat >"$K/check-pass.sh" <<'EOS'
#!/bin/sh
u=$(sed -n 1p "$1"); p=$(sed -n 2p "$1")
[ "$u" = iouser ] && [ "$p" = iopass ]
EOS
chmod +x "$K/check-pass.sh"
DRIVE="/usr/bin/python3 $HERE/drive.py"

# client_conf REMOTE: a client whose management socket (127.0.0.1:7506 in
# the client namespace) holds at start.
client_conf() {
  cat <<EOC
client
dev tun
nobind
remote $1 1194
ca $K/ca.crt
cert $K/client.crt
key $K/client.key
verb 3
management 127.0.0.1 7506
management-hold
EOC
}

server_conf() {
  cat <<EOC
server 10.94.0.0 255.255.255.0
dev tun
proto udp
port 1194
topology subnet
ca $K/ca.crt
cert $K/server.crt
key $K/server.key
dh none
keepalive 1 4
verb 3
EOC
}

# drive NS TARGET NAME [SCRIPT]: run scripts/SCRIPT.txt (default NAME) against
# TARGET inside NS; NAME.raw and NAME.txt land in $OUT.
drive() {
  local ns=$1 target=$2 name=$3 script=${4:-$3}
  ip netns exec "$ns" $DRIVE $target "$HERE/scripts/$script.txt" "$OUT/$name.raw"
  /usr/bin/python3 "$HERE/normalise.py" <"$OUT/$name.raw" >"$OUT/$name.txt"
}

stop_all() {
  local p
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null
  done
  sleep 0.5
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null
  done
  PIDS=()
}

sc_hold-none() {
  client_conf 10.200.0.1 >"$WORK/c.conf"
  start_daemon client "$NS_C" "$BIN" "$WORK/c.conf"
  drive "$NS_C" "--tcp 127.0.0.1:7506" hold-none
}

sc_hold-client() {
  client_conf 10.200.0.1 >"$WORK/c.conf"
  start_daemon client "$NS_C" "$BIN" "$WORK/c.conf"
  drive "$NS_C" "--tcp 127.0.0.1:7506" hold-client
}

sc_password() {
  client_conf 10.200.0.1 | sed "s|^management .*|management 127.0.0.1 7506 $K/mgmt-pw.txt|" >"$WORK/c.conf"
  echo management-signal >>"$WORK/c.conf"
  start_daemon client "$NS_C" "$BIN" "$WORK/c.conf"
  drive "$NS_C" "--tcp 127.0.0.1:7506" password
  drive "$NS_C" "--tcp 127.0.0.1:7506" password-fail
}

sc_unix() {
  client_conf 10.200.0.1 | sed "s|^management .*|management $WORK/m.sock unix|" >"$WORK/c.conf"
  printf 'management-client-user root\nmanagement-client-group root\n' >>"$WORK/c.conf"
  start_daemon client "$NS_C" "$BIN" "$WORK/c.conf"
  drive "$NS_C" "--unix $WORK/m.sock" unix
}

sc_unix-reject() {
  client_conf 10.200.0.1 | sed "s|^management .*|management $WORK/m.sock unix|" >"$WORK/c.conf"
  echo "management-client-user nobody" >>"$WORK/c.conf"
  start_daemon client "$NS_C" "$BIN" "$WORK/c.conf"
  ip netns exec "$NS_C" $DRIVE --unix "$WORK/m.sock" --expect-timeout 3 "$HERE/scripts/unix.txt" "$OUT/unix-reject.raw"
  /usr/bin/python3 "$HERE/normalise.py" <"$OUT/unix-reject.raw" >"$OUT/unix-reject.txt"
  grep -o 'MANAGEMENT: unix domain socket client connection rejected.*' "$WORK/client.log" >>"$OUT/unix-reject.txt"
}

sc_second() {
  client_conf 10.200.0.1 >"$WORK/c.conf"
  start_daemon client "$NS_C" "$BIN" "$WORK/c.conf"
  drive "$NS_C" "--tcp 127.0.0.1:7506" second-first &
  local first=$!
  sleep 1.5
  drive "$NS_C" "--tcp 127.0.0.1:7506" second-second
  wait "$first"
}

sc_server() { sc_server_with server; }
sc_server-envfilter() { sc_server_with server-envfilter; }
# server-reauth: the 2.6 client renegotiates every 6 s (reneg-sec on the
# client side only): each new key is a >CLIENT:REAUTH for the script.
sc_server-reauth() {
  server_conf >"$WORK/s.conf"
  printf 'management 127.0.0.1 7505\nmanagement-client-auth\nmanagement-hold\n' >>"$WORK/s.conf"
  start_daemon server "$NS_S" "$BIN" "$WORK/s.conf"
  client_conf "$UNDER_S" | grep -v '^management' >"$WORK/c.conf"
  printf 'auth-user-pass %s\nauth-retry nointeract\nreneg-sec 6\n' "$K/good.txt" >>"$WORK/c.conf"
  start_daemon client "$NS_C" "$REF" "$WORK/c.conf"
  drive "$NS_S" "--tcp 127.0.0.1:7505" server-reauth
}
# server-token: --auth-gen-token beside --management-client-auth; the 2.6
# client renegotiates every 6 s with the pushed token, and reconnects with it
# after client-kill.
sc_server-token() {
  server_conf >"$WORK/s.conf"
  printf 'management 127.0.0.1 7505\nmanagement-client-auth\nmanagement-hold\nauth-gen-token 600\n' >>"$WORK/s.conf"
  start_daemon server "$NS_S" "$BIN" "$WORK/s.conf"
  client_conf "$UNDER_S" | grep -v '^management' >"$WORK/c.conf"
  printf 'auth-user-pass %s\nauth-retry nointeract\nreneg-sec 6\n' "$K/good.txt" >>"$WORK/c.conf"
  start_daemon client "$NS_C" "$REF" "$WORK/c.conf"
  drive "$NS_S" "--tcp 127.0.0.1:7505" server-token
}
# server-handwindow: a CONNECT left unanswered until the server's
# hand-window (6 s) runs out.
sc_server-handwindow() {
  server_conf >"$WORK/s.conf"
  printf 'management 127.0.0.1 7505\nmanagement-client-auth\nmanagement-hold\nhand-window 6\n' >>"$WORK/s.conf"
  start_daemon server "$NS_S" "$BIN" "$WORK/s.conf"
  client_conf "$UNDER_S" | grep -v '^management' >"$WORK/c.conf"
  printf 'auth-user-pass %s\nauth-retry none\n' "$K/good.txt" >>"$WORK/c.conf"
  start_daemon client "$NS_C" "$REF" "$WORK/c.conf"
  drive "$NS_S" "--tcp 127.0.0.1:7505" server-handwindow
}
sc_server_with() {
  server_conf >"$WORK/s.conf"
  printf 'management 127.0.0.1 7505\nmanagement-client-auth\nmanagement-hold\n' >>"$WORK/s.conf"
  start_daemon server "$NS_S" "$BIN" "$WORK/s.conf"
  client_conf "$UNDER_S" | grep -v '^management' >"$WORK/c.conf"
  printf 'auth-user-pass %s\nauth-retry nointeract\n' "$K/good.txt" >>"$WORK/c.conf"
  start_daemon client "$NS_C" "$REF" "$WORK/c.conf"
  drive "$NS_S" "--tcp 127.0.0.1:7505" "$1"
}

# server-two: two 2.6 clients with the same certificate (duplicate-cn) and
# fixed ports (2.6 lists clients in a randomly seeded hash order:
# normalise.py --sort-rows); the second starts once the script has let the
# first in.
sc_server-two() {
  server_conf >"$WORK/s.conf"
  printf 'management 127.0.0.1 7505\nmanagement-client-auth\nmanagement-hold\nduplicate-cn\n' >>"$WORK/s.conf"
  start_daemon server "$NS_S" "$BIN" "$WORK/s.conf"
  client_conf "$UNDER_S" | grep -v '^management' | sed 's/^nobind$/lport 40001/' >"$WORK/c.conf"
  printf 'auth-user-pass %s\nauth-retry nointeract\n' "$K/good.txt" >>"$WORK/c.conf"
  sed -e 's/^lport .*/lport 40002/' "$WORK/c.conf" >"$WORK/c2.conf"
  start_daemon client "$NS_C" "$REF" "$WORK/c.conf"
  rm -f "$WORK/go-second"
  (
    for _ in $(seq 600); do [ -e "$WORK/go-second" ] && break; sleep 0.1; done
    [ -e "$WORK/go-second" ] || exit 0
    ip netns exec "$NS_C" "$REF" --config "$WORK/c2.conf" --log "$WORK/client2.log" &
    echo $! >"$WORK/client2.pid"
    wait
  ) &
  sed "s|@WORK@|$WORK|" "$HERE/scripts/server-two.txt" >"$WORK/server-two.txt"
  ip netns exec "$NS_S" $DRIVE --tcp 127.0.0.1:7505 "$WORK/server-two.txt" "$OUT/server-two.raw"
  /usr/bin/python3 "$HERE/normalise.py" --sort-rows <"$OUT/server-two.raw" >"$OUT/server-two.txt"
  [ -s "$WORK/client2.pid" ] && PIDS+=("$(cat "$WORK/client2.pid")")
}

sc_client-flow() {
  server_conf >"$WORK/s.conf"
  cat >>"$WORK/s.conf" <<EOC
script-security 2
auth-user-pass-verify $K/check-pass.sh via-file
push "echo hello-echo"
push "route 10.95.0.0 255.255.255.0"
EOC
  start_daemon server "$NS_S" "$REF" "$WORK/s.conf"
  client_conf "$UNDER_S" >"$WORK/c.conf"
  printf 'auth-user-pass\nmanagement-query-passwords\nauth-retry interact\n' >>"$WORK/c.conf"
  start_daemon client "$NS_C" "$BIN" "$WORK/c.conf"
  drive "$NS_C" "--tcp 127.0.0.1:7506" client-flow
}

sc_external-key() {
  server_conf >"$WORK/s.conf"
  start_daemon server "$NS_S" "$REF" "$WORK/s.conf"
  client_conf "$UNDER_S" | grep -v "^key " >"$WORK/c.conf"
  echo "management-external-key pkcs1 pss" >>"$WORK/c.conf"
  sed "s|@KEY@|$K/client.key|" "$HERE/scripts/external-key.txt" >"$WORK/external-key.txt"
  start_daemon client "$NS_C" "$BIN" "$WORK/c.conf"
  drive_pinging external-key
}

# drive_pinging NAME [NS PORT]: run the script $WORK/NAME.txt against the
# management socket 127.0.0.1:PORT in NS (default the client's, 7506); when
# the script touches $WORK/up (once connected), the client pings the
# server's tunnel address through the tunnel. NAME.ping in $OUT says
# "ok" or "failed" (stage 28 requires "ok": the signatures made a tunnel
# that carries traffic).
drive_pinging() {
  local name=$1 ns=${2:-$NS_C} port=${3:-7506} i
  rm -f "$WORK/up"
  sed -i "s|@UP@|$WORK/up|" "$WORK/$name.txt"
  ip netns exec "$ns" $DRIVE --tcp "127.0.0.1:$port" "$WORK/$name.txt" "$OUT/$name.raw" &
  local dpid=$!
  echo failed >"$OUT/$name.ping"
  for i in $(seq 1 900); do
    [ -e "$WORK/up" ] && break
    kill -0 "$dpid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -e "$WORK/up" ] && ip netns exec "$NS_C" ping -c 2 -W 2 "$TUN_S" >/dev/null 2>&1; then
    echo ok >"$OUT/$name.ping"
  fi
  wait "$dpid"
  /usr/bin/python3 "$HERE/normalise.py" <"$OUT/$name.raw" >"$OUT/$name.txt"
}

# The server's key signs through its management client (2.6 clients, TLS
# 1.3: RSA-PSS); the client pings the server through the tunnel.
sc_external-key-server() {
  server_conf | grep -v "^key " >"$WORK/s.conf"
  printf 'management 127.0.0.1 7505\nmanagement-hold\nmanagement-external-key pkcs1 pss\n' >>"$WORK/s.conf"
  sed "s|@KEY@|$K/server.key|" "$HERE/scripts/external-key-server.txt" >"$WORK/external-key-server.txt"
  start_daemon server "$NS_S" "$BIN" "$WORK/s.conf"
  client_conf "$UNDER_S" | grep -v '^management' >"$WORK/c.conf"
  start_daemon client "$NS_C" "$REF" "$WORK/c.conf"
  drive_pinging external-key-server "$NS_S" 7505
}

# ec_client_cert: a P-256 client key and certificate from the samples' CA
# (the samples' client-ec.key is secp256k1, which TLS 1.3 has no signature
# algorithm for: neither 2.6 nor we would send it).
ec_client_cert() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=Test-Client-P256 \
    -keyout "$K/client-p256.key" -out "$WORK/client-p256.csr" 2>/dev/null &&
    openssl x509 -req -in "$WORK/client-p256.csr" -CA "$K/ca.crt" -CAkey "$SAMPLE/ca.key" -CAcreateserial \
      -days 2 -out "$K/client-p256.crt" 2>/dev/null
}

# An EC key, no flags (2.6's default: pkcs1, which EC keys ignore); the
# management client hashes nothing, it gets the digest.
sc_external-key-ec() {
  ec_client_cert || { echo "capture.sh: cannot make the P-256 client certificate" >&2; return 1; }
  server_conf >"$WORK/s.conf"
  start_daemon server "$NS_S" "$REF" "$WORK/s.conf"
  client_conf "$UNDER_S" | grep -v "^key " |
    sed "s|^cert .*|cert $K/client-p256.crt|" >"$WORK/c.conf"
  echo "management-external-key" >>"$WORK/c.conf"
  sed "s|@KEY@|$K/client-p256.key|" "$HERE/scripts/external-key-ec.txt" >"$WORK/external-key-ec.txt"
  start_daemon client "$NS_C" "$BIN" "$WORK/c.conf"
  drive_pinging external-key-ec
}

# Neither key nor certificate in the configuration: the certificate comes
# from the `certificate` command (hint "macosx-keychain"), the signatures
# from pk-sig.
sc_external-cert() {
  server_conf >"$WORK/s.conf"
  start_daemon server "$NS_S" "$REF" "$WORK/s.conf"
  client_conf "$UNDER_S" | grep -v -e "^key " -e "^cert " >"$WORK/c.conf"
  printf 'management-external-key pkcs1 pss\nmanagement-external-cert macosx-keychain\n' >>"$WORK/c.conf"
  sed -e "s|@KEY@|$K/client.key|" -e "s|@CERT@|$K/client.crt|" "$HERE/scripts/external-cert.txt" \
    >"$WORK/external-cert.txt"
  start_daemon client "$NS_C" "$BIN" "$WORK/c.conf"
  drive_pinging external-cert
}

rc=0
for s in "${SCEN[@]}"; do
  if ! declare -F "sc_$s" >/dev/null; then
    echo "capture.sh: unknown scenario $s" >&2
    rc=2
    continue
  fi
  echo "== $s"
  "sc_$s"
  stop_all
  [ "$s" = unix-reject ] && continue
  case "$s" in
  password) files="$OUT/password.txt $OUT/password-fail.txt" ;;
  second) files="$OUT/second-first.txt $OUT/second-second.txt" ;;
  *) files="$OUT/$s.txt" ;;
  esac
  grep -q '^@ TIMEOUT' $files 2>/dev/null && {
    echo "capture.sh: $s: a step timed out" >&2
    rc=1
  }
done
exit $rc
