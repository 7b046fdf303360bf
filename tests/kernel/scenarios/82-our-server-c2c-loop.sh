#!/bin/sh
# OUR openvpn as the P2MP server on DCO over UDP with three clients
# (Debian's 2.6 over IPv4, ours over IPv6, 2.6 over IPv6 with networks
# behind it), stressed where packets for one peer come from another:
# for 40 s, fast pings client-to-client (v4 and v6), to client3's iroute
# networks from the server and from client1, and into a routing loop
# (client3 forwards 192.168.34.0/24 and fd00:34::/64 back into its tunnel,
# the server routes them to client3 by iroute), while the server rekeys
# every 5 s and client1 reconnects twice (SIGUSR1: its peer is deleted and
# added again under traffic).
# Proves: a packet that comes back from client3 with another peer's source
# is dropped by the server's kernel (no bouncing until the TTL runs out);
# the kernel survives the whole flood (every CPU keeps scheduling: the
# runner's dmesg scan sees no soft lockup / BUG); afterwards every client
# still reaches every other and the iroute networks.
# ktest-timeout: 360
. "$KT_LIB"
kt_setup
kt_require "$KT_OUR_OPENVPN"

kt_netns kts ktc1 ktc2 ktc3
for i in 1 2 3; do
  kt_link kts 10.22$i.0.1/24 ktc$i 10.22$i.0.2/24 fd00:22$i::1/64 fd00:22$i::2/64
done
kt_in ktc3 "$KT_IP" addr add 192.168.33.1/24 dev lo || kt_fail "addr 192.168.33.1 in ktc3"
kt_in ktc3 "$KT_IP" addr add fd00:33::1/64 dev lo nodad || kt_fail "addr fd00:33::1 in ktc3"
for n in kts ktc3; do
  kt_in $n sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward && echo 1 >/proc/sys/net/ipv6/conf/all/forwarding' ||
    kt_fail "cannot enable forwarding in $n"
done

mkdir -p "$KT_WORK/ccd"
for i in 1 2 3; do
  printf 'ifconfig-push 10.8.0.1%s 255.255.255.0\nifconfig-ipv6-push fd00:8::1%s/64 fd00:8::1\n' "$i" "$i" \
    >"$KT_WORK/ccd/client$i"
done
printf 'iroute 192.168.33.0 255.255.255.0\niroute 192.168.34.0 255.255.255.0\niroute-ipv6 fd00:33::/64\niroute-ipv6 fd00:34::/64\n' \
  >>"$KT_WORK/ccd/client3"

KT_KEEPALIVE="1 5" kt_server_conf "$KT_WORK/server.conf" udp6 AES-256-GCM:CHACHA20-POLY1305 \
  "client-config-dir $KT_WORK/ccd" client-to-client "reneg-sec 5" \
  'push "route 192.168.33.0 255.255.255.0"' 'push "route-ipv6 fd00:33::/64"' \
  'push "route 192.168.34.0 255.255.255.0"' 'push "route-ipv6 fd00:34::/64"'
kt_our_openvpn server kts --config "$KT_WORK/server.conf"
kt_our_dco server kts
dev=$(kt_dco_dev server)

kt_client_conf "$KT_WORK/client1.conf" udp4 10.221.0.1 AES-256-GCM 1
kt_client_conf "$KT_WORK/client2.conf" udp6 fd00:222::1 CHACHA20-POLY1305 2
kt_client_conf "$KT_WORK/client3.conf" udp6 fd00:223::1 AES-256-GCM 3
kt_openvpn client1 ktc1 --config "$KT_WORK/client1.conf"
kt_our_openvpn client2 ktc2 --config "$KT_WORK/client2.conf"
kt_openvpn client3 ktc3 --config "$KT_WORK/client3.conf"
kt_wait_dco client1 ktc1
kt_our_dco client2 ktc2
kt_wait_dco client3 ktc3
c3dev=$(kt_dco_dev client3)
kt_ping ktc1 10.8.0.12
kt_ping ktc2 fd00:8::13
kt_ping kts 192.168.33.1
kt_ping kts fd00:33::1

