#!/bin/sh
# OUR openvpn as the P2MP server on DCO over UDP, configured as a user runs
# it: one dual-stack socket (proto udp6), --user nobody --group nogroup,
# reneg-sec 10, keepalive 1 5, fixed addresses and an iroute from the
# client-config-dir, client-connect / client-disconnect scripts, --status v2
# every second, client-to-client, explicit-exit-notify. Clients: Debian's 2.6 over IPv4
# (AES-256-GCM), ours over IPv6 (CHACHA20-POLY1305) and 2.6 over IPv6 with a
# network behind it (192.168.33.0/24, fd00:33::/64).
# Proves: the server's device is kind ovpn-dco and the process runs as
# nobody with CAP_NET_ADMIN; every client reaches the server and the others
# (client-to-client is routed by the server's kernel) and the server and
# client1 reach the network behind client3 (its iroutes are kernel routes,
# metric 100); 22 s of iperf3 from client1 cross two server-initiated rekeys
# while the server reads no data in userspace; the status file lists the
# three clients with the kernel's counters and dco_enabled 1; client1 killed
# (and its host gone) -> the kernel expires it and the server frees it with
# 2.6's line and client-disconnect (with its byte counts); then a new client
# connects to the unprivileged server and rekeys; SIGTERM tells the clients
# to reconnect (explicit-exit-notify) before the server exits.
# ktest-timeout: 420
. "$KT_LIB"
kt_setup
kt_require "$KT_OUR_OPENVPN" "$KT_STRACE"

kt_netns kts ktc1 ktc2 ktc3
for i in 1 2 3; do
  kt_link kts 10.21$i.0.1/24 ktc$i 10.21$i.0.2/24 fd00:21$i::1/64 fd00:21$i::2/64
done
# (the guest has no dummy module: the network's address is on lo)
kt_in ktc3 "$KT_IP" addr add 192.168.33.1/24 dev lo || kt_fail "addr 192.168.33.1 in ktc3"
kt_in ktc3 "$KT_IP" addr add fd00:33::1/64 dev lo nodad || kt_fail "addr fd00:33::1 in ktc3"
kt_in kts sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward && echo 1 >/proc/sys/net/ipv6/conf/all/forwarding' ||
  kt_fail "cannot enable forwarding in kts"

mkdir -p "$KT_WORK/ccd" "$KT_WORK/ev"
chmod 755 "$KT_WORK" # the server reads its files and runs its scripts as nobody
chmod 1777 "$KT_WORK/ev"
for i in 1 2 3; do
  printf 'ifconfig-push 10.8.0.1%s 255.255.255.0\nifconfig-ipv6-push fd00:8::1%s/64 fd00:8::1\n' "$i" "$i" \
    >"$KT_WORK/ccd/client$i"
done
printf 'iroute 192.168.33.0 255.255.255.0\niroute-ipv6 fd00:33::/64\n' >>"$KT_WORK/ccd/client3"
printf '#!/bin/sh\necho "connect $common_name $ifconfig_pool_remote_ip" >>%s/ev/events\n' "$KT_WORK" \
  >"$KT_WORK/connect.sh"
printf '#!/bin/sh\necho "disconnect $common_name $bytes_received $bytes_sent" >>%s/ev/events\n' "$KT_WORK" \
  >"$KT_WORK/disconnect.sh"
chmod 755 "$KT_WORK/connect.sh" "$KT_WORK/disconnect.sh"

KT_KEEPALIVE="1 5" kt_server_conf "$KT_WORK/server.conf" udp6 AES-256-GCM:CHACHA20-POLY1305 \
  "client-config-dir $KT_WORK/ccd" client-to-client "reneg-sec 10" "user nobody" "group nogroup" \
  "script-security 2" "client-connect $KT_WORK/connect.sh" "client-disconnect $KT_WORK/disconnect.sh" \
  "status $KT_WORK/server.status 1" "status-version 2" 'push "route 192.168.33.0 255.255.255.0"' \
  "explicit-exit-notify 1"
