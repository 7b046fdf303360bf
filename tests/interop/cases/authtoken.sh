# tests/interop/cases/authtoken.sh: --auth-gen-token (issue 12; sourced by
# run.sh). The server's --auth-user-pass-verify script counts its runs in
# $WORK/count and records session_state in $WORK/states.
#   auth-token-reuse: the script accepts only its first run, so the client
#     stays connected after a renegotiation (reneg-sec 10; 2.6 wants the
#     renewal time, reneg-sec here, at least two hand-windows) and gets back in
#     after a reconnect (SIGUSR1 to the client) only through the token; the
#     script ran exactly once (state Initial) and traffic flows after each.
#   auth-token-expired: lifetime 4 s with external-auth; the script accepts
#     only session_state Initial. The reconnect after the lifetime comes with
#     the expired token: the script sees Expired and refuses, the client is
#     told AUTH_FAILED, drops the token and comes back with its password.
#   auth-token-expired-internal: the same without external-auth: the expired
#     token is refused without running the script.
#   auth-token-renew: renewal 10 s under reneg-sec 3600, so the server pushes
#     a fresh token every 10 s without a renegotiation ("PUSH_REPLY,auth-token
#     SESS_ID_AT_...", logged as 2.6 redacts it: "auth-tokenSESS_ID"). The
#     reconnect comes after the first token is past its 2 * renewal window:
#     only a renewed token gets the client back in; the script (accepting its
#     first run only) ran once.
#   auth-token-secret: with --auth-gen-token-secret (made by 2.6's --genkey
#     auth-token) a token outlives a server restart (SIGHUP): the client comes
#     back through it and the script (first run only) ran once. With the random
#     per-run key the same reconnect is refused.
ALL+=(auth-token-reuse auth-token-expired auth-token-expired-internal auth-token-renew auth-token-secret)

# token_script MODE: once (accept the first run only) or initial (accept
# session_state Initial only); both check the credentials of good.txt.
token_script() {
  cat >"$WORK/token-check.sh" <<EOS
#!/bin/sh
n=\$(cat "$WORK/count" 2>/dev/null || echo 0)
n=\$((n + 1))
echo "\$n" >"$WORK/count"
echo "\$session_state \$session_id" >>"$WORK/states"
[ "\$(sed -n 1p "\$1")" = iouser ] && [ "\$(sed -n 2p "\$1")" = iopass ] || exit 1
case $1 in
once) [ "\$n" -eq 1 ] ;;
initial) [ "\$session_state" = Initial ] ;;
esac
EOS
  chmod 755 "$WORK/token-check.sh"
  rm -f "$WORK/count" "$WORK/states"
}
token_srv() { printf 'script-security 2\nauth-user-pass-verify %s via-file\n%s' "$WORK/token-check.sh" "$1"; }
script_runs() { # N: the script ran exactly N times
  local n
  n=$(cat "$WORK/count" 2>/dev/null || echo 0)
  [ "$n" -eq "$1" ] || { log "the verify script ran $n times, not $1 (states: $(tr '\n' ';' <"$WORK/states"))"; return 1; }
}
reconnect_client() { # N: SIGUSR1 the client, wait for its Nth ready line
  kill -USR1 "$(cat "$WORK/client.pid")" && wait_ready client 60 "$1"
}

sc_auth-token-reuse() {
  token_script once
  start_pair "$(token_srv 'auth-gen-token\nreneg-sec 10\nhand-window 5')" "auth-user-pass $K/good.txt" && ping_check || return 1
  grep -q '^Initial [A-Za-z0-9+/]\{16\}$' "$WORK/states" || { log "no Initial state with a session id"; return 1; }
  # the renegotiation's key passes with the token, without the script
  wait_log server "Username/auth-token authentication succeeded for username 'iouser'" 30 || return 1
  ping_check || return 1
  reconnect_client 2 || return 1
  wait_log server "Username/auth-token authentication succeeded for username 'iouser'" 30 2 || return 1
  traffic "$TUN_S" 5 && script_runs 1
}

sc_auth-token-expired() {
  token_script initial
  start_pair "$(token_srv 'auth-gen-token 4 external-auth')" "auth-user-pass $K/good.txt" && ping_check ||
    return 1
  sleep 6 # past the token's lifetime
  kill -USR1 "$(cat "$WORK/client.pid")"
  wait_log server "auth-token from client expired" 30 || return 1
  wait_log client "AUTH_FAILED" 30 && wait_ready client 60 2 || return 1
  grep -q '^Expired [A-Za-z0-9+/]\{16\}$' "$WORK/states" || { log "the script never saw session_state Expired"; return 1; }
  script_runs 3 && traffic "$TUN_S" 5
}

sc_auth-token-expired-internal() {
  token_script initial
  start_pair "$(token_srv 'auth-gen-token 4')" "auth-user-pass $K/good.txt" && ping_check || return 1
  sleep 6
  kill -USR1 "$(cat "$WORK/client.pid")"
  wait_log server "Username/auth-token authentication failed for username 'iouser'" 30 || return 1
  wait_log client "AUTH_FAILED" 30 && wait_ready client 60 2 || return 1
  ! grep -q Expired "$WORK/states" || { log "the script ran for the expired token"; return 1; }
  script_runs 2 && traffic "$TUN_S" 5
}

sc_auth-token-renew() {
  token_script once
  start_pair "$(token_srv 'auth-gen-token 0 10\nhand-window 5')" "auth-user-pass $K/good.txt" && ping_check || return 1
  # two renewals: the first token (made at the connect) is then 20 s old
  wait_log client "Received control message: 'PUSH_REPLY,auth-token[^,]*'$" 40 2 || return 1
  sleep 2
  reconnect_client 2 || return 1
  wait_log server "Username/auth-token authentication succeeded for username 'iouser'" 30 || return 1
  traffic "$TUN_S" 5 && script_runs 1
}

sc_auth-token-secret() {
  token_script once
  "$REF" --genkey auth-token "$WORK/token.key" >/dev/null || return 1
  start_pair "$(token_srv "auth-gen-token\nauth-gen-token-secret $WORK/token.key\nexplicit-exit-notify 1")" \
    "auth-user-pass $K/good.txt" && ping_check || return 1
  kill -HUP "$(cat "$WORK/server.pid")" || return 1
  wait_log server "SIGHUP\[hard,\] received, process restarting" 5 &&
    wait_log server "Initialization Sequence Completed" 20 2 && wait_ready client 60 2 || return 1
  wait_log server "Username/auth-token authentication succeeded for username 'iouser'" 30 || return 1
  traffic "$TUN_S" 5 && script_runs 1
}
