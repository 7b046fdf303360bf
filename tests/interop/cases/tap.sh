# tests/interop/cases/tap.sh: --dev tap on the userspace data path (issue 13;
# sourced by run.sh). Ethernet frames cross the tunnel: the ping needs ARP
# answered through it, so each case also reads the peer's MAC (set with
# --lladdr) from the neighbour table of the pinging side.
ALL+=(tap-p2p-secret tap-p2p-tls)

TAP_MAC_S=02:00:5e:94:00:01
TAP_MAC_C=02:00:5e:94:00:02

# tap_p2p WHICH(server|client) KIND(p2p|secret): the tun p2p config of
# run.sh on a tap device: --ifconfig is address and netmask there, and each
# side sets its MAC.
tap_p2p() {
  local mac=$TAP_MAC_C
  [ "$1" = server ] && mac=$TAP_MAC_S
  "${2}_conf" "$1" | sed -e 's/^dev tun$/dev tap/' -e 's/^ifconfig \([0-9.]*\) .*/ifconfig \1 255.255.255.0/'
  echo "lladdr $mac"
}
tapsecret_conf() { tap_p2p "$1" secret; }
tapp2p_conf() { tap_p2p "$1" p2p; }

# arp_resolved NS DEV ADDR MAC: DEV has its --lladdr and NS learnt ADDR's MAC
# by ARP through the tunnel.
arp_resolved() {
  local ns=$1 dev=$2 addr=$3 mac=$4 own=$5 n
  ip -n "$ns" -br link show "$dev" | grep -qi " $own " ||
    { log "$dev in $ns: $(ip -n "$ns" -br link show "$dev") (want lladdr $own)"; return 1; }
  n=$(ip -n "$ns" neigh show "$addr" dev "$dev")
  grep -qi "lladdr $mac" <<<"$n" || { log "neighbour $addr on $dev in $ns: '$n' (want $mac)"; return 1; }
}

# tap_p2p_case KIND: both ends up, a ping and 20 MiB across, ARP on both
# sides, and 2.6's device lines.
tap_p2p_case() {
  start_p2p "$1" 0 && traffic || return 1
  arp_resolved "$NS_C" tap0 "$TUN_S" "$TAP_MAC_S" "$TAP_MAC_C" &&
    arp_resolved "$NS_S" tap0 10.94.0.2 "$TAP_MAC_C" "$TAP_MAC_S" &&
    log_has client "TUN/TAP device tap0 opened" && log_has server "TUN/TAP device tap0 opened" &&
    log_has client "net_addr_ll_set: lladdr $TAP_MAC_C for tap0" &&
    log_has client "TUN/TAP link layer address set to $TAP_MAC_C" &&
    log_has client "net_addr_v4_add: 10.94.0.2/24 dev tap0"
}
sc_tap-p2p-secret() { tap_p2p_case tapsecret; }
sc_tap-p2p-tls() { tap_p2p_case tapp2p; }

# ---- P2MP in tap mode: --server-bridge. The server's namespace has a Linux
# bridge br0 (10.94.0.1/24, the bridge's own address) holding the server's
# tap0 (created beforehand, as a bridged server's is) and a veth to a "LAN
# host" namespace (10.94.0.50). The client pings the LAN host: its ARP
# request is flooded through the tunnel and over the bridge, and the reply,
# unicast to the client's MAC, finds the client by the MAC it learnt.
ALL+=(tap-bridge tap-bridge-nopool tap-bridge-c2c)

NS_L="iol$$"
LAN_HOST=10.94.0.50

lan_up() {
  ip netns add "$NS_L" &&
    ip -n "$NS_S" link add br0 type bridge &&
    ip -n "$NS_S" addr add "$TUN_S/24" dev br0 &&
    ip -n "$NS_S" tuntap add dev tap0 mode tap &&
    ip -n "$NS_S" link set tap0 master br0 &&
    ip -n "$NS_S" link add lanv type veth peer name lanh netns "$NS_L" &&
    ip -n "$NS_S" link set lanv master br0 &&
    ip -n "$NS_L" addr add "$LAN_HOST/24" dev lanh &&
    for l in br0 tap0 lanv; do ip -n "$NS_S" link set "$l" up || return 1; done &&
    ip -n "$NS_L" link set lanh up && ip -n "$NS_L" link set lo up
}
lan_down() {
  ip netns del "$NS_L" 2>/dev/null
  ip -n "$NS_S" link del br0 2>/dev/null
  ip -n "$NS_S" tuntap del dev tap0 mode tap 2>/dev/null
  return 0
}

# bridge_server EXTRA: the server's config (EXTRA: server-bridge line and more).
bridge_server() {
  cat <<EOC
dev tap0
proto udp
port 1194
$1
ca $K/ca.crt
cert $K/server.crt
key $K/server.key
dh none
keepalive 2 10
verb 3
data-ciphers AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305
EOC
}

# start_bridge SRV_EXTRA CLI_EXTRA: the LAN, the server, one client (tap0,
# --lladdr TAP_MAC_C).
start_bridge() {
  lan_up || { log "bridge setup failed"; return 1; }
  printf '%b\n' "$(bridge_server "$1")" >"$WORK/server.conf"
  { client_conf "proto udp" "$UNDER_S" | sed 's/^dev tun$/dev tap/'; printf 'lladdr %s\n%b\n' "$TAP_MAC_C" "$2"; } \
    >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  wait_ready client 40
}

