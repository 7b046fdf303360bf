# tests/interop/cases/multihome.sh: --multihome (issue 13; sourced by
# run.sh). The server's veth has a second IPv4 and a second IPv6 address;
# the server binds the wildcard and the client talks to the second one. The
# kernel would send the replies from the first (the primary IPv4 address,
# the IPv6 address with the longer common prefix), which the client drops
# (2.6: "Incoming packet rejected from ..."; ours: its socket is connected).
# With --multihome the server answers from the address each client talks to
# (IP_PKTINFO on an IPv4 socket, IPV6_PKTINFO on a dual-stack or IPv6 one).
#   multihome:        proto udp (2.6 binds an IPv4 socket), client over IPv4
#   multihome6:       proto udp6 (a dual-stack socket), client over IPv6
#   multihome-mapped: proto udp6, client over IPv4 (IPv4-mapped pktinfo)
#   multihome-p2p:    a listening TLS p2p peer (no --remote), IPv4
# The server also prints 2.6's "Peer Connection Initiated with ... (via
# [AF_INET]10.93.0.11%iosv...)".
# MULTIHOME_OFF=1 leaves the option out: every scenario must then fail.
ALL+=(multihome multihome6 multihome-mapped multihome-p2p)

MH_S=10.93.0.11
MH6_S=fd93::11

# mh_addrs add|del: the server's second addresses. Linux caps the common
# prefix of its IPv6 source choice at the address's /64, so the newer
# address would win the tie; deprecated (preferred_lft 0) it is never
# picked by the kernel, but still taken to and sent from when asked.
mh_addrs() {
  if [ "$1" = add ]; then
    ip -n "$NS_S" addr replace "$MH_S/24" dev "iosv$$" &&
      ip -n "$NS_S" addr replace "$MH6_S/64" dev "iosv$$" nodad preferred_lft 0
  else
    ip -n "$NS_S" addr del "$MH_S/24" dev "iosv$$" 2>/dev/null
    ip -n "$NS_S" addr del "$MH6_S/64" dev "iosv$$" 2>/dev/null
    return 0
  fi
}

mh_line() { [ -n "${MULTIHOME_OFF:-}" ] && echo "# multihome left out" || echo multihome; }

# mh_pair SPROTO CPROTO REMOTE VIA: the server with --multihome, the client
# to REMOTE (a second address), traffic across, and the server's line
# naming VIA; the addresses go afterwards.
mh_pair() {
  local rc=0
  mh_addrs add || return 1
  start_pair "$(mh_line)" "" "$1" "$2" "$3" && traffic "$TUN_S" 10 || rc=1
  [ $rc = 0 ] && log_has server "Peer Connection Initiated with .* (via $4%iosv$$)" || rc=1
  mh_addrs del
  return $rc
}
sc_multihome() { mh_pair "proto udp" "proto udp" "$MH_S" "\\[AF_INET\\]$MH_S"; }
sc_multihome6() { mh_pair "proto udp6" "proto udp6" "$MH6_S" "$MH6_S"; }
# 2.6 shows the mapped address as such, ours as IPv4 (as it shows the peer)
sc_multihome-mapped() { mh_pair "proto udp6" "proto udp" "$MH_S" "\\(::ffff:\\|\\[AF_INET\\]\\)$MH_S"; }

# multihome-p2p: the listening peer ("server" side, ours in --mode server)
# learns its peer and answers from the second address.
sc_multihome-p2p() {
  local rc=0
  mh_addrs add || return 1
  { p2p_conf server; mh_line; } >"$WORK/server.conf"
  p2p_conf client | sed "s/^remote .*/remote $MH_S 1194/" >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  sleep 0.5
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  wait_ready client 40 && wait_ready server 20 && traffic "$TUN_S" 10 || rc=1
  mh_addrs del
  return $rc
}
