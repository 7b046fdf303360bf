# tests/interop/cases/vlan.sh: --vlan-tagging on a tap server (issue 13;
# sourced by run.sh). The server's tap0 is the trunk port of an 802.1Q
# switch; two clients have different --vlan-pvid (client A from its
# --client-config-dir file, client B from its ccd file or from the
# --client-connect output); a host on each VLAN hangs off an access port of
# the switch by a veth. All four sit in one IPv4 subnet, so only the VLANs
# keep them apart:
#
#   ns ioc$$:  client A 10.94.0.100 (pvid 10) --.              .-- lan10 (VLAN 10) -- ns iov10$$: 10.94.0.50
#                                               tunnel  tap0 = switch
#   ns ioc$$b: client B 10.94.0.101 (pvid 20) --'   (trunk)    '-- lan20 (VLAN 20) -- ns iov20$$: 10.94.0.60
#
# The switch is tests/interop/vlan_switch.py: these hosts' kernels have
# neither bridge VLAN filtering nor 8021q ("Operation not supported"), so a
# vlan_filtering bridge with VLAN subinterfaces cannot be built here. Each
# client reaches the host on its VLAN (ARP through the tunnel and the
# switch) and neither the other VLAN's host nor the other client
# (--client-to-client forwards only within a VLAN). What the trunk carries
# tagged and untagged says which frames the server must tag: a server that
# skipped tagging, or tagged the wrong VLAN, fails the reachability checks.
ALL+=(vlan-tagged vlan-all vlan-untagged)

NS_V10="iov10$$"
NS_V20="iov20$$"
NS_B="${NS_C}b"
VLAN_MAC_A=02:00:5e:94:00:0a
VLAN_MAC_B=02:00:5e:94:00:0b
VLAN_HOST10=10.94.0.50
VLAN_HOST20=10.94.0.60
VLAN_A=10.94.0.100
VLAN_B=10.94.0.101

# vlan_cert: a second client certificate (CN io-client2), for its own ccd file.
vlan_cert() {
  [ -f "$K/client2.crt" ] && return 0
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$K/client2.key" \
    -out "$K/client2.csr" -subj "/CN=io-client2" 2>/dev/null &&
    openssl x509 -req -in "$K/client2.csr" -CA "$K/ca.crt" -CAkey "$K/ca.key" -CAcreateserial \
      -out "$K/client2.crt" -days 2 -extfile "$K/client.ext" 2>/dev/null
}

