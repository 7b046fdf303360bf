#!/bin/sh
# The module is unloaded (rmmod) while peers are live: a UDP client/server
# pair with traffic flowing and a TCP pair. The unload must succeed, traffic
# on the orphaned sockets afterwards must not crash anything, and the module
# must load again and carry a fresh tunnel. (Runs last: it reloads the module.)
# ktest-timeout: 240
. "$KT_LIB"
kt_setup
kt_netns kts ktc1 kts2 ktc2
kt_link kts 10.200.0.1/24 ktc1 10.200.0.2/24
kt_link kts2 10.210.0.1/24 ktc2 10.210.0.2/24
kt_server_conf "$KT_WORK/server.conf" udp4 AES-256-GCM
kt_client_conf "$KT_WORK/client1.conf" udp4 10.200.0.1 AES-256-GCM 1
kt_server_conf "$KT_WORK/server2.conf" tcp4-server CHACHA20-POLY1305
kt_client_conf "$KT_WORK/client2.conf" tcp4-client 10.210.0.1 CHACHA20-POLY1305 2
kt_openvpn server kts --config "$KT_WORK/server.conf"
kt_openvpn server2 kts2 --config "$KT_WORK/server2.conf"
kt_wait_dco server kts
kt_wait_dco server2 kts2
kt_openvpn client1 ktc1 --config "$KT_WORK/client1.conf"
kt_openvpn client2 ktc2 --config "$KT_WORK/client2.conf"
kt_wait_dco client1 ktc1
kt_wait_dco client2 ktc2
kt_ping ktc1 10.8.0.1
kt_ping ktc2 10.8.0.1
# traffic while unloading
kt_in ktc1 timeout 60 "$KT_PING" -i 0.05 -W 1 10.8.0.1 >/dev/null 2>&1 &
echo $! >>"$KT_WORK/pids"
kt_in ktc2 timeout 60 "$KT_PING" -i 0.05 -W 1 10.8.0.1 >/dev/null 2>&1 &
echo $! >>"$KT_WORK/pids"
sleep 2
ok=0
i=0
while [ "$i" -lt 10 ]; do
  if out=$(rmmod ovpn_dco_v2 2>&1); then
    ok=1
    break
  fi
  kt_log "rmmod: $out"
  i=$((i + 1))
  sleep 1
done
[ "$ok" -eq 1 ] || kt_fail "rmmod ovpn_dco_v2 with live peers failed: $out"
grep -q '^ovpn_dco_v2 ' /proc/modules && kt_fail "module still listed after rmmod"
kt_log "module unloaded with live peers (after $i retries)"
# openvpn keeps sending on its sockets (keepalive, control) for a while
sleep 5
for n in server server2 client1 client2; do
  kill "$(kt_pid $n)" 2>/dev/null
done
sleep 2
/sbin/modprobe ovpn-dco-v2 || kt_fail "module does not load again"
kt_netns ktr1 ktr2
kt_link ktr1 10.220.0.1/24 ktr2 10.220.0.2/24
kt_server_conf "$KT_WORK/server3.conf" udp4 AES-256-GCM
kt_client_conf "$KT_WORK/client3.conf" udp4 10.220.0.1 AES-256-GCM 3
kt_openvpn server3 ktr1 --config "$KT_WORK/server3.conf"
kt_wait_dco server3 ktr1
kt_openvpn client3 ktr2 --config "$KT_WORK/client3.conf"
kt_wait_dco client3 ktr2
kt_ping ktr2 10.8.0.1
kt_info "rmmod with live UDP and TCP peers ok; reloaded module carries a new tunnel"
