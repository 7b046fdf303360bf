#!/bin/sh
# Our client's options around DCO, against Debian's 2.6 server:
#  user      --user nobody --group nogroup: after the drop the process is
#            uid/gid 65534 with CAP_NET_ADMIN only (kept through libcap-ng
#            because the data plane needs it), and the server's rekeys
#            every 10 s still reach the kernel (two of them, ping after);
#  disable   --disable-dco: a tun device, our line says why, and the same
#            4 MB transfer that DCO keeps in the kernel is read by the
#            process (the no-userspace-data check can fail);
#  inactive  --inactive 3 1000000: only keepalive pings cross, so the
#            kernel's counters stay under the limit and the client exits
#            with 2.6's line;
#  compress  the server pushes "compress lz4": Debian's 2.6 client and ours
#            both refuse the push with 2.6's lines (compression cannot be
#            offloaded), open no device and restart; "compress stub-v2"
#            frames nothing an IP packet carries: both run on DCO.
# ktest-timeout: 480
. "$KT_LIB"
. "$KT_DIR/scenarios/lib-7x.sh"
kt_setup
kt_require "$KT_OUR_OPENVPN" "$KT_STRACE"

dc_case user-nobody
DC_SERVER_LINES="reneg-sec 10" dc_server_and_conf c "user nobody" "group nogroup" persist-key persist-tun
dc_our c ktc1 --config "$KT_WORK/c.conf"
dc_on_dco c ktc1
kt_wait_log c 'Capabilities retained: CAP_NET_ADMIN'
st=/proc/$(kt_pid c)/status
grep -q '^Uid:[[:space:]]*65534[[:space:]]*65534[[:space:]]*65534[[:space:]]*65534' "$st" || dc_fail "not uid nobody: $(grep Uid "$st")"
grep -q '^Gid:[[:space:]]*65534' "$st" || dc_fail "not gid nogroup: $(grep Gid "$st")"
grep -q '^CapEff:[[:space:]]*0000000000001000$' "$st" || dc_fail "effective capabilities are not CAP_NET_ADMIN alone: $(grep CapEff "$st")"
base=$(dc_count c 'Control Channel:')
dc_wait_count c 'Control Channel:' $((base + 2)) 60
grep -q 'ERROR: installing the renegotiated key failed' "$KT_WORK/c.log" && dc_fail "a renegotiated key was refused after the privilege drop"
kt_ping ktc1 10.8.0.1
kt_tcp_transfer kts 10.8.0.1 ktc1 "-n 2M -R"

dc_case disable-dco
dc_server_and_conf c
dc_our c ktc1 --config "$KT_WORK/c.conf" --disable-dco
kt_wait_log c 'Initialization Sequence Completed'
grep -q 'TUN/TAP device tun0 opened' "$KT_WORK/c.log" || dc_fail "no tun device with --disable-dco"
grep -q 'DCO device' "$KT_WORK/c.log" && dc_fail "a DCO device despite --disable-dco"
grep -q 'Data channel offload: off (--disable-dco); the data channel runs in userspace on tun0' "$KT_WORK/c.log" ||
  dc_fail "the log does not say why DCO is off: $(grep 'Data channel offload' "$KT_WORK/c.log")"
[ "$(dc_status c dco_enabled)" = 0 ] || dc_fail "status file does not say dco_enabled,0"
"$KT_IP" -n ktc1 -d link show dev tun0 | grep -q ovpn-dco && dc_fail "tun0 is an ovpn-dco device"
kt_ping ktc1 10.8.0.1
before=$(dc_status c userspace_data_packets)
kt_trace_start c
kt_tcp_transfer kts 10.8.0.1 ktc1 "-n 4M -R"
kt_trace_stop c
got=$(kt_userspace_rx_bytes c)
[ "$got" -ge 4000000 ] || dc_fail "the userspace plane read only $got bytes of 4 MB (the check is blind)"
after=$(dc_status c userspace_data_packets)
[ "$after" -gt "$before" ] || dc_fail "userspace_data_packets did not grow without DCO ($before -> $after)"

dc_case inactive
dc_server_and_conf c "inactive 3 1000000"
dc_our c ktc1 --config "$KT_WORK/c.conf"
kt_wait_log c 'Data channel offload: on \(ovpn-dco-v2 '
kt_wait_log c 'Inactivity timeout \(--inactive\), exiting' 30
kt_wait_log c 'SIGTERM\[soft,inactive\] received, process exiting' 10

compress() { # NAME BIN: the client NAME (BIN) gets "compress lz4" pushed
  KT_OVPN_BIN=$2 kt_openvpn "$1" ktc1 --config "$KT_WORK/c.conf"
  dc_wait_count "$1" 'SIGUSR1\[soft,process-push-msg-failed\] received, process restarting' 2 60
  for l in 'Compression or compression stub framing is not allowed since data-channel offloading is enabled.' \
    'OPTIONS ERROR: server pushed compression settings that are not allowed and will result in a non-working connection. See also allow-compression in the manual.' \
    'ERROR: Failed to apply push options' \
    'Failed to open tun/tap interface'; do
    grep -qF "$l" "$KT_WORK/$1.log" || dc_fail "$1 lacks 2.6's line: $l"
  done
  grep -q -E 'DCO device|TUN/TAP device' "$KT_WORK/$1.log" && dc_fail "$1 opened a device despite the refused push"
  kill "$(kt_pid "$1")"
}
dc_case push-compress-lz4
DC_SERVER_LINES='push "compress lz4"' dc_server_and_conf c
compress ref "$KT_OPENVPN"
compress ours "$KT_OUR_OPENVPN"

dc_case push-compress-stub-v2
DC_SERVER_LINES='push "compress stub-v2"' dc_server_and_conf c
kt_openvpn ref ktc1 --config "$KT_WORK/c.conf"
kt_wait_dco ref ktc1
kill "$(kt_pid ref)"
sleep 2
dc_our c ktc1 --config "$KT_WORK/c.conf"
dc_on_dco c ktc1
kt_ping ktc1 10.8.0.1
kt_tcp_transfer kts 10.8.0.1 ktc1 "-n 2M -R"
kt_info "our client: --user nobody keeps CAP_NET_ADMIN for rekeys, --disable-dco runs tun and says so, --inactive on kernel counters, pushed compress as 2.6"
