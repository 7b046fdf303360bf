#!/bin/sh
# Our client on DCO through its session's life, against Debian's 2.6 server:
#  rekey     --reneg-sec 10 on the client: transfers keep running until two
#            renegotiations happened under traffic (new key into the kernel's
#            secondary slot, swap, the old one deleted after the lame-duck
#            window); each transfer must complete, and ping works after;
#  restart   --persist-tun: the server is stopped; the kernel expires the
#            peer, the client logs 2.6's ping-restart lines, reconnects to
#            the restarted server and keeps its ovpn-dco device (same
#            ifindex, one "DCO device ... opened"), with a new peer in it;
#  ping-exit --ping-exit 6 (the pushed ping-restart filtered out): the
#            server is stopped, the kernel expires the peer and the client
#            exits with 2.6's lines and deletes its device;
#  tcp-reset over TCP the server is stopped: the connection's end (the
#            module's transport notification or the socket's EOF) restarts
#            the client at once, well before ping-restart (60 s), and it
#            comes back on a new ovpn-dco device with the restarted server;
#  reopen    without --persist-tun, SIGUSR1: the device is closed ("Closing
#            DCO interface") and a new one opened, traffic crosses again;
#  exit      SIGTERM with --explicit-exit-notify: the EXIT goes over the
#            control channel and the server drops the client at once.
# ktest-timeout: 540
. "$KT_LIB"
. "$KT_DIR/scenarios/lib-7x.sh"
kt_setup
kt_require "$KT_OUR_OPENVPN" "$KT_STRACE"

dc_case rekey
dc_server_and_conf c "reneg-sec 10"
dc_our c ktc1 --config "$KT_WORK/c.conf"
dc_on_dco c ktc1
n=0
while [ "$(dc_count c 'Control Channel:')" -lt 3 ]; do
  n=$((n + 1))
  [ "$n" -le 30 ] || dc_fail "no two renegotiations after 30 transfers: $(dc_count c 'Control Channel:') handshakes"
  kt_tcp_transfer kts 10.8.0.1 ktc1 "-n 2M"
done
kt_tcp_transfer kts 10.8.0.1 ktc1 "-n 2M -R"
kt_ping ktc1 10.8.0.1
grep -q 'ERROR: installing the renegotiated key failed' "$KT_WORK/c.log" && dc_fail "a renegotiated key was refused"
dc_kernel_carries c kts 10.8.0.1 ktc1
kt_log "rekey: $(dc_count c 'Control Channel:') handshakes, $n transfers"

dc_case restart-persist-tun
KT_KEEPALIVE="2 6" dc_server_and_conf c persist-tun
dc_our c ktc1 --config "$KT_WORK/c.conf"
dc_on_dco c ktc1
kt_ping ktc1 10.8.0.1
dev=$(kt_dco_dev c)
idx=$("$KT_IP" -n ktc1 -o link show dev "$dev" | cut -d: -f1)
kill "$(kt_pid server)"
kt_wait_log c '\[server\] Inactivity timeout \(--ping-restart\), restarting' 60
kt_wait_log c 'SIGUSR1\[soft,ping-restart\] received, process restarting'
kt_openvpn server2 kts --config "$KT_WORK/server.conf"
dc_wait_count c 'Initialization Sequence Completed' 2 90
[ "$(dc_count c 'DCO device [^ ]+ opened')" -eq 1 ] || dc_fail "the device was opened again despite --persist-tun"
[ "$(dc_count c 'Closing DCO interface')" -eq 0 ] || dc_fail "the device was closed despite --persist-tun"
idx2=$("$KT_IP" -n ktc1 -o link show dev "$dev" | cut -d: -f1)
[ "$idx" = "$idx2" ] || dc_fail "$dev's ifindex changed from $idx to $idx2 across the restart"
kt_assert_dco_link ktc1 "$dev"
kt_ping ktc1 10.8.0.1
dc_kernel_carries c kts 10.8.0.1 ktc1

dc_case ping-exit
KT_KEEPALIVE="2 6" dc_server_and_conf c "pull-filter ignore ping-restart" "ping-exit 6"
dc_our c ktc1 --config "$KT_WORK/c.conf"
dc_on_dco c ktc1
dev=$(kt_dco_dev c)
kt_ping ktc1 10.8.0.1
kill "$(kt_pid server)"
kt_wait_log c '\[server\] Inactivity timeout \(--ping-exit\), exiting' 60
kt_wait_log c 'SIGTERM\[soft,ping-exit\] received, process exiting' 10
i=0
p=$(kt_pid c)
while [ -d "/proc/$p" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null; do
  i=$((i + 1))
  [ "$i" -le 15 ] || dc_fail "still running 15 s after the ping-exit"
  sleep 1
done
"$KT_IP" -n ktc1 link show dev "$dev" >/dev/null 2>&1 && dc_fail "$dev is still there after the exit"

dc_case tcp-reset
DC_PROTO=tcp dc_server_and_conf c
dc_our c ktc1 --config "$KT_WORK/c.conf"
dc_on_dco c ktc1
kt_ping ktc1 10.8.0.1
kill "$(kt_pid server)"
kt_wait_log c 'Connection reset, restarting' 20
kt_wait_log c 'SIGUSR1\[soft,connection-reset\] received, process restarting' 5
kt_openvpn server2 kts --config "$KT_WORK/server.conf"
dc_wait_count c 'Initialization Sequence Completed' 2 90
kt_assert_dco_link ktc1 "$(kt_dco_dev c)"
kt_ping ktc1 10.8.0.1
kt_tcp_transfer kts 10.8.0.1 ktc1 "-n 2M -R"

dc_case reopen-and-exit
dc_server_and_conf c "explicit-exit-notify 1"
dc_our c ktc1 --config "$KT_WORK/c.conf"
dc_on_dco c ktc1
kill -USR1 "$(kt_pid c)"
kt_wait_log c 'SIGUSR1\[hard,\] received, process restarting'
dc_wait_count c 'Initialization Sequence Completed' 2 90
kt_wait_log c 'Closing DCO interface'
[ "$(dc_count c 'DCO device [^ ]+ opened')" -eq 2 ] || dc_fail "the device was not opened anew after the restart"
kt_assert_dco_link ktc1 "$(kt_dco_dev c)"
kt_ping ktc1 10.8.0.1
kt_tcp_transfer kts 10.8.0.1 ktc1 "-n 2M -R"
kill "$(kt_pid c)"
kt_wait_log c 'SIGTERM received, sending exit notification to peer' 10
# the server's ping-restart is 120 s: only the EXIT makes it drop the client now
kt_wait_log server 'client-instance exiting|remote-exit' 15
kt_info "our client on DCO: 2 rekeys under traffic, ping-restart with persist-tun keeps the device, ping-exit exits, a TCP reset restarts at once, SIGUSR1 reopens it, EXIT over the control channel"
