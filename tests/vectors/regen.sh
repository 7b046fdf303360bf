#!/bin/bash
# Regenerate tests/vectors/captured/ from Debian's OpenVPN 2.6 (run as root).
#
#   ns A (10.91.0.1) ---- veth ---- ns B (10.91.0.2)
#   2.6 client/peer                 tcpdump; 2.6 peer (p2p --secret)
#
# 1. First control packets of a 2.6 client with tls-auth (key-direction 1),
#    tls-crypt and tls-crypt-v2 (nobody answers: the client repeats its hard
#    reset, which is all we need).
# 2. A p2p --secret tunnel (AES-256-CBC, SHA256) between two 2.6 peers
#    carrying pings 10.91.1.1 -> 10.91.1.2.
# Keys are made fresh by 2.6's --genkey and stored next to the captures.
# Needs: openvpn, tcpdump, iproute2, iputils-ping, openssl, python3.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$HERE/captured"
NA="wireA$$"
NB="wireB$$"
TMP="$(mktemp -d)"
PIDS=()

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    ip netns del "$NA" 2>/dev/null || true
    ip netns del "$NB" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "regen.sh: must run as root" >&2; exit 1; }
for t in openvpn tcpdump ip openssl python3 ping; do
    command -v "$t" >/dev/null || { echo "regen.sh: $t missing" >&2; exit 1; }
done

ip netns add "$NA"
ip netns add "$NB"
ip link add "va$$" type veth peer name "vb$$"
ip link set "va$$" netns "$NA"
ip link set "vb$$" netns "$NB"
ip -n "$NA" addr add 10.91.0.1/24 dev "va$$"
ip -n "$NB" addr add 10.91.0.2/24 dev "vb$$"
ip -n "$NA" link set "va$$" up
ip -n "$NB" link set "vb$$" up
ip -n "$NA" link set lo up
ip -n "$NB" link set lo up

mkdir -p "$OUT"
cd "$TMP"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=wire-vectors -keyout c.key -out c.crt >/dev/null 2>&1

openvpn --genkey tls-auth "$OUT/tls-auth.key"
openvpn --genkey tls-crypt "$OUT/tls-crypt.key"
openvpn --genkey tls-crypt-v2-server "$OUT/tc2-server.key"
openvpn --tls-crypt-v2 "$OUT/tc2-server.key" --genkey tls-crypt-v2-client "$OUT/tc2-client.key"
openvpn --genkey secret "$OUT/secret.key"

capture() { # name port -- command...
    local name=$1 port=$2
    shift 3
    ip netns exec "$NB" tcpdump -i "vb$$" -U -w "$TMP/$name.pcap" udp port "$port" >/dev/null 2>&1 &
    local tp=$!
    PIDS+=("$tp")
    sleep 1
    ip netns exec "$NA" "$@" >"$TMP/$name.log" 2>&1 &
    local op=$!
    PIDS+=("$op")
    sleep 4 # the client resends its reset after 2 s
    kill "$op" 2>/dev/null || true
    sleep 0.5
    kill "$tp" 2>/dev/null || true
    wait "$tp" 2>/dev/null || true
    python3 "$HERE/pcap_udp.py" "$TMP/$name.pcap" "$port" >"$OUT/$name.hex"
    [ -s "$OUT/$name.hex" ] || { echo "regen.sh: no packets for $name" >&2; cat "$TMP/$name.log" >&2; exit 1; }
    echo "$name: $(wc -l <"$OUT/$name.hex") packets"
}

CLIENT=(openvpn --client --dev null --proto udp --remote 10.91.0.2 1194 --nobind
        --ca c.crt --cert c.crt --key c.key --verb 3 --connect-retry-max 1)
capture tls-auth-client 1194 -- "${CLIENT[@]}" --tls-auth "$OUT/tls-auth.key" 1
capture tls-crypt-client 1194 -- "${CLIENT[@]}" --tls-crypt "$OUT/tls-crypt.key"
capture tls-crypt-v2-client 1194 -- "${CLIENT[@]}" --tls-crypt-v2 "$OUT/tc2-client.key"

# p2p --secret tunnel with pings.
STATIC=(openvpn --dev tun --proto udp --secret "$OUT/secret.key" --cipher AES-256-CBC --auth SHA256 --verb 3)
ip netns exec "$NB" tcpdump -i "vb$$" -U -w "$TMP/secret.pcap" udp port 1195 >/dev/null 2>&1 &
PIDS+=($!)
TP=$!
sleep 1
ip netns exec "$NB" "${STATIC[@]}" --dev "tunb$$" --lport 1195 --remote 10.91.0.1 1195 \
    --ifconfig 10.91.1.2 10.91.1.1 >"$TMP/peerb.log" 2>&1 &
PIDS+=($!)
ip netns exec "$NA" "${STATIC[@]}" --dev "tuna$$" --lport 1195 --remote 10.91.0.2 1195 \
    --ifconfig 10.91.1.1 10.91.1.2 >"$TMP/peera.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 30); do
    grep -q "Initialization Sequence Completed" "$TMP/peera.log" && break
    sleep 0.5
done
ip netns exec "$NA" ping -c 3 -i 0.3 -W 2 10.91.1.2 >"$TMP/ping.log" || { cat "$TMP/peera.log" >&2; exit 1; }
sleep 1
kill "$TP" 2>/dev/null || true
wait "$TP" 2>/dev/null || true
python3 "$HERE/pcap_udp.py" "$TMP/secret.pcap" 1195 >"$OUT/secret-aes256cbc-sha256.hex"
echo "secret: $(wc -l <"$OUT/secret-aes256cbc-sha256.hex") packets"
chmod 644 "$OUT"/*
echo "vectors written to $OUT"
