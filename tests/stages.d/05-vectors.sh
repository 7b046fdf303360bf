#!/bin/bash
# Stage 05-vectors: key files cross between our code and Debian's OpenVPN 2.6.
#
#   1. 2.6 reads a static key we wrote:  openvpn --test-crypto --secret ours.key
#   2. we read a static key and unwrap a tls-crypt-v2 client key 2.6 wrote
#   3. a tls-crypt-v2 client key we wrapped (with 2.6's server key) lets a
#      2.6 client finish its handshake with a 2.6 server:
#
#      ns wsA$$ (10.91.3.1, 2.6 server) ---- veth ---- ns wsB$$ (10.91.3.2, 2.6 client)
#
# Fails loudly when openvpn, the build or root is missing. Needs openssl for
# a throw-away certificate.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TOOL="$ROOT/build/bin/wire_keytool"
OVPN=/usr/sbin/openvpn
NA="wsA$$"
NB="wsB$$"
TMP="$(mktemp -d)"
PIDS=()

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.3
    ip netns del "$NA" 2>/dev/null || true
    ip netns del "$NB" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

die() { echo "05-vectors: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
[ -x "$OVPN" ] || die "$OVPN missing (apt-get install openvpn)"
[ -x "$TOOL" ] || die "$TOOL missing (build the tree first)"
command -v openssl >/dev/null || die "openssl missing"

cd "$TMP"
echo "== 1. 2.6 reads our static key"
"$TOOL" genkey secret >ours.key
"$OVPN" --test-crypto --secret ours.key --cipher AES-256-CBC --auth SHA256 >test-crypto.log 2>&1 ||
    { tail -5 test-crypto.log >&2; die "openvpn --test-crypto refused our key"; }
grep -q "SUCCEEDED" test-crypto.log || die "no SUCCEEDED from --test-crypto"
"$OVPN" --test-crypto --secret ours.key --cipher AES-128-CBC --auth SHA1 >/dev/null 2>&1 ||
    die "openvpn --test-crypto refused our key (AES-128-CBC/SHA1)"
# Negative control: a corrupted key file must be refused by 2.6.
sed '5s/^./x/' ours.key >broken.key
if "$OVPN" --test-crypto --secret broken.key >/dev/null 2>&1; then die "2.6 accepted a broken key file"; fi

echo "== 2. we read 2.6's keys"
"$OVPN" --genkey secret theirs.key
"$TOOL" check-static theirs.key >/dev/null || die "our parser refused 2.6's static key"
"$OVPN" --genkey tls-crypt-v2-server server.key
"$OVPN" --tls-crypt-v2 server.key --genkey tls-crypt-v2-client their-client.key
"$TOOL" unwrap-v2 server.key their-client.key || die "we could not unwrap 2.6's tls-crypt-v2 client key"
# Negative control: a client key for another server must not unwrap.
"$OVPN" --genkey tls-crypt-v2-server other.key
if "$TOOL" unwrap-v2 other.key their-client.key 2>/dev/null; then die "unwrap with the wrong server key succeeded"; fi

echo "== 3. 2.6 accepts a tls-crypt-v2 client key we wrapped"
"$TOOL" genkey tls-crypt-v2-client server.key >our-client.key
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=wire-stage -keyout pki.key -out pki.crt >/dev/null 2>&1 || die "openssl req failed"
ip netns add "$NA"
ip netns add "$NB"
ip link add "wsa$$" type veth peer name "wsb$$"
ip link set "wsa$$" netns "$NA"
ip link set "wsb$$" netns "$NB"
ip -n "$NA" addr add 10.91.3.1/24 dev "wsa$$"
ip -n "$NB" addr add 10.91.3.2/24 dev "wsb$$"
ip -n "$NA" link set "wsa$$" up
ip -n "$NB" link set "wsb$$" up

handshake() { # client-key-file log-name
    ip netns exec "$NA" "$OVPN" --server 10.91.4.0 255.255.255.0 --dev "wst$$" --dev-type tun --proto udp --lport 1194 \
        --ca pki.crt --cert pki.crt --key pki.key --dh none --tls-crypt-v2 server.key \
        --verb 3 >"server-$2.log" 2>&1 &
    local sp=$!
    PIDS+=("$sp")
    sleep 0.5
    ip netns exec "$NB" "$OVPN" --client --dev "wct$$" --dev-type tun --proto udp --remote 10.91.3.1 1194 --nobind \
        --ca pki.crt --cert pki.crt --key pki.key --tls-crypt-v2 "$1" --verb 3 \
        >"client-$2.log" 2>&1 &
    local cp=$!
    PIDS+=("$cp")
    local ok=1
    for _ in $(seq 1 30); do
        if grep -q "Initialization Sequence Completed" "client-$2.log"; then ok=0; break; fi
        sleep 0.5
    done
    kill "$cp" "$sp" 2>/dev/null || true
    wait "$cp" "$sp" 2>/dev/null || true
    return $ok
}
handshake our-client.key ours || { tail -20 server-ours.log >&2; tail -20 client-ours.log >&2; die "2.6 did not accept our client key"; }
# Negative control: a client key wrapped for another server must fail.
"$TOOL" genkey tls-crypt-v2-client other.key >bad-client.key
if handshake bad-client.key bad; then die "2.6 accepted a client key wrapped for another server"; fi
grep -qi "tls-crypt-v2\|TLS Error\|packet authentication" server-bad.log ||
    echo "   (server log for the negative control has no tls-crypt-v2 error line)"
echo "05-vectors: PASS"
