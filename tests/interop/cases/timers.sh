# tests/interop/cases/timers.sh: --inactive as 2.6 runs it (issue 10 item 5;
# sourced by run.sh). The timer starts with the session, before any peer is
# heard, in every mode: a client or p2p peer whose peer never shows up exits
# after n seconds, a server ends an idle client's instance; tunnel traffic
# (not keepalive pings) starts it again.
ALL+=(inactive-client inactive-p2p inactive-secret inactive-server inactive-traffic)

# exits_soft_term NAME LINE SECS REASON WHAT: NAME's daemon logs LINE
# within SECS, then 2.6's soft SIGTERM with REASON, and exits with status 0
# (WHAT names the option in the failure message).
exits_soft_term() {
  local pid rc i
  wait_log "$1" "$2" "$3" || return 1
  # The signal line comes after the tunnel's teardown: wait for it as well.
  wait_log "$1" "SIGTERM\[soft,$4\] received, process exiting" 20 || return 1
  pid=$(cat "$WORK/$1.pid")
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  wait "$pid"
  rc=$?
  [ "$rc" = 0 ] || { log "$1 exited with status $rc after $5, want 0"; return 1; }
}
# exits_inactive NAME: NAME's daemon ends by --inactive with status 0.
exits_inactive() { exits_soft_term "$1" "Inactivity timeout (--inactive), exiting" 20 inactive --inactive; }

# alone NAME NS BIN CONF: one daemon whose peer never shows up.
alone() { start_daemon "$1" "$2" "$3" "$4"; }

# The client's server is not running: its packets are refused (no restart).
sc_inactive-client() {
  { client_conf "proto udp" "$UNDER_S"; printf 'inactive 3\n'; } >"$WORK/client.conf"
  alone client "$NS_C" "$CLI_BIN" "$WORK/client.conf" && exits_inactive client
}
sc_inactive-p2p() {
  { p2p_conf client; printf 'inactive 3\n'; } >"$WORK/client.conf"
  alone client "$NS_C" "$CLI_BIN" "$WORK/client.conf" && exits_inactive client
}
# --secret, and the listening peer that nobody calls.
sc_inactive-secret() {
  { secret_conf client; printf 'inactive 3\n'; } >"$WORK/client.conf"
  alone client "$NS_C" "$CLI_BIN" "$WORK/client.conf" && exits_inactive client || return 1
  { secret_conf server; printf 'inactive 3\n'; } >"$WORK/server.conf"
  alone server "$NS_S" "$SRV_BIN" "$WORK/server.conf" && exits_inactive server
}
# A server ends the instance of a client that sends nothing but pings; the
# server itself goes on.
sc_inactive-server() {
  start_pair "inactive 3" "" || return 1
  wait_log server "Inactivity timeout (--inactive), exiting" 20 &&
    log_has server "SIGTERM\[soft,inactive\] received, client-instance exiting" || return 1
  kill -0 "$(cat "$WORK/server.pid")" 2>/dev/null || { log "the server itself exited"; return 1; }
}
# Traffic through the tunnel keeps the client up well past n seconds; when
# it stops, the client exits.
sc_inactive-traffic() {
  start_pair "" "inactive 6" || return 1
  ip netns exec "$NS_C" ping -c 20 -i 0.5 -W 2 "$TUN_S" >"$WORK/ping.log" 2>&1 ||
    { log "ping through the tunnel failed: $(tail -2 "$WORK/ping.log" | tr '\n' ' ')"; return 1; }
  if grep -q "Inactivity timeout" "$WORK/client.log"; then
    log "the client went inactive during 10 s of pings"
    return 1
  fi
  exits_inactive client
}

# session-timeout: the client ends its session n seconds after the attempt
# began (its own option), or after the push that carried it (2.6 starts its
# timers again at a push of timer options): "Session timeout, exiting", a
# soft SIGTERM with the reason session-timeout, exit status 0.
ALL+=(session-timeout session-timeout-pushed)
exits_session_timeout() { exits_soft_term client "Session timeout, exiting" 30 session-timeout --session-timeout; }
sc_session-timeout() { start_pair "" "session-timeout 4" && exits_session_timeout; }
sc_session-timeout-pushed() { start_pair 'push "session-timeout 4"' "" && exits_session_timeout; }

# session-timeout-server: a server's --session-timeout ends each client's
# instance n seconds after it began ("Session timeout, exiting", then a soft
# SIGTERM for that client only); the server keeps running and the client
# (ping-restart, or the server's restart notice) comes back.
ALL+=(session-timeout-server)
sc_session-timeout-server() {
  start_pair "session-timeout 4" "" || return 1
  wait_log server "Session timeout, exiting" 15 || return 1
  wait_log server "SIGTERM\[soft,session-timeout\] received, client-instance exiting" 5 || return 1
  kill -0 "$(cat "$WORK/server.pid")" 2>/dev/null || { log "the server exited"; return 1; }
}
