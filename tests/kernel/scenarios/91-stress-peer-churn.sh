#!/bin/sh
# Stress: 1,000 NEW_PEER/NEW_KEY/DEL_PEER cycles on one MP device while
# traffic flows to a steady peer. kstress (../kstress/) drives the netlink API
# directly and plays the short-lived peers' clients itself: every one of them
# gets an ICMP echo through the module (DATA_V2 each way) before it goes;
# ids and VPN addresses are reused every 64 cycles, eight peers live at a
# time. The steady peer is a real P2P ovpn-dco device (ovpn-dco-cli) with 50
# pings/s and back-to-back 1 MB iperf3 transfers the whole time: no
# transfer may fail, and the pings lose nothing beyond 1 in 100. Each
# deletion brings exactly one USERSPACE notification (none for the steady
# peer), and afterwards the module has let go of the server socket (its port
# binds again).
# ktest-timeout: 300
. "$KT_LIB"
kt_setup
kt_stress_topo
kt_stress_steady
kt_stress_ping_start steady ksp 10.99.0.1
kt_stress_iperf_start kss 10.99.0.1 ksp
kt_kstress churn churn kss ksc ks0 1000
transfers=$(kt_stress_iperf_stop)
set -- $(kt_stress_ping_stop steady)
[ -n "${1:-}" ] && [ "$1" -gt 0 ] || kt_fail "no ping statistics: $(tail -n 3 "$KT_WORK/steady.ping")"
lost=$(($1 - $2))
[ $((lost * 100)) -le "$1" ] || kt_fail "steady peer lost $lost of $1 pings during the churn"
kt_cli kss get-peer ks0 1
kt_ping ksp 10.99.0.1
kt_info "1000 peer cycles beside a steady peer: $transfers transfers, $lost of $1 pings lost; $(grep '^ok  churn:' "$KT_WORK/churn.out" | sed 's/^ok  churn: //')"