# client3 routes 192.168.34.0/24 and fd00:34::/64 back into its tunnel
# while the server routes them to client3 (iroutes): a packet from client1
# for 192.168.34.x comes back from client3 with client1's source, and the
# server's kernel must drop it (the source belongs to another peer) instead
# of bouncing it until its TTL runs out.
kt_in ktc3 "$KT_IP" route add 192.168.34.0/24 dev "$c3dev" || kt_fail "loop route v4 in ktc3"
kt_in ktc3 "$KT_IP" -6 route add fd00:34::/64 dev "$c3dev" || kt_fail "loop route v6 in ktc3"
rx_dropped() {
  kt_in kts "$KT_IP" -s link show dev "$dev" | awk '/RX:/ { getline; print $4; exit }'
}
d0=$(rx_dropped)
kt_in ktc1 timeout 20 "$KT_PING" -c 3 -i 0.3 -W 2 192.168.34.1 >"$KT_WORK/loop4.out" 2>&1
d1=$(rx_dropped)
grep -q -i 'time to live exceeded' "$KT_WORK/loop4.out" &&
  kt_fail "a packet looped between the server and client3 until its TTL ran out: $(cat "$KT_WORK/loop4.out")"
grep -q ' 0 received' "$KT_WORK/loop4.out" || kt_fail "client1 got an answer from 192.168.34.1: $(cat "$KT_WORK/loop4.out")"
# ours counts the drops in the device's rx_dropped (Debian's module does not)
if [ "${KT_LABEL:-}" = ours ] && [ $((d1 - d0)) -lt 3 ]; then
  kt_fail "the server's $dev dropped $((d1 - d0)) packets, not the 3 that came back from client3 with client1's source"
fi

floods=
flood() { # NS ADDR [PING_ARGS]
  kt_in "$1" timeout 50 "$KT_PING" -q -i 0.05 -w 40 -W 1 $3 "$2" >>"$KT_WORK/flood.out" 2>&1 &
  floods="$floods $!"
}
flood ktc1 10.8.0.12
flood ktc1 192.168.33.1
flood ktc1 192.168.34.7
flood ktc2 fd00:8::11
flood ktc2 fd00:33::1
flood ktc2 fd00:34::7
flood ktc3 10.8.0.11
flood ktc3 192.168.34.9 "-t 16"
flood ktc3 fd00:34::9 "-t 16"
flood kts 192.168.33.1
flood kts fd00:33::1
flood kts 10.8.0.13
n0=$(kt_count_log server 'client1/.*Control Channel: ')
sleep 8
kill -USR1 "$(kt_pid client1)"
sleep 8
kill -USR1 "$(kt_pid client1)"
sleep 12
i=0
while [ "$(kt_count_log server 'client1/.*Control Channel: ')" -lt $((n0 + 3)) ]; do
  i=$((i + 1))
  [ "$i" -lt 40 ] || kt_fail "client1 did not come back and rekey under the flood"
  sleep 1
done
for p in $floods; do wait "$p"; done
kt_alive server || kt_fail "the server exited under the flood"

kt_ping ktc1 10.8.0.12
kt_ping ktc1 192.168.33.1
kt_ping ktc2 fd00:8::11
kt_ping ktc3 10.8.0.11
kt_ping kts 192.168.33.1
kt_ping kts fd00:33::1
kt_in kts "$KT_IP" route show 192.168.34.0/24 | grep -q "via 10.8.0.13 dev $dev" ||
  kt_fail "no iroute for 192.168.34.0/24: $(kt_in kts "$KT_IP" route show 192.168.34.0/24)"
kt_info "our server on DCO under c2c/iroute/loop pings for 40 s (rekey every 5 s, client1 reconnected twice): packets bounced back by client3 dropped by the source check (no TTL loop), every path works after, kernel alive"
