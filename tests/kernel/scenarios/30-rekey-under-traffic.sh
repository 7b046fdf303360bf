#!/bin/sh
# Rekey every 10 s (reneg-sec 10 on the server) while a 25 s TCP transfer
# runs through the tunnel (UDP IPv4, AES-256-GCM): the transfer completes,
# at least two renegotiations happened during it, and ping works on the
# latest keys afterwards.
# ktest-timeout: 240
. "$KT_LIB"
kt_setup
kt_netns kts ktc1
kt_link kts 10.200.0.1/24 ktc1 10.200.0.2/24
kt_server_conf "$KT_WORK/server.conf" udp4 AES-256-GCM "reneg-sec 10"
kt_client_conf "$KT_WORK/client1.conf" udp4 10.200.0.1 AES-256-GCM 1
kt_openvpn server kts --config "$KT_WORK/server.conf"
kt_wait_dco server kts
kt_openvpn client1 ktc1 --config "$KT_WORK/client1.conf"
kt_wait_dco client1 ktc1
kt_ping ktc1 10.8.0.1
before=$(kt_count_log client1 'Control Channel: TLS')
kt_tcp_transfer kts 10.8.0.1 ktc1 "-t 25 -b 8M"
after=$(kt_count_log client1 'Control Channel: TLS')
renegs=$((after - before))
[ "$renegs" -ge 2 ] || kt_fail "only $renegs renegotiation(s) during the 25 s transfer"
kt_alive server || kt_fail "server exited"
kt_alive client1 || kt_fail "client exited"
kt_ping ktc1 10.8.0.1
kt_ping kts 10.8.0.2
stalls=$(grep -c -E 'sec +0\.00 Bytes' "$KT_WORK"/iperf-c-*.out)
kt_info "rekey: $renegs renegotiations during 25 s of traffic ($kt_last_rate), $stalls empty 1-s intervals, ping ok after"
