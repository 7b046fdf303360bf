# tests/interop/cases/network.sh: a client started before its network is up
# (issue 10 item 2; sourced by run.sh). The client's namespace has no route
# to the server at first; 10 s later the route appears and the tunnel must
# come up by itself. 2.6 meets the missing route as a socket error:
#   - UDP with TLS: every first packet fails (ENETUNREACH), "Network
#     unreachable, restarting", soft restarts with the Restart pause (and its
#     back-off after five attempts);
#   - TCP: "TCP: connect to ... failed: Network is unreachable", a soft
#     restart each time;
#   - --secret (no TLS): no restart, each packet's write error is logged and
#     the peer is reached once the route is there.
ALL+=(network-later network-later-tcp network-later-secret)

# no_route_to_server / route_to_server: the client's on-link route to the
# under-network (and so to the server) goes, and comes back.
no_route_to_server() { ip -n "$NS_C" route del 10.93.0.0/24 dev "iocv$$"; }
route_to_server() { ip -n "$NS_C" route replace 10.93.0.0/24 dev "iocv$$"; }

# network_later START WAIT_PATTERN: START the daemons while the client has no
# route, wait until its log shows WAIT_PATTERN (the socket error), give it
# the route 10 s after its start, then the tunnel must carry traffic. The
# route is back whatever happens.
network_later() {
  local start=$1 pat=$2 rc=0 t0
  no_route_to_server || return 1
  t0=$SECONDS
  NOWAIT=1 "$start" || rc=1
  [ $rc = 0 ] && { wait_log client "$pat" 20 || rc=1; }
  [ $rc = 0 ] && { sleep $((10 - (SECONDS - t0) > 0 ? 10 - (SECONDS - t0) : 0)); }
  route_to_server
  [ $rc = 0 ] || return 1
  if ! kill -0 "$(cat "$WORK/client.pid")" 2>/dev/null; then
    log "the client did not wait for the network"
    return 1
  fi
  wait_ready client 60 && ping_check "$TUN_S"
}

start_udp_pair() { start_pair "" ""; }
sc_network-later() {
  network_later start_udp_pair "Network unreachable, restarting" || return 1
  # 2.6's Restart pause backs off after five attempts (1 1 1 1 2 4 ...).
  log_has client "SIGUSR1\[soft,network-unreachable\] received, process restarting" &&
    log_has client "write UDPv4 \[\]: Network is unreachable" && log_has client "Restart pause, 2 second(s)"
}
start_tcp_pair() { start_pair "" "" "proto tcp-server" "proto tcp-client"; }
sc_network-later-tcp() {
  network_later start_tcp_pair "TCP: connect to \[AF_INET\]$UNDER_S:1194 failed: Network is unreachable" &&
    log_has client "SIGUSR1\[connection failed(soft),connection-failed\] received, process restarting"
}
start_secret_pair() {
  secret_conf server >"$WORK/server.conf"
  secret_conf client >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
}
sc_network-later-secret() {
  network_later start_secret_pair "write UDPv4 \[\]: Network is unreachable" || return 1
  if grep -q "Network unreachable, restarting" "$WORK/client.log"; then
    log "a --secret peer restarted on ENETUNREACH (2.6 does not)"
    return 1
  fi
}

# redirect-private: 2.6's redirect-gateway without moving the default route
# (RG_ENABLE alone): the route to the server via the old default gateway,
# the default route left as it was; both as before at exit. The client
# reaches the server through its default route (an address of the server's
# that is not on the client's link; TCP, so replies come from it).
ALL+=(redirect-private)
sc_redirect-private() {
  local far=10.93.5.1 routes
  ip -n "$NS_S" addr add "$far/32" dev "iosv$$" && ip -n "$NS_C" route add default via "$UNDER_S" || return 1
  start_pair 'push "redirect-private"' "" "proto tcp-server" "proto tcp-client" "$far" && ping_check "$TUN_S" ||
    return 1
  routes=$(ip -n "$NS_C" -4 route show)
  grep -q "^$far via $UNDER_S dev iocv$$" <<<"$routes" &&
    grep -q "^default via $UNDER_S dev iocv$$" <<<"$routes" && ! grep -q "^0.0.0.0/1\|^default .*dev tun" <<<"$routes" ||
    { log "client routes: $(tr '\n' ';' <<<"$routes")"; return 1; }
  stop_daemon client TERM
  routes=$(ip -n "$NS_C" -4 route show)
  ! grep -q "^$far via" <<<"$routes" || { log "after exit: $(tr '\n' ';' <<<"$routes")"; return 1; }
}

