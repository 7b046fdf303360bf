#!/bin/sh
# Our userspace driver against the module under test on the other
# transports: P2P over UDP/IPv6 (IPv4 and IPv6 inside the tunnel), then P2P
# over one TCP connection (KernelDataPlane hands over the established socket
# and sends no remote address).
#
#   ns dco1  dco6 5.5.7.1/24 fd00:57::1/64 ---- UDP [fd00:53::1]:1194 <-> [fd00:53::2]:1195 ---- ns dco2  dco6 .2
#            dcotcp 5.5.8.1/24 ---------------- TCP 10.53.0.1:1194 (listen) <- 10.53.0.2 --------------  dcotcp .2
# ktest-timeout: 200
. "$KT_LIB"
kt_setup
kt_require "$KT_DCO_CLI"
/sbin/modprobe "${KT_MODULE:-ovpn-dco-v2}" || kt_fail "modprobe ${KT_MODULE:-ovpn-dco-v2}"

# AES-128-GCM halves: 16-byte key + 8-byte nonce tail.
printf '%s\n' "0f0e0d0c0b0a09080706050403020100 5051525354555657" \
  "1f1e1d1c1b1a19181716151413121110 6061626364656667" >"$KT_WORK/key"

kt_netns dco1 dco2
kt_link dco1 10.53.0.1/24 dco2 10.53.0.2/24 fd00:53::1/64 fd00:53::2/64

# --- UDP over IPv6 ---
for n in 1 2; do
  kt_cli dco$n new-iface dco6 p2p
  "$KT_IP" -n dco$n addr add 5.5.7.$n/24 dev dco6 || kt_fail "addr dco6"
  "$KT_IP" -n dco$n addr add fd00:57::$n/64 dev dco6 nodad || kt_fail "addr6 dco6"
  "$KT_IP" -n dco$n link set dco6 up || kt_fail "dco6 up"
done
kt_cli_bg u1 dco1 '^ready' new-peer dco6 7 1194 fd00:53::2 1195
kt_cli_bg u2 dco2 '^ready' new-peer dco6 7 1195 fd00:53::1 1194
kt_cli dco1 new-key dco6 7 primary 0 aes 0 "$KT_WORK/key"
kt_cli dco2 new-key dco6 7 primary 0 aes 1 "$KT_WORK/key"
kt_ping dco1 5.5.7.2
kt_ping dco2 fd00:57::1
kt_cli dco1 get-peer dco6 7
grep -q 'remote \[fd00:53::2\]:1195' "$KT_WORK/cli.out" || kt_fail "GET_PEER over IPv6: $(cat "$KT_WORK/cli.out")"

# --- TCP over IPv4 ---
for n in 1 2; do
  kt_cli dco$n new-iface dcotcp p2p
  "$KT_IP" -n dco$n addr add 5.5.8.$n/24 dev dcotcp || kt_fail "addr dcotcp"
  "$KT_IP" -n dco$n link set dcotcp up || kt_fail "dcotcp up"
done
kt_cli_bg t1 dco1 '^listening' new-peer-tcp dcotcp 3 listen 1194
kt_cli_bg t2 dco2 '^ready' new-peer-tcp dcotcp 3 connect 10.53.0.1 1194
i=0
while ! grep -q '^ready' "$KT_WORK/t1.out"; do
  i=$((i + 1))
  [ "$i" -lt 100 ] || kt_fail "TCP listener: $(cat "$KT_WORK/t1.out")"
  sleep 0.2
done
kt_cli dco1 new-key dcotcp 3 primary 0 aes 0 "$KT_WORK/key"
kt_cli dco2 new-key dcotcp 3 primary 0 aes 1 "$KT_WORK/key"
kt_ping dco1 5.5.8.2
kt_ping dco2 5.5.8.1
kt_cli dco2 get-peer dcotcp 3
grep -q 'link_tx_bytes [1-9]' "$KT_WORK/cli.out" || kt_fail "no TCP link traffic counted: $(cat "$KT_WORK/cli.out")"

for n in 1 2; do
  kt_cli dco$n del-iface dco6
  kt_cli dco$n del-iface dcotcp
done
kt_info "dco-cli udp6 + tcp4: P2P over UDP/IPv6 (v4+v6 inside) and over TCP, AES-128-GCM, ping both ways"
