# tests/interop/cases/knobs.sh: the tun device knobs 2.6 applies on Linux
# (issue 13; sourced by run.sh), read back from the device, not the log.
#   tun-knobs:        --txqueuelen sets the interface's queue length, and
#                     --dev-node opens the clone device at that path (a copy
#                     of /dev/net/tun made with mknod), on the client and on
#                     the server;
#   dev-node-missing: --dev-node naming no device stops the start with 2.6's
#                     "Cannot open TUN/TAP dev PATH" line;
#   mtu-disc-no:      --mtu-disc no on both peers: their UDP packets leave
#                     without the DF bit (the kernel's default, "maybe",
#                     sets it), read from the wire with tcpdump.
ALL+=(tun-knobs dev-node-missing mtu-disc-no)

# qlen_of NS NAME-IN-LOG: the tx queue length of the device NAME's log says
# it opened.
qlen_of() {
  local dev
  dev=$(sed -n 's/.*TUN\/TAP device \(tun[0-9]*\) opened.*/\1/p' "$WORK/$2.log" | head -1)
  [ -n "$dev" ] || { log "$2.log names no tun device"; return 1; }
  ip netns exec "$1" ip -d link show dev "$dev" | sed -n 's/.* qlen \([0-9]*\).*/\1/p' | head -1
}

sc_tun-knobs() {
  mkdir -p "$WORK/nodes"
  mknod "$WORK/nodes/clone" c 10 200 || { log "mknod failed"; return 1; }
  # userspace data plane: 2.6 sets neither on an offloaded device
  start_pair "disable-dco\ntxqueuelen 321\ndev-node $WORK/nodes/clone" \
    "disable-dco\ntxqueuelen 77\ndev-node $WORK/nodes/clone" && ping_check "$TUN_S" || return 1
  local c s
  c=$(qlen_of "$NS_C" client) && s=$(qlen_of "$NS_S" server) || return 1
  [ "$c" = 77 ] && [ "$s" = 321 ] || { log "tx queue lengths: client '$c' (want 77), server '$s' (want 321)"; return 1; }
}

sc_dev-node-missing() {
  # the client opens its device once the server's push arrives
  NOWAIT=1 start_pair "" "disable-dco\ndev-node $WORK/no-such-node" || return 1
  wait_log client "Cannot open TUN/TAP dev $WORK/no-such-node" 30
}

# df_count OPTION: start the pair with OPTION on both peers, ping, and print
# "client->server server->client with-DF" UDP packet counts off the wire.
df_count() {
  ip netns exec "$NS_C" timeout 60 tcpdump -l -n -v -i "iocv$$" udp port 1194 >"$WORK/tcpdump.out" 2>/dev/null &
  local cap=$!
  sleep 1 # tcpdump listens before the first packet (a late start only loses packets)
  start_pair "$1" "$1" && ping_check "$TUN_S" || { kill "$cap"; return 1; }
  kill "$cap"
  wait "$cap" 2>/dev/null
  # tcpdump -v: the IP header line, then the addresses line
  paste - - <"$WORK/tcpdump.out" >"$WORK/tcpdump.pairs"
  echo "$(grep -c "$UNDER_C\.[0-9]* > $UNDER_S\.1194:" "$WORK/tcpdump.pairs")" \
    "$(grep -c "$UNDER_S\.1194 > $UNDER_C\.[0-9]*:" "$WORK/tcpdump.pairs")" \
    "$(grep -c "flags \[DF\]" "$WORK/tcpdump.pairs")"
}
sc_mtu-disc-no() {
  local n c s d
  n=$(df_count "mtu-disc no") || return 1
  read -r c s d <<<"$n"
  [ "$c" -gt 0 ] && [ "$s" -gt 0 ] && [ "$d" = 0 ] ||
    { log "UDP packets client->server $c, server->client $s, with DF $d (want >0, >0, 0)"; return 1; }
}

# socket-knobs: --mark, --sndbuf and --rcvbuf reach the link socket of the
# client and of the server, over UDP and TCP (read back with ss: the
# kernel reports twice the buffer sizes asked for, and the mark as fwmark).
ALL+=(socket-knobs socket-knobs-tcp)
socket_knobs_sc() { # $1, $2: server and client proto lines, $3: ss protocol flag
  local k="mark 42\nsndbuf 100000\nrcvbuf 150000" ns side out
  start_pair "$k" "$k" "$1" "$2" || return 1
  for side in server client; do
    ns=$NS_C
    [ "$side" = server ] && ns=$NS_S
    out=$(ip netns exec "$ns" ss -H "$3" -a -e -m -n 2>/dev/null | tr '\n' ' ')
    case "$out" in *fwmark:0x2a*) ;; *) log "$side: no socket with fwmark 0x2a: $out"; return 1 ;; esac
    case "$out" in *rb300000*tb200000*) ;; *) log "$side: no socket with rb300000/tb200000: $out"; return 1 ;; esac
  done
  ping_check
}
sc_socket-knobs() { socket_knobs_sc "proto udp" "proto udp" -u; }
sc_socket-knobs-tcp() { socket_knobs_sc "proto tcp-server" "proto tcp-client" -t; }
