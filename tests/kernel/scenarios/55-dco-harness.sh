#!/bin/sh
# The harness for OUR daemon on DCO (lib.sh: kt_our_dco, kt_no_userspace_data),
# proved here with Debian's openvpn 2.6 so that it is known to work before our
# daemon drives DCO: with DCO the client process receives next to nothing
# while 4 MB cross the tunnel towards it (the data stays in the kernel);
# restarted with --disable-dco the same check sees the 4 MB in userspace, so
# it can fail. Also checks that the log helpers find 2.6's device lines.
# ktest-timeout: 300
. "$KT_LIB"
kt_setup
kt_require "$KT_STRACE"

kt_netns kts ktc1
kt_link kts 10.200.0.1/24 ktc1 10.200.0.2/24
kt_server_conf "$KT_WORK/server.conf" udp4 AES-256-GCM
kt_client_conf "$KT_WORK/client1.conf" udp4 10.200.0.1 AES-256-GCM 1
kt_openvpn server kts --config "$KT_WORK/server.conf"
kt_wait_log server 'Initialization Sequence Completed'
kt_openvpn client1 ktc1 --config "$KT_WORK/client1.conf"
kt_our_dco server kts
kt_our_dco client1 ktc1
kt_ping ktc1 10.8.0.1

# 4 MB from the server to the client (iperf3 -R): with DCO the client's
# process must not see them.
kt_no_userspace_data client1 400000 kt_tcp_transfer kts 10.8.0.1 ktc1 "-n 4M -R"
dco_bytes=$(kt_userspace_rx_bytes client1)

# The same without DCO on the client: the check must see the data.
kill "$(kt_pid client1)"
i=0
while kt_alive client1 && [ "$i" -lt 30 ]; do
  sleep 1
  i=$((i + 1))
done
kt_openvpn client1u ktc1 --config "$KT_WORK/client1.conf" --disable-dco
kt_wait_log client1u 'Initialization Sequence Completed'
grep -q 'TUN/TAP device .* opened' "$KT_WORK/client1u.log" || kt_fail "client1u did not use a tun device"
kt_ping ktc1 10.8.0.1
kt_trace_start client1u
kt_tcp_transfer kts 10.8.0.1 ktc1 "-n 4M -R"
kt_trace_stop client1u
user_bytes=$(kt_userspace_rx_bytes client1u)
[ "$user_bytes" -ge 4000000 ] || kt_fail "without DCO the client received only $user_bytes bytes in userspace: the check is blind"
kt_info "harness: with DCO the 2.6 client received $dco_bytes bytes in userspace, without $user_bytes (4 MB transfer)"
