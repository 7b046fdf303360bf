#!/bin/sh
# Our userspace driver (src/dco through ovpn-dco-cli) against the module under
# test, P2P mode, no OpenVPN at all:
#
#   ns dco1                                   ns dco2
#   dcotun 5.5.5.1/24 (ovpn-dco, P2P)         dcotun 5.5.5.2/24 (ovpn-dco, P2P)
#     peer 1, UDP 10.50.0.1:1194  <-- veth -->  peer 1, UDP 10.50.0.2:1195
#
# Interfaces via RTM_NEWLINK, peers via NEW_PEER (socket handed over by
# KernelDataPlane::add_peer), matching AES-256-GCM keys via NEW_KEY (A/B
# halves, opposite directions), then ping both ways, GET_PEER stats, SET_PEER,
# a rekey (secondary key, SWAP_KEYS on both ends, DEL_KEY of the old one) with
# ping after each step, and DEL_PEER with its multicast notification.
# ktest-timeout: 180
. "$KT_LIB"
kt_setup
kt_require "$KT_DCO_CLI"
/sbin/modprobe "${KT_MODULE:-ovpn-dco-v2}" || kt_fail "modprobe ${KT_MODULE:-ovpn-dco-v2}"

# field OUTPUT_FILE NAME: the number after NAME in a get-peer line.
field() {
  sed -n "s/.* $2 \([0-9]*\).*/\1/p" "$1" | head -n1
}

# keys A|B: AES-256 key (32 bytes) + nonce tail (8 bytes) each.
keyfile() {
  printf '%s\n%s\n' \
    "$1$1$1$1$1$1$1$1 0102030405060708" \
    "$2$2$2$2$2$2$2$2 1112131415161718" >"$3"
}
keyfile 00112233 44556677 "$KT_WORK/key0"
keyfile 8899aabb ccddeeff "$KT_WORK/key1"

kt_netns dco1 dco2
kt_link dco1 10.50.0.1/24 dco2 10.50.0.2/24
for n in 1 2; do
  kt_cli dco$n new-iface dcotun p2p
  "$KT_IP" -n dco$n -d link show dcotun | grep -q ovpn-dco || kt_fail "dcotun in dco$n is not ovpn-dco"
  "$KT_IP" -n dco$n addr add 5.5.5.$n/24 dev dcotun || kt_fail "addr on dcotun"
  "$KT_IP" -n dco$n link set dcotun up || kt_fail "dcotun up"
done

kt_cli_bg peer1 dco1 '^ready' new-peer dcotun 1 1194 10.50.0.2 1195
kt_cli_bg peer2 dco2 '^ready' new-peer dcotun 1 1195 10.50.0.1 1194
kt_cli dco1 new-key dcotun 1 primary 0 aes 0 "$KT_WORK/key0"
kt_cli dco2 new-key dcotun 1 primary 0 aes 1 "$KT_WORK/key0"
kt_ping dco1 5.5.5.2
kt_ping dco2 5.5.5.1

kt_cli dco1 get-peer dcotun 1
cp "$KT_WORK/cli.out" "$KT_WORK/get1.out"
grep -q 'remote 10.50.0.2:1195' "$KT_WORK/get1.out" || kt_fail "GET_PEER remote: $(cat "$KT_WORK/get1.out")"
grep -q 'local_port 1194' "$KT_WORK/get1.out" || kt_fail "GET_PEER local port: $(cat "$KT_WORK/get1.out")"
rxp=$(field "$KT_WORK/get1.out" vpn_rx_packets)
txb=$(field "$KT_WORK/get1.out" link_tx_bytes)
[ -n "$rxp" ] && [ "$rxp" -gt 0 ] || kt_fail "no decrypted packets counted: $(cat "$KT_WORK/get1.out")"
[ -n "$txb" ] && [ "$txb" -gt 0 ] || kt_fail "no encrypted bytes counted: $(cat "$KT_WORK/get1.out")"

kt_cli dco1 set-peer dcotun 1 10 60
kt_cli dco1 get-peer dcotun 1
grep -q 'keepalive 10/60' "$KT_WORK/cli.out" || kt_fail "SET_PEER not reflected: $(cat "$KT_WORK/cli.out")"

# Rekey: new key id 1 in the secondary slot, swap, ping, drop the old key.
kt_cli dco1 new-key dcotun 1 secondary 1 aes 0 "$KT_WORK/key1"
kt_cli dco2 new-key dcotun 1 secondary 1 aes 1 "$KT_WORK/key1"
kt_ping dco1 5.5.5.2
kt_cli dco1 swap-keys dcotun 1
kt_cli dco2 swap-keys dcotun 1
kt_ping dco1 5.5.5.2
kt_cli dco1 del-key dcotun 1 secondary
kt_cli dco2 del-key dcotun 1 secondary
kt_ping dco2 5.5.5.1

# Deleting the peer is announced on the "peers" multicast group.
kt_cli_bg listen dco1 '^ready' listen dcotun 1
kt_cli dco1 del-peer dcotun 1
i=0
while ! grep -q 'DEL_PEER' "$KT_WORK/listen.out"; do
  i=$((i + 1))
  [ "$i" -lt 50 ] || kt_fail "no DEL_PEER notification: $(cat "$KT_WORK/listen.out")"
  sleep 0.2
done
grep -q 'peer 1 reason userspace' "$KT_WORK/listen.out" || kt_fail "notification: $(cat "$KT_WORK/listen.out")"
kt_in dco1 "$KT_DCO_CLI" --expect-errno 2 get-peer dcotun 1 >/dev/null 2>&1 || kt_fail "peer 1 still there after DEL_PEER"

kt_cli dco1 del-iface dcotun
kt_cli dco2 del-iface dcotun
kt_info "dco-cli p2p: links, peers, AES-256-GCM keys, ping both ways, stats, keepalive, rekey+swap, DEL_PEER notification"
