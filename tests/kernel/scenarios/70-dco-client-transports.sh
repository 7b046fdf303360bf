#!/bin/sh
# Our client on DCO against Debian's 2.6 server, over every transport:
# UDP4/AES-256-GCM, UDP6/CHACHA20-POLY1305, TCP4/CHACHA20-POLY1305,
# TCP6/AES-256-GCM. Each sub-case proves the client's data plane is an
# ovpn-dco device (log lines, `ip -d link`, status file), ping crosses over
# IPv4 and IPv6 inside the tunnel, 4 MB cross towards the client while its
# process reads none of them (strace and its userspace_data_packets
# counter), the status file's counters (the kernel's) grew by those 4 MB,
# and (IPv4 transports) 2 MB go the other way. The first sub-case also checks SIGUSR2's
# report (the kernel's counters, in the log), and that pushed routes without
# a metric of their own get 2.6's DCO metric 200 (an explicit one stays).
# dmesg is checked by the runner.
# ktest-timeout: 420
. "$KT_LIB"
. "$KT_DIR/scenarios/lib-7x.sh"
kt_setup
kt_require "$KT_OUR_OPENVPN" "$KT_STRACE"

transport() { # PROTO FAM CIPHER
  dc_case "$1$2-$3"
  DC_PROTO=$1 DC_FAM=$2 DC_CIPHER=$3 dc_server_and_conf c
  dc_our c ktc1 --config "$KT_WORK/c.conf"
  dc_on_dco c ktc1
  kt_wait_log c "Data Channel: cipher '$3'"
  kt_ping ktc1 10.8.0.1
  kt_ping ktc1 fd00:8::1
  dc_kernel_carries c kts 10.8.0.1 ktc1
  [ "$2" = 4 ] && kt_tcp_transfer kts 10.8.0.1 ktc1 "-n 2M"
  kt_no_stream_errors server c
}

# route_metric NS [-6] PREFIX: the metric of PREFIX's route in NS.
route_metric() {
  local ns=$1 fam=
  shift
  [ "$1" = -6 ] && { fam=-6; shift; }
  kt_in "$ns" "$KT_IP" $fam route show "$1" | sed -n 's/.* metric \([0-9]*\).*/\1/p' | head -n1
}

# 2.6's do_init_route_list: under DCO, routes without a metric of their own
# get DCO_DEFAULT_METRIC (200) so that a server's iroutes (metric 100) win.
dco_route_metrics() {
  local m
  m=$(route_metric ktc1 10.55.0.0/24)
  [ "$m" = 200 ] || dc_fail "pushed route 10.55.0.0/24 has metric '$m', not 2.6's DCO metric 200: $(kt_in ktc1 "$KT_IP" route)"
  m=$(route_metric ktc1 -6 fd00:55::/64)
  [ "$m" = 200 ] || dc_fail "pushed route fd00:55::/64 has metric '$m', not 200: $(kt_in ktc1 "$KT_IP" -6 route)"
  m=$(route_metric ktc1 10.56.0.0/24)
  [ "$m" = 33 ] || dc_fail "pushed route 10.56.0.0/24 with metric 33 has metric '$m'"
}

DC_SERVER_LINES='push "route 10.55.0.0 255.255.255.0"
push "route 10.56.0.0 255.255.255.0 vpn_gateway 33"
push "route-ipv6 fd00:55::/64"'
transport udp 4 AES-256-GCM
DC_SERVER_LINES=
dco_route_metrics
# SIGUSR2: 2.6 prints the status report into the log; its byte counts
# come from the kernel (4 MB came in above).
kill -USR2 "$(kt_pid c)"
kt_wait_log c 'TUN/TAP write bytes,[0-9]+' 10
w=$(sed -n 's/.*TUN\/TAP write bytes,\([0-9]*\).*/\1/p' "$KT_WORK/c.log" | tail -n1)
[ "$w" -ge 4000000 ] || dc_fail "SIGUSR2 reported TUN/TAP write bytes $w after a 4 MB transfer"
transport udp 6 CHACHA20-POLY1305
transport tcp 4 CHACHA20-POLY1305
transport tcp 6 AES-256-GCM
kt_info "our client on DCO against 2.6: udp4 udp6 tcp4 tcp6, AES-256-GCM and CHACHA20-POLY1305, data in the kernel, pushed routes at metric 200"