# bridge_case SRV_EXTRA CLI_EXTRA CHECK...: run start_bridge, then CHECK
# (a command line), always taking the LAN down.
bridge_case() {
  local rc=0
  start_bridge "$1" "$2" && "${@:3}" || rc=1
  stop_daemon client TERM
  stop_daemon server TERM
  lan_down
  return $rc
}

# lan_reached: the client pings the LAN host and the bridge, 20 MiB go to the
# bridge's address, and the LAN host learnt the client's MAC by ARP.
lan_reached() {
  ping_check "$LAN_HOST" && traffic "$TUN_S" &&
    ip -n "$NS_L" neigh show dev lanh | grep -qi "lladdr $TAP_MAC_C" ||
    { log "LAN host neighbours: $(ip -n "$NS_L" neigh show | tr '\n' ';')"; return 1; }
}

pool_checks() {
  lan_reached || return 1
  ip -n "$NS_C" -4 -br addr show dev tap0 | grep -q " 10.94.0.100/24" ||
    { log "client tap0: $(ip -n "$NS_C" -4 -br addr show dev tap0)"; return 1; }
  log_has client "route-gateway 10.94.0.1" && log_has client "ifconfig 10.94.0.100 255.255.255.0"
}
sc_tap-bridge() {
  bridge_case "server-bridge $TUN_S 255.255.255.0 10.94.0.100 10.94.0.150" "" pool_checks
}

# Without a pool the bridge's DHCP server would address the client (2.6
# pushes "route-gateway dhcp"); here the address is set by hand once the
# tunnel is up, as a DHCP client would.
nopool_checks() {
  log_has client "route-gateway dhcp" || return 1
  ip -n "$NS_C" link set tap0 up && ip -n "$NS_C" addr add 10.94.0.70/24 dev tap0 && lan_reached
}
sc_tap-bridge-nopool() { bridge_case "server-bridge" "" nopool_checks; }

# tap-learn-address: --learn-address on a tap server runs for each MAC a
# client's frames bring, as 2.6's multi_learn_addr does ("add <mac>@<vid>
# <common name>"), and the server logs 2.6's "MULTI: Learn: <mac>@0 -> ...".
ALL+=(tap-learn-address)
learn_checks() {
  lan_reached || return 1
  grep -q "^add $TAP_MAC_C@0 [^ ]" "$WORK/learn.log" ||
    { log "learn-address calls: $(tr '\n' ';' <"$WORK/learn.log" 2>/dev/null)"; return 1; }
  log_has server "MULTI: Learn: $TAP_MAC_C@0 -> " || return 1
  # the table holds MACs only: no learn-address call for the pool address
  ! grep -q "^add 10\.94\." "$WORK/learn.log" || { log "learn-address got the client's IP"; return 1; }
  local i
  for i in $(seq 1 30); do
    grep -q "^ROUTING_TABLE,$TAP_MAC_C@0,[^,]*,10\.93\.0\.2:" "$WORK/status.txt" 2>/dev/null && break
    sleep 0.2
  done
  grep -q "^ROUTING_TABLE,$TAP_MAC_C@0," "$WORK/status.txt" && ! grep -q "^ROUTING_TABLE,10\." "$WORK/status.txt" ||
    { log "status: $(tr '\n' ';' <"$WORK/status.txt" 2>/dev/null)"; return 1; }
}
sc_tap-learn-address() {
  printf '#!/bin/sh\necho "$*" >>%s/learn.log\n' "$WORK" >"$WORK/learn.sh"
  chmod 755 "$WORK/learn.sh"
  bridge_case "server-bridge $TUN_S 255.255.255.0 10.94.0.100 10.94.0.150\nscript-security 2\nlearn-address $WORK/learn.sh\nstatus $WORK/status.txt 1\nstatus-version 2" \
    "" learn_checks
}

# client-to-client on a tap server: a second client (the same binary as the
# first, same certificate: duplicate-cn) from its own namespace reaches the
# first through the server, which floods its ARP request to the other client
# and sends the unicast by the learnt MAC.
c2c_checks() {
  lan_reached || return 1
  { client_conf "proto udp" "$UNDER_S" | sed 's/^dev tun$/dev tap/'; printf 'lladdr 02:00:5e:94:00:03\n'; } \
    >"$WORK/client2.conf"
  ip netns add "${NS_C}b" || return 1
  ip link add "iocb$$" type veth peer name "iosb$$" &&
    ip link set "iocb$$" netns "${NS_C}b" && ip link set "iosb$$" netns "$NS_S" &&
    ip -n "$NS_S" addr add 10.93.1.1/24 dev "iosb$$" && ip -n "$NS_S" link set "iosb$$" up &&
    ip -n "${NS_C}b" addr add 10.93.1.2/24 dev "iocb$$" && ip -n "${NS_C}b" link set "iocb$$" up ||
    { ip netns del "${NS_C}b"; return 1; }
  sed -i "s/^remote .*/remote 10.93.1.1 1194/" "$WORK/client2.conf"
  start_daemon client2 "${NS_C}b" "$CLI_BIN" "$WORK/client2.conf"
  local rc=0
  wait_ready client2 40 && ip netns exec "${NS_C}b" ping -c 3 -i 0.3 -W 2 10.94.0.100 >"$WORK/ping2.log" 2>&1 ||
    { log "client2 -> client1: $(tail -2 "$WORK/ping2.log" 2>/dev/null | tr '\n' ' ')"; rc=1; }
  stop_daemon client2 TERM
  ip netns del "${NS_C}b"
  return $rc
}
sc_tap-bridge-c2c() {
  bridge_case "server-bridge $TUN_S 255.255.255.0 10.94.0.100 10.94.0.150\nclient-to-client\nduplicate-cn" "" c2c_checks
}
