#!/bin/sh
# OUR openvpn as the P2MP server on DCO over TCP: one dual-stack listener
# (proto tcp6-server), every accepted socket handed to the kernel after the
# client's handshake. Clients: Debian's 2.6 over IPv4 (AES-256-GCM), ours
# over IPv6 (CHACHA20-POLY1305) and 2.6 over IPv6, the last one connecting
# while a client-to-client transfer runs (the hand-over under load).
# Proves: the server's device is kind ovpn-dco; the clients reach the server
# and each other; a 15 s transfer client1 -> client2 through the server's
# kernel survives client3's connect; 4 MB from client3 to the server cross
# without the server reading data in userspace; the status file (v3) lists
# the three clients with the kernel's counters and dco_enabled 1; no stream
# errors anywhere; client3 killed (its host gone, so its socket closes) ->
# the server sees the end of the stream and frees it (client-disconnect
# ran), the others keep working.
# ktest-timeout: 360
. "$KT_LIB"
kt_setup
kt_require "$KT_OUR_OPENVPN" "$KT_STRACE"

kt_netns kts ktc1 ktc2 ktc3
for i in 1 2 3; do
  kt_link kts 10.22$i.0.1/24 ktc$i 10.22$i.0.2/24 fd00:22$i::1/64 fd00:22$i::2/64
done
kt_in kts sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward && echo 1 >/proc/sys/net/ipv6/conf/all/forwarding' ||
  kt_fail "cannot enable forwarding in kts"
mkdir -p "$KT_WORK/ccd"
for i in 1 2 3; do
  printf 'ifconfig-push 10.8.0.1%s 255.255.255.0\nifconfig-ipv6-push fd00:8::1%s/64 fd00:8::1\n' "$i" "$i" \
    >"$KT_WORK/ccd/client$i"
done
printf '#!/bin/sh\necho "disconnect $common_name $bytes_received $bytes_sent" >>%s/events\n' "$KT_WORK" \
  >"$KT_WORK/disconnect.sh"
chmod 755 "$KT_WORK/disconnect.sh"

KT_KEEPALIVE="2 20" kt_server_conf "$KT_WORK/server.conf" tcp6-server AES-256-GCM:CHACHA20-POLY1305 \
  "client-config-dir $KT_WORK/ccd" "script-security 2" "client-disconnect $KT_WORK/disconnect.sh" \
  "status $KT_WORK/server.status 1" "status-version 3"
kt_our_openvpn server kts --config "$KT_WORK/server.conf"
kt_our_dco server kts

kt_client_conf "$KT_WORK/client1.conf" tcp4-client 10.221.0.1 AES-256-GCM 1
kt_client_conf "$KT_WORK/client2.conf" tcp6-client fd00:222::1 CHACHA20-POLY1305 2
kt_client_conf "$KT_WORK/client3.conf" tcp6-client fd00:223::1 AES-256-GCM 3
kt_openvpn client1 ktc1 --config "$KT_WORK/client1.conf"
kt_our_openvpn client2 ktc2 --config "$KT_WORK/client2.conf"
kt_wait_dco client1 ktc1
kt_our_dco client2 ktc2
kt_wait_log server "client2/.*Data Channel: cipher 'CHACHA20-POLY1305'"
kt_ping ktc1 10.8.0.1
kt_ping ktc2 10.8.0.1
kt_ping kts 10.8.0.11
kt_ping ktc1 10.8.0.12
kt_ping ktc2 fd00:8::11

# client3 connects while client1 sends to client2 through the server
(kt_tcp_transfer ktc2 10.8.0.12 ktc1 "-t 15 -b 4M") >"$KT_WORK/bg.out" 2>&1 &
bg=$!
sleep 4
kt_openvpn client3 ktc3 --config "$KT_WORK/client3.conf"
kt_wait_dco client3 ktc3
kt_ping ktc3 10.8.0.1
kt_ping ktc3 10.8.0.11
wait "$bg" || kt_fail "the transfer client1 -> client2 failed while client3 connected: $(tail -n 5 "$KT_WORK/bg.out")"
bg_rate=$(sed -n 's/.*iperf3 .* ok (\(.*\))$/\1/p' "$KT_WORK/bg.out" | tail -n1)

kt_no_userspace_data server 400000 kt_tcp_transfer kts 10.8.0.1 ktc3 "-n 4M"
rate=$kt_last_rate
kt_no_stream_errors server client1 client2 client3

sleep 2
st="$KT_WORK/server.status"
[ "$(grep -c "^CLIENT_LIST	client[123]	" "$st")" -eq 3 ] || kt_fail "status: not three clients: $(cat "$st")"
[ "$(kt_status_value server dco_enabled)" = 1 ] || kt_fail "status: no dco_enabled 1: $(cat "$st")"
rx3=$(tr '\t' ',' <"$st" | awk -F, '$1 == "CLIENT_LIST" && $2 == "client3" { print $6 }')
# (iperf3 -n stops once the sender wrote 4 MB; what the status saw arrive
# may be less)
[ "${rx3:-0}" -gt 2000000 ] || {
  cat "$st" >&2
  kt_fail "status: client3 received only ${rx3:-0} bytes (4 MB were sent)"
}

# client3 dies and its host disappears: deleting its DCO device releases
# the socket the kernel held, the connection closes, the server sees the
# end of the stream and frees the client
c3dev=$(kt_dco_dev client3)
kill -9 "$(kt_pid client3)" || kt_fail "cannot kill client3"
"$KT_IP" -n ktc3 link del "$c3dev" || kt_fail "cannot delete the killed client's $c3dev"
kt_wait_log server 'client3/[^ ]+ SIG[A-Z0-9]+\[soft,[^]]*\] received, client-instance (exiting|restarting)' 60
i=0
until grep -q '^disconnect client3 ' "$KT_WORK/events" 2>/dev/null; do
  i=$((i + 1))
  [ "$i" -lt 10 ] || kt_fail "client-disconnect did not run for client3"
  sleep 1
done
gone_rx=$(awk '$2 == "client3" { print $3 }' "$KT_WORK/events" | tail -n1)
[ "${gone_rx:-0}" -ge "$rx3" ] || kt_fail "client-disconnect: bytes_received ${gone_rx:-0} < the $rx3 the status had"
kt_ping ktc1 10.8.0.12
kt_ping ktc2 10.8.0.1
kt_alive server || kt_fail "server exited"
how=$(grep -o -E 'client3/[^ ]+ SIG[A-Z0-9]+\[soft,[^]]*\]' "$KT_WORK/server.log" | tail -n1 | sed 's/^[^ ]* //')
kt_info "our server on DCO (tcp): 3 clients (2.6 tcp4, ours tcp6 chacha, 2.6 tcp6), c1->c2 15 s at $bg_rate while client3 connected, c3->server 4 MB at $rate, status v3 counters ok, killed client3 freed ($how, disconnect rx $gone_rx)"