# quiet_dev NS DEV: no IPv6 on DEV (no router solicitations in the capture).
quiet_dev() { ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"; }

# vlan_host VID ADDR: a namespace with ADDR on a veth whose other end,
# lanVID, is an access port of VLAN VID.
vlan_host() {
  local vid=$1 addr=$2 ns="iov$1$$"
  ip netns add "$ns" &&
    ip -n "$NS_S" link add "lan$vid" type veth peer name lanh netns "$ns" &&
    quiet_dev "$NS_S" "lan$vid" && ip -n "$NS_S" link set "lan$vid" up &&
    ip -n "$ns" addr add "$addr/24" dev lanh &&
    ip -n "$ns" link set lanh up && ip -n "$ns" link set lo up
}

# vlan_lan_up TRUNK: tap0 (created beforehand, as a bridged server's is),
# the two hosts, the switch (TRUNK: what tap0 carries, vlan_switch.py's
# --tagged/--pvid arguments), and client B's namespace (underlay
# 10.93.1.0/24).
vlan_lan_up() {
  ip -n "$NS_S" tuntap add dev tap0 mode tap && quiet_dev "$NS_S" tap0 &&
    ip -n "$NS_S" link set tap0 up &&
    vlan_host 10 "$VLAN_HOST10" && vlan_host 20 "$VLAN_HOST20" || return 1
  # shellcheck disable=SC2086
  ip netns exec "$NS_S" python3 "$HERE/vlan_switch.py" --trunk tap0 $1 --access lan10:10 \
    --access lan20:20 >"$WORK/switch.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"$WORK/switch.pid"
  wait_log switch "vlan_switch: ready" 10 || return 1
  ip netns add "$NS_B" &&
    ip link add "iocb$$" type veth peer name "iosb$$" &&
    ip link set "iocb$$" netns "$NS_B" && ip link set "iosb$$" netns "$NS_S" &&
    ip -n "$NS_S" addr add 10.93.1.1/24 dev "iosb$$" && ip -n "$NS_S" link set "iosb$$" up &&
    ip -n "$NS_B" addr add 10.93.1.2/24 dev "iocb$$" && ip -n "$NS_B" link set "iocb$$" up &&
    ip -n "$NS_B" link set lo up
}
vlan_lan_down() {
  stop_daemon switch TERM
  ip netns del "$NS_V10" 2>/dev/null
  ip netns del "$NS_V20" 2>/dev/null
  ip netns del "$NS_B" 2>/dev/null
  ip -n "$NS_S" tuntap del dev tap0 mode tap 2>/dev/null
  return 0
}

# vlan_server EXTRA: a bridged tap server with --vlan-tagging, client
# addresses and VLANs from $WORK/ccd.
vlan_server() {
  cat <<EOC
dev tap0
proto udp
port 1194
server-bridge 10.94.0.1 255.255.255.0 10.94.0.200 10.94.0.250
client-config-dir $WORK/ccd
client-to-client
vlan-tagging
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

# vlan_client MAC REMOTE CERT: a tap client of the server.
vlan_client() {
  client_conf "proto udp" "$2" |
    sed -e 's/^dev tun$/dev tap/' -e "s|/client\.crt$|/$3.crt|" -e "s|/client\.key$|/$3.key|"
  printf 'lladdr %s\n' "$1"
}

# vlan_start TAP_VLANS SRV_EXTRA B_BY(ccd|script): the LAN, the server and
# both clients up.
vlan_start() {
  vlan_cert || { log "client2 certificate failed"; return 1; }
  vlan_lan_up "$1" || { log "VLAN bridge setup failed"; return 1; }
  mkdir -p "$WORK/ccd"
  printf 'vlan-pvid 10\nifconfig-push %s 255.255.255.0\n' "$VLAN_A" >"$WORK/ccd/io-client"
  printf 'ifconfig-push %s 255.255.255.0\n' "$VLAN_B" >"$WORK/ccd/io-client2"
  local extra=$2
  if [ "$3" = script ]; then
    printf '#!/bin/sh\n[ "$common_name" = io-client2 ] && echo "vlan-pvid 20" >"$1"\nexit 0\n' \
      >"$WORK/connect.sh"
    chmod +x "$WORK/connect.sh"
    extra="$extra\nscript-security 2\nclient-connect $WORK/connect.sh"
  else
    echo "vlan-pvid 20" >>"$WORK/ccd/io-client2"
  fi
  printf '%b\n' "$(vlan_server "$extra")" >"$WORK/server.conf"
  vlan_client "$VLAN_MAC_A" "$UNDER_S" client >"$WORK/client.conf"
  vlan_client "$VLAN_MAC_B" 10.93.1.1 client2 >"$WORK/client2.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  start_daemon client2 "$NS_B" "$CLI_BIN" "$WORK/client2.conf"
  wait_ready client 40 && wait_ready client2 40
}

# reaches NS ADDR / never_reaches NS ADDR: a ping from NS.
reaches() {
  ip netns exec "$1" ping -c 3 -i 0.3 -W 2 "$2" >"$WORK/ping.log" 2>&1 && return 0
  log "$1 -> $2 failed: $(tail -2 "$WORK/ping.log" | tr '\n' ' ')"
  return 1
}
never_reaches() {
  ip netns exec "$1" ping -c 2 -i 0.3 -W 1 "$2" >"$WORK/ping.log" 2>&1 || return 0
  log "$1 -> $2 answered across VLANs"
  return 1
}

# no_neighbour NS MAC: an ARP request from MAC never reached NS.
no_neighbour() {
  ! ip -n "$1" neigh show | grep -qi "lladdr $2" && return 0
  log "$1 learnt $2: $(ip -n "$1" neigh show | tr '\n' ';')"
  return 1
}

# vlan_transfer NS ADDR MB: MB MiB of random data by TCP from NS to ADDR
# (listening in the host namespace of ADDR's VLAN), compared by sha256.
vlan_transfer() {
  local ns=$1 dst=$2 mb=$3 host=$NS_V10 want got lpid
  [ "$dst" = "$VLAN_HOST20" ] && host=$NS_V20
  head -c "$((mb * 1024 * 1024))" /dev/urandom >"$WORK/payload"
  want=$(sha256sum <"$WORK/payload" | cut -d' ' -f1)
  rm -f "$WORK/recv.sha"
  ip netns exec "$host" sh -c "timeout 60 nc -4 -l 5001 | sha256sum | cut -d' ' -f1 >'$WORK/recv.sha'" &
  lpid=$!
  PIDS+=("$lpid")
  sleep 0.5
  ip netns exec "$ns" timeout 60 nc -N "$dst" 5001 <"$WORK/payload"
  wait "$lpid"
  got=$(cat "$WORK/recv.sha" 2>/dev/null)
  [ "$want" = "$got" ] && return 0
  log "transfer $ns -> $dst: sha256 mismatch (want $want, got ${got:-nothing})"
  return 1
}

# vlan_apart: A and B each reach their VLAN's host, not the other's, and not
# each other.
vlan_apart() {
  reaches "$NS_C" "$VLAN_HOST10" && reaches "$NS_B" "$VLAN_HOST20" &&
    never_reaches "$NS_C" "$VLAN_HOST20" && never_reaches "$NS_B" "$VLAN_HOST10" &&
    never_reaches "$NS_C" "$VLAN_B" &&
    no_neighbour "$NS_V20" "$VLAN_MAC_A" && no_neighbour "$NS_V10" "$VLAN_MAC_B" &&
    no_neighbour "$NS_B" "$VLAN_MAC_A"
}

# vlan_case TAP_VLANS SRV_EXTRA B_BY CHECK...: vlan_start, then CHECK,
# always taking the LAN and client B down.
vlan_case() {
  local rc=0
  vlan_start "$1" "$2" "$3" && "${@:4}" || rc=1
  stop_daemon client2 TERM
  [ $rc -eq 0 ] || { [ -f "$WORK/client2.log" ] && { echo "---- client2.log (tail)"; tail -n 15 "$WORK/client2.log"; }; }
  stop_daemon client TERM
  stop_daemon server TERM
  vlan_lan_down
  [ $rc -eq 0 ] || log "switch: $(tail -2 "$WORK/switch.log" | tr '\n' ' ')"
  return $rc
}

# vlan-tagged: tap0 carries VLANs 10 and 20 tagged and nothing untagged, so
# every frame the server writes must carry its client's tag; 5 MiB of
# full-size frames cross tagged.
tagged_checks() { vlan_apart && vlan_transfer "$NS_C" "$VLAN_HOST10" 5 && vlan_transfer "$NS_B" "$VLAN_HOST20" 5; }
sc_vlan-tagged() { vlan_case "--tagged 10,20" "vlan-accept tagged" ccd tagged_checks; }

# vlan-all: the server's own VLAN is 20 (--vlan-pvid 20) and untagged on
# tap0, VLAN 10 tagged; client B's VLAN comes from --client-connect.
sc_vlan-all() { vlan_case "--tagged 10 --pvid 20" "vlan-pvid 20" script vlan_apart; }

# vlan-untagged: tap0 carries only VLAN 20, untagged; client A (VLAN 10) is
# cut off, client B gets through.
untagged_checks() {
  reaches "$NS_B" "$VLAN_HOST20" && never_reaches "$NS_C" "$VLAN_HOST10" &&
    never_reaches "$NS_C" "$VLAN_HOST20" && no_neighbour "$NS_V20" "$VLAN_MAC_A"
}
sc_vlan-untagged() {
  vlan_case "--pvid 20" "vlan-accept untagged\nvlan-pvid 20" ccd untagged_checks
}
