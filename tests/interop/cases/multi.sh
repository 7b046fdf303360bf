# tests/interop/cases/multi.sh: a server with two clients at once (sourced
# by run.sh). Client A is the usual one (netns $NS_C); client B runs in a
# third namespace joined to the server's by its own veth (10.93.2.0/24),
# so each client's tunnel address is only reachable through the server.
# Both use the same certificate: the server runs --duplicate-cn. The
# server namespace does not forward (ip_forward 0), so a packet from A to
# B can only get there inside the server process.
#
# multi-client: both clients reach the server's tunnel address at once,
#   and each gets its own pool address.
# c2c: with --client-to-client, A and B reach each other (the server
#   routes between them by their VPN addresses), both ways.
# c2c-off: without it the packet goes to the server's tun, where the
#   kernel does not forward it: A cannot reach B; once the namespace
#   forwards, the kernel routes it back into the tun and B gets it.
NS_C2="io2$$"

# second_client_ns: the third namespace and its veth into the server's.
second_client_ns() {
  ip netns add "$NS_C2" || return 1
  ip link add "io2s$$" type veth peer name "io2c$$" || return 1
  ip link set "io2s$$" netns "$NS_S"
  ip link set "io2c$$" netns "$NS_C2"
  ip -n "$NS_S" addr add 10.93.2.1/24 dev "io2s$$"
  ip -n "$NS_C2" addr add 10.93.2.2/24 dev "io2c$$"
  ip -n "$NS_S" link set "io2s$$" up
  ip -n "$NS_C2" link set "io2c$$" up
  ip -n "$NS_C2" link set lo up
}

# tun_addr NS: the IPv4 address of tun0 in NS.
tun_addr() { ip -n "$1" -4 -o addr show dev tun0 2>/dev/null | awk '{ split($4, a, "/"); print a[1]; exit }'; }

# two_clients SERVER_EXTRA: the server, client A, then client B.
two_clients() {
  second_client_ns || return 1
  ip netns exec "$NS_S" sysctl -qw net.ipv4.ip_forward=0 || return 1
  start_pair "duplicate-cn${1:+\n$1}" "" || return 1
  client_conf "proto udp" 10.93.2.1 >"$WORK/client2.conf"
  start_daemon client2 "$NS_C2" "$CLI_BIN" "$WORK/client2.conf"
  wait_ready client2 40 || return 1
  A=$(tun_addr "$NS_C")
  B=$(tun_addr "$NS_C2")
  if [ -z "$A" ] || [ -z "$B" ] || [ "$A" = "$B" ]; then
    log "clients' tunnel addresses: A '${A:-none}', B '${B:-none}'"
    return 1
  fi
}

# ping_from NS DEST: 3 pings from NS; quiet, the status says.
ping_from() { ip netns exec "$1" ping -c 3 -i 0.3 -W 2 "$2" >"$WORK/ping.log" 2>&1; }

# with_second_ns BODY: run BODY, then stop client B and remove its namespace.
with_second_ns() {
  local rc=0
  "$@" || rc=1
  stop_daemon client2
  ip netns del "$NS_C2" 2>/dev/null
  return $rc
}

multi_client_body() {
  two_clients "" || return 1
  ping_from "$NS_C" "$TUN_S" || { log "client A cannot reach the server"; return 1; }
  ping_from "$NS_C2" "$TUN_S" || { log "client B cannot reach the server"; return 1; }
  ping_from "$NS_S" "$A" && ping_from "$NS_S" "$B" || { log "the server cannot reach both clients"; return 1; }
}

c2c_body() {
  two_clients "client-to-client" || return 1
  ping_from "$NS_C" "$B" || { log "A -> B ($B) with --client-to-client failed"; return 1; }
  ping_from "$NS_C2" "$A" || { log "B -> A ($A) with --client-to-client failed"; return 1; }
}

c2c_off_body() {
  two_clients "" || return 1
  if ping_from "$NS_C" "$B"; then
    log "A -> B ($B) without --client-to-client got through a server namespace that does not forward"
    return 1
  fi
  ip netns exec "$NS_S" sysctl -qw net.ipv4.ip_forward=1 || return 1
  ping_from "$NS_C" "$B" || { log "A -> B ($B) through the server's tun (forwarding on) failed"; return 1; }
}

sc_multi-client() { with_second_ns multi_client_body; }
sc_c2c() { with_second_ns c2c_body; }
sc_c2c-off() { with_second_ns c2c_off_body; }

ALL+=(multi-client c2c c2c-off)
