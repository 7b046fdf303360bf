# tests/interop/cases/mtutest.sh: --mtu-test (issue 13), both ends running it:
# each prints 2.6's "Beginning empirical MTU test" note and, about three
# minutes later, the completed line with the figures 2.6 prints for the
# same config (a veth carries everything, so tried = actual each way):
#   mtu-test-p2p-secret  --secret AES-256-CBC/SHA256 p2p: 1568 each way
#   mtu-test-p2p-tls     TLS p2p (AES-256-GCM, peer-id): 1524
#   mtu-test-client      client and P2MP server (2.6 runs the test in the
#                        client's instance too; its lines carry the prefix)
# These take 3 to 4 minutes each, so they are not in ALL: stage 20 runs them
# in the background alongside the other scenarios (tests/stages.d/20-interop.sh).
SLOW+=(mtu-test-p2p-secret mtu-test-p2p-tls mtu-test-client)

# mtu_lines NAME PREFIX SIZE: NAME's log has 2.6's two lines, exactly, after
# its time stamp and PREFIX (a regex), and no fragment advice.
mtu_lines() {
  local ts='[0-9-]+ [0-9:]+ ' p=$2 n=$3
  grep -Eqx "${ts}${p}NOTE: Beginning empirical MTU test -- results should be available in 3 to 4 minutes\." \
    "$WORK/$1.log" || { log "$1.log: no (exact) Beginning line"; return 1; }
  grep -Eqx "${ts}${p}NOTE: Empirical MTU test completed \[Tried,Actual\] local->remote=\[$n,$n\] remote->local=\[$n,$n\]" \
    "$WORK/$1.log" || {
    log "$1.log: want 'local->remote=[$n,$n] remote->local=[$n,$n]', has:"
    grep "MTU test" "$WORK/$1.log" >&2
    return 1
  }
  if grep -q "unable to accommodate" "$WORK/$1.log"; then
    log "$1.log: fragment advice on a link that carried every size"
    return 1
  fi
}

# mtu_wait CLIENT-PREFIX SERVER-PREFIX SIZE: both completed lines (2.6: about
# 186 s after the tunnel is up), then their text.
mtu_wait() {
  wait_log client "Empirical MTU test completed" 240 && wait_log server "Empirical MTU test completed" 20 &&
    mtu_lines client "$1" "$3" && mtu_lines server "$2" "$3"
}

mtu_p2p_sc() { # $1 = p2p|secret, $2 = the load size
  "${1}_conf" server >"$WORK/server.conf"
  "${1}_conf" client >"$WORK/client.conf"
  echo mtu-test >>"$WORK/server.conf"
  echo mtu-test >>"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  sleep 0.5
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  wait_ready client 40 && wait_ready server 20 && ping_check && mtu_wait "" "" "$2"
}
sc_mtu-test-p2p-secret() { mtu_p2p_sc secret 1568; }
sc_mtu-test-p2p-tls() { mtu_p2p_sc p2p 1524; }
sc_mtu-test-client() {
  start_pair "mtu-test" "mtu-test" && ping_check && mtu_wait "" "io-client/$UNDER_C:[0-9]+ " 1524
}
