#!/bin/sh
# Stress: key rotation every second for 20 s under traffic. Two P2P ovpn-dco
# devices (ovpn-dco-cli, AES-256-GCM key 0); kstress installs a new key as
# secondary on both ends, swaps on both, and deletes the old one 300 ms
# later, alternating AES-256-GCM and CHACHA20-POLY1305, key ids 1..7,0.
# Meanwhile 50 pings/s go each way and 1 MB iperf3 transfers run back to
# back. Both ends hold the new key before either swaps, so no packet should
# meet a receiver without its key: the pings may lose at most one packet per
# swap and direction (the swap window), every transfer must complete, and
# the tunnel works on the last key.
# ktest-timeout: 200
. "$KT_LIB"
kt_setup
kt_require "$KT_KSTRESS" "$KT_DCO_CLI"
kt_netns ksa ksb
kt_link ksa 10.96.0.1/24 ksb 10.96.0.2/24
kt_stress_keyfile "$KT_WORK/k0" 01234567 89abcdef
for n in a b; do
  kt_cli ks$n new-iface ks1 p2p
done
"$KT_IP" -n ksa addr add 10.95.0.1/24 dev ks1 || kt_fail "address in ksa"
"$KT_IP" -n ksb addr add 10.95.0.2/24 dev ks1 || kt_fail "address in ksb"
"$KT_IP" -n ksa link set ks1 up || kt_fail "ks1 up in ksa"
"$KT_IP" -n ksb link set ks1 up || kt_fail "ks1 up in ksb"
kt_cli_bg peer-a ksa '^ready' new-peer ks1 1 1194 10.96.0.2 1194
kt_cli_bg peer-b ksb '^ready' new-peer ks1 1 1194 10.96.0.1 1194
kt_cli ksa new-key ks1 1 primary 0 aes 0 "$KT_WORK/k0"
kt_cli ksb new-key ks1 1 primary 0 aes 1 "$KT_WORK/k0"
kt_ping ksa 10.95.0.2
kt_ping ksb 10.95.0.1
kt_stress_ping_start ab ksa 10.95.0.2
kt_stress_ping_start ba ksb 10.95.0.1
kt_stress_iperf_start ksb 10.95.0.2 ksa
rounds=20
kt_kstress keyswap keyswap ksa ksb ks1 1 1 "$rounds"
sleep 1
transfers=$(kt_stress_iperf_stop)
set -- $(kt_stress_ping_stop ab) $(kt_stress_ping_stop ba)
[ $# -eq 4 ] && [ "$1" -gt 0 ] && [ "$3" -gt 0 ] || kt_fail "no ping statistics: $(tail -n 2 "$KT_WORK/ab.ping" "$KT_WORK/ba.ping")"
lab=$(($1 - $2))
lba=$(($3 - $4))
[ "$lab" -le "$rounds" ] || kt_fail "a->b lost $lab of $1 pings over $rounds key swaps"
[ "$lba" -le "$rounds" ] || kt_fail "b->a lost $lba of $3 pings over $rounds key swaps"
kt_ping ksa 10.95.0.2
kt_ping ksb 10.95.0.1
kt_info "$rounds key swaps under traffic: pings lost a->b $lab/$1, b->a $lba/$3; $transfers transfers complete"