kt_our_openvpn server kts --config "$KT_WORK/server.conf"
kt_our_dco server kts
dev=$(kt_dco_dev server)
pid=$(kt_pid server)
grep -q -E '^Uid:[[:space:]]+65534[[:space:]]+65534' "/proc/$pid/status" ||
  kt_fail "the server does not run as nobody: $(grep -E '^(Uid|Gid)' "/proc/$pid/status" | tr '\n' ' ')"
capeff=$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$pid/status")
[ $((0x$capeff & 0x1000)) -ne 0 ] || kt_fail "the server dropped CAP_NET_ADMIN (CapEff $capeff)"
kt_wait_log server 'client-to-client has no effect when using data channel offload' 5

kt_client_conf "$KT_WORK/client1.conf" udp4 10.211.0.1 AES-256-GCM 1
kt_client_conf "$KT_WORK/client2.conf" udp6 fd00:212::1 CHACHA20-POLY1305 2
kt_client_conf "$KT_WORK/client3.conf" udp6 fd00:213::1 AES-256-GCM 3
kt_openvpn client1 ktc1 --config "$KT_WORK/client1.conf"
kt_our_openvpn client2 ktc2 --config "$KT_WORK/client2.conf"
kt_openvpn client3 ktc3 --config "$KT_WORK/client3.conf"
kt_wait_dco client1 ktc1
kt_our_dco client2 ktc2
kt_wait_dco client3 ktc3
kt_wait_log server "client2/.*Data Channel: cipher 'CHACHA20-POLY1305'"
kt_wait_log server "client1/.*Data Channel: cipher 'AES-256-GCM'"

for i in 1 2 3; do
  kt_ping ktc$i 10.8.0.1
  kt_ping kts 10.8.0.1$i
done
kt_ping ktc1 10.8.0.12
kt_ping ktc2 10.8.0.13
kt_ping ktc3 10.8.0.11
kt_ping ktc2 fd00:8::11
# client3's networks: kernel routes via its VPN addresses, metric 100
kt_in kts "$KT_IP" route show 192.168.33.0/24 | grep -q "via 10.8.0.13 dev $dev .*metric 100" ||
  kt_fail "no iroute for 192.168.33.0/24: $(kt_in kts "$KT_IP" route show 192.168.33.0/24)"
kt_in kts "$KT_IP" -6 route show fd00:33::/64 | grep -q "via fd00:8::13 dev $dev .*metric 100" ||
  kt_fail "no iroute for fd00:33::/64: $(kt_in kts "$KT_IP" -6 route show fd00:33::/64)"
kt_ping kts 192.168.33.1
kt_ping kts fd00:33::1
kt_ping ktc1 192.168.33.1
kt_tcp_transfer ktc2 10.8.0.12 ktc3 "-n 1M"
c2c_rate=$kt_last_rate

# 22 s of traffic from client1 to the server across two rekeys (the
# server's reneg-sec 10), none of it read by the server's process
before=$(kt_count_log server 'client1/.*Control Channel: ')
kt_no_userspace_data server 400000 kt_tcp_transfer kts 10.8.0.1 ktc1 "-t 22 -b 6M"
rate=$kt_last_rate
renegs=$(($(kt_count_log server 'client1/.*Control Channel: ') - before))
[ "$renegs" -ge 2 ] || kt_fail "only $renegs renegotiation(s) of client1 during the 22 s transfer"
stalls=$(grep -c -E "sec +0\.00 Bytes" "$KT_WORK/iperf-c-$kt_iperf_port.out")
kt_ping ktc1 10.8.0.1
kt_ping ktc1 10.8.0.13

