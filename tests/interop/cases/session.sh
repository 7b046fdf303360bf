# tests/interop/cases/session.sh: session options 2.6 applies to the
# packets in the tunnel (issue 13; sourced by run.sh), each proven by its
# effect on the traffic, not by the log.
#   block-ipv6: both peers with --block-ipv6 and IPv6 in the tunnel: a ping
#               -6 through the tunnel, from the client and from the server,
#               is answered with ICMPv6 "Destination unreachable: No route"
#               from the --ifconfig-ipv6 remote (the server's address on
#               the client, fd94::2 on the server, as 2.6),
#               and no echo reply comes back.
ALL+=(block-ipv6)

# unreachable_from NS DEST SRC: ping -6 DEST in NS gets no reply but 2.6's
# ICMPv6 no-route answer, from SRC.
unreachable_from() {
  local out
  out=$(ip netns exec "$1" ping -6 -c 2 -i 0.3 -W 2 "$2" 2>&1)
  case "$out" in
  *"From $3 icmp_seq=1 Destination unreachable: No route"*) ;;
  *) log "ping -6 $2 in $1: no ICMPv6 no-route answer: $(echo "$out" | tr '\n' ' ')"; return 1 ;;
  esac
  case "$out" in
  *" 0 received"*) ;;
  *) log "ping -6 $2 in $1 got echo replies through --block-ipv6"; return 1 ;;
  esac
}

sc_block-ipv6() {
  start_pair "server-ipv6 fd94::/64\nblock-ipv6" "block-ipv6" && ping_check "$TUN_S" || return 1
  local cli6
  cli6=$(ip -n "$NS_C" -6 addr show scope global | sed -n 's/.*inet6 \(fd94::[0-9a-f:]*\)\/64.*/\1/p' | head -1)
  [ -n "$cli6" ] || { log "the client has no fd94:: address"; return 1; }
  # 2.6's server answers from its ifconfig-ipv6 remote, fd94::2
  unreachable_from "$NS_C" "$TUN6_S" "$TUN6_S" && unreachable_from "$NS_S" "$cli6" fd94::2
}

# passtos: both peers with --passtos; pings carrying TOS 0xb8 inside the
# tunnel leave on the wire, both ways, in UDP packets with TOS 0xb8 (read
# with tcpdump on the client's veth; without --passtos the outer TOS is 0).
ALL+=(passtos)
sc_passtos() {
  ip netns exec "$NS_C" timeout 60 tcpdump -l -n -v -i "iocv$$" udp port 1194 >"$WORK/tcpdump.out" 2>/dev/null &
  local cap=$!
  sleep 1
  start_pair "passtos" "passtos" && ping_check "$TUN_S" || { kill "$cap"; return 1; }
  ip netns exec "$NS_C" ping -Q 0xb8 -c 3 -i 0.3 -W 2 "$TUN_S" >"$WORK/ping-tos.log" 2>&1 ||
    { kill "$cap"; log "ping -Q 0xb8 failed"; return 1; }
  sleep 0.5
  kill "$cap"
  wait "$cap" 2>/dev/null
  paste - - <"$WORK/tcpdump.out" >"$WORK/tcpdump.pairs"
  local c s
  c=$(grep "tos 0xb8" "$WORK/tcpdump.pairs" | grep -c "$UNDER_C\.[0-9]* > $UNDER_S\.1194:")
  s=$(grep "tos 0xb8" "$WORK/tcpdump.pairs" | grep -c "$UNDER_S\.1194 > $UNDER_C\.[0-9]*:")
  [ "$c" -ge 3 ] && [ "$s" -ge 3 ] ||
    { log "UDP packets with TOS 0xb8: client->server $c, server->client $s (want >=3 each)"; return 1; }
}

# shaper: a client with --shaper 100000 (bytes/s; 2.6 refuses it in server
# mode) sends 1 MiB through the tunnel: at that rate it takes about 10 s,
# so it must take more than 5 s (unshaped it takes well under one).
ALL+=(shaper)
sc_shaper() {
  start_pair "" "shaper 100000" && ping_check "$TUN_S" || return 1
  local t0 t1
  t0=$(date +%s%N)
  transfer_check "$TUN_S" 1 || return 1
  t1=$(date +%s%N)
  log "1 MiB with --shaper 100000 took $(((t1 - t0) / 1000000)) ms"
  [ $(((t1 - t0) / 1000000)) -ge 5000 ] || { log "the shaper did not hold the transfer back"; return 1; }
}

# nat_ping: a ping to 10.95.0.1 from the client is answered from 10.95.0.1
# (the reply's source mapped back; ping flags any other as DIFFERENT ADDRESS).
nat_ping() {
  ping_check 10.95.0.1 || return 1
  grep -q "bytes from 10.95.0.1:" "$WORK/ping.log" && ! grep -q "DIFFERENT ADDRESS" "$WORK/ping.log" ||
    { log "the replies do not come from 10.95.0.1: $(head -3 "$WORK/ping.log" | tr '\n' ' ')"; return 1; }
}

# client-nat: the client maps 10.95.0.1 onto the server's tunnel address
# (dnat) and routes it into the tunnel: a ping to 10.95.0.1 is answered
# (by the server, its reply's source mapped back).
ALL+=(client-nat)
sc_client-nat() {
  start_pair "" "client-nat dnat 10.95.0.1 255.255.255.255 $TUN_S\nroute 10.95.0.1 255.255.255.255" && nat_ping
}

# client-nat-pushed: the same rule and route pushed by the server (2.6
# accepts --client-nat in a push): the client applies it as if given.
ALL+=(client-nat-pushed)
sc_client-nat-pushed() {
  start_pair "push \"client-nat dnat 10.95.0.1 255.255.255.255 $TUN_S\"\npush \"route 10.95.0.1 255.255.255.255\"" "" &&
    nat_ping
}

# single-session: a client bound to a fixed port connects, is killed and
# starts again from the same address and port: the server with
# --single-session refuses the new session with 2.6's line and the client's
# tunnel stays down (without it ours takes the new session at once; 2.6
# takes it but does not answer its PUSH_REQUEST until ping-restart ends the
# old instance).
ALL+=(single-session)
restart_same_port() {
  { server_conf "proto udp"; printf '%b\n' "$1"; } >"$WORK/server.conf"
  { client_conf "proto udp" "$UNDER_S" | grep -vx nobind; echo "lport 11940"; } >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  wait_ready client 40 && ping_check "$TUN_S" || return 1
  stop_daemon client KILL
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
}
sc_single-session() {
  restart_same_port "single-session" || return 1
  wait_log server "Cannot accept new session request from .*10.93.0.2:11940 due to session context expire or --single-session" 10 &&
    no_tunnel "single-session"
}

# http-proxy-override: a TCP client without --http-proxy given
# --http-proxy-override (what a management GUI passes) connects through the
# proxy (an open tinyproxy: the override carries no credentials): the server
# sees the connection come from the proxy's address, not the client's.
ALL+=(http-proxy-override)
sc_http-proxy-override() {
  PROXY_NOAUTH=1 start_tinyproxy || return 1
  proxied_sc "http-proxy-override $UNDER_S $PROXY_HTTP_PORT"
}