# server-send-error: a server whose sends to a connected client fail (an
# unreachable route to it for a few seconds) says so with 2.6's line, e.g.
# "write UDPv6 []: No route to host (fd=5,code=113)", keeps the client, and
# the tunnel works again once the route is gone.
ALL+=(server-send-error)
sc_server-send-error() {
  start_pair "" "" || return 1
  ip netns exec "$NS_S" ip route add unreachable "$UNDER_C/32" || return 1
  local rc=0
  wait_log server 'write UDPv[46] \[[A-Z|]*\]: No route to host (fd=[0-9]*,code=113)' 12 || rc=1
  ip netns exec "$NS_S" ip route del unreachable "$UNDER_C/32"
  [ $rc = 0 ] || { log "no failed-send line from the server: $(grep -c . "$WORK/server.log") lines"; return 1; }
  ping_check
}

# exit-restores: what the daemons add to the routing tables goes again at
# exit, whichever signal ends them (the client SIGINT, the server SIGTERM):
# the client's redirect-gateway def1 (host route to the server via the old
# gateway, the two /1 halves) and pushed IPv4/IPv6 routes, the server's
# --route, the tun devices and their addresses. Compared with the tables
# taken before either daemon started. TCP: the server is reached at an
# address not on its link, and UDP replies would need --multihome.
route_snapshot() {
  ip -n "$1" -4 route show
  ip -n "$1" -6 route show | grep -v '^fe80::/64\|^multicast'
  ip -n "$1" -o addr show | awk '$4 !~ /^fe80:/ { print $2, $4 }'
  ip -n "$1" -o link show | awk -F': ' '{ print $2 }'
}
same_tables() {
  local now
  now=$(route_snapshot "$2")
  [ "$now" = "$3" ] && return 0
  log "$1 tables after exit differ: $(diff <(echo "$3") <(echo "$now") | grep '^[<>]' | tr '\n' ';')"
  return 1
}
ALL+=(exit-restores)
sc_exit-restores() {
  local far=10.93.5.1 before_c before_s during
  # replace, not add: redirect-private, earlier in the same namespaces,
  # leaves the same address and default route behind.
  ip -n "$NS_S" addr replace "$far/32" dev "iosv$$" && ip -n "$NS_C" route replace default via "$UNDER_S" ||
    { log "could not add $far or the default route"; return 1; }
  before_c=$(route_snapshot "$NS_C")
  before_s=$(route_snapshot "$NS_S")
  start_pair 'server-ipv6 fd94::/64\npush "redirect-gateway def1"\npush "route 10.93.7.0 255.255.255.0"\npush "route-ipv6 fd95::/64"\nroute 10.93.8.0 255.255.255.0' \
    "" "proto tcp-server" "proto tcp-client" "$far" && ping_check "$TUN_S" || return 1
  during=$(route_snapshot "$NS_C")
  grep -q "^$far via $UNDER_S" <<<"$during" && grep -q '^0.0.0.0/1 ' <<<"$during" &&
    grep -q '^10.93.7.0/24 ' <<<"$during" && grep -q '^fd95::/64 ' <<<"$during" &&
    ip -n "$NS_S" -4 route show | grep -q '^10.93.8.0/24 ' ||
    { log "routes missing while up: $(tr '\n' ';' <<<"$during")"; return 1; }
  stop_daemon client INT
  same_tables client "$NS_C" "$before_c" || return 1
  stop_daemon server TERM
  same_tables server "$NS_S" "$before_s"
}