# the status file: three clients, the kernel's counters, dco_enabled 1
sleep 2
st="$KT_WORK/server.status"
[ "$(grep -c '^CLIENT_LIST,client[123],' "$st")" -eq 3 ] || kt_fail "status: not three clients: $(cat "$st")"
[ "$(kt_status_value server dco_enabled)" = 1 ] || kt_fail "status: no dco_enabled 1: $(cat "$st")"
rx1=$(awk -F, '$1 == "CLIENT_LIST" && $2 == "client1" { print $6 }' "$st")
for i in 2 3; do
  rx=$(awk -F, -v c="client$i" '$1 == "CLIENT_LIST" && $2 == c { print $6 }' "$st")
  [ "${rx:-0}" -gt 0 ] || kt_fail "status: client$i has no bytes received: $(cat "$st")"
done
[ "${rx1:-0}" -gt 8000000 ] || kt_fail "status: client1 received only ${rx1:-0} bytes (the transfer was larger)"
grep -q '^connect client3 10.8.0.13$' "$KT_WORK/ev/events" || kt_fail "client-connect did not run: $(cat "$KT_WORK/ev/events")"

# client1 is killed and its host disappears: the kernel expires the peer,
# the server frees it with 2.6's line and runs client-disconnect
c1dev=$(kt_dco_dev client1)
kill -9 "$(kt_pid client1)" || kt_fail "cannot kill client1"
"$KT_IP" -n ktc1 link del "$c1dev" || kt_fail "cannot delete the killed client's $c1dev"
kt_wait_log server 'client1/[^ ]+ SIGTERM\[soft,ovpn-dco: ping expired\] received, client-instance exiting' 40
i=0
until grep -q '^disconnect client1 ' "$KT_WORK/ev/events"; do
  i=$((i + 1))
  [ "$i" -lt 10 ] || kt_fail "client-disconnect did not run for client1: $(cat "$KT_WORK/ev/events")"
  sleep 1
done
gone_rx=$(awk '$1 == "disconnect" && $2 == "client1" { print $3 }' "$KT_WORK/ev/events" | tail -n1)
[ "${gone_rx:-0}" -ge "$rx1" ] || kt_fail "client-disconnect: bytes_received ${gone_rx:-0} < the $rx1 the status had"
sleep 2
grep -q '^CLIENT_LIST,client1,' "$st" && kt_fail "status still lists client1 after it expired"
kt_ping ktc2 10.8.0.13

# a new client (client1's certificate again) to the unprivileged server,
# and its first rekey
n0=$(kt_count_log server 'client1/.*Control Channel: ')
kt_openvpn client4 ktc1 --config "$KT_WORK/client1.conf"
kt_wait_dco client4 ktc1
kt_ping ktc1 10.8.0.1
i=0
until [ "$(kt_count_log server 'client1/.*Control Channel: ')" -ge $((n0 + 2)) ]; do
  i=$((i + 1))
  [ "$i" -lt 40 ] || kt_fail "the new client was not rekeyed within 40 s"
  sleep 1
done
kt_ping ktc1 10.8.0.1
kt_ping ktc1 10.8.0.12
grep -q -E '^Uid:[[:space:]]+65534' "/proc/$pid/status" || kt_fail "the server is not nobody any more"
kt_alive server || kt_fail "server exited"
grep -E 'Impossible to install key|ERROR: installing|data plane:' "$KT_WORK/server.log" >&2 &&
  kt_fail "the server failed to drive the kernel (see above)"

# SIGTERM with explicit-exit-notify: the clients are told to reconnect
# (RESTART on the control channel) before the server goes
kill -TERM "$pid"
kt_wait_log client3 'RESTART|server-pushed-connection-reset' 10
kt_wait_log client2 'RESTART|server-pushed-connection-reset' 10
i=0
while kt_alive server; do
  i=$((i + 1))
  [ "$i" -lt 15 ] || kt_fail "the server did not exit after SIGTERM"
  sleep 1
done
kt_info "our server on DCO (udp, as nobody): 3 clients (2.6 v4, ours v6 chacha, 2.6 v6 + iroute), c2c + iroute ping ok, c3->c2 1 MB at $c2c_rate, c1 22 s at $rate across $renegs rekeys ($stalls empty 1-s intervals), status counters ok, killed client1 freed (disconnect rx $gone_rx), new client + rekey after the drop, RESTART to the clients at SIGTERM"
