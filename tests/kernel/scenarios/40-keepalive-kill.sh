#!/bin/sh
# keepalive 2 6 on the server; client1 is killed with SIGKILL: the kernel
# expires the peer and sends DEL_PEER, the server logs the client gone
# ("ovpn-dco: ping expired"), the dead peer is unreachable and client2 keeps
# working. With ovpn-dco-v2 the killed client's kernel peer outlives the
# process (it holds the socket) and would keep answering keepalives, so the
# client host "disappears" too: its orphaned DCO device is deleted after the
# SIGKILL (openvpn never got to do it).
# ktest-timeout: 180
. "$KT_LIB"
kt_setup
kt_netns kts ktc1 ktc2
kt_link kts 10.201.0.1/24 ktc1 10.201.0.2/24
kt_link kts 10.202.0.1/24 ktc2 10.202.0.2/24
mkdir -p "$KT_WORK/ccd"
for i in 1 2; do
  printf 'ifconfig-push 10.8.0.1%s 255.255.255.0\nifconfig-ipv6-push fd00:8::1%s/64 fd00:8::1\n' "$i" "$i" >"$KT_WORK/ccd/client$i"
done
KT_KEEPALIVE="2 6" kt_server_conf "$KT_WORK/server.conf" udp4 AES-256-GCM "client-config-dir $KT_WORK/ccd"
kt_openvpn server kts --config "$KT_WORK/server.conf"
kt_wait_dco server kts
for i in 1 2; do
  kt_client_conf "$KT_WORK/client$i.conf" udp4 10.20$i.0.1 AES-256-GCM "$i"
  kt_openvpn client$i ktc$i --config "$KT_WORK/client$i.conf"
done
kt_wait_dco client1 ktc1
kt_wait_dco client2 ktc2
kt_ping kts 10.8.0.11
kt_ping kts 10.8.0.12
kill -9 "$(kt_pid client1)" || kt_fail "cannot kill client1"
kt_log "client1 killed"
"$KT_IP" -n ktc1 link del tun0 || kt_fail "cannot delete the killed client's tun0"
kt_wait_log server 'client1/.*ping expired|ovpn-dco: ping expired' 60
kt_wait_log server 'client1/.*client-instance exiting' 30
grep -q -E 'CMD_DEL_PEER.*reason: 2' "$KT_WORK/server.log" ||
  kt_log "note: no CMD_DEL_PEER debug line at this verbosity"
if kt_in kts timeout 10 "$KT_PING" -c 2 -W 1 10.8.0.11 >/dev/null 2>&1; then
  kt_fail "the expired peer 10.8.0.11 still answers"
fi
kt_ping kts 10.8.0.12
kt_ping ktc2 10.8.0.1
kt_alive server || kt_fail "server exited"
kt_info "keepalive: killed client expired in the kernel, server logged it gone, client2 unaffected"
