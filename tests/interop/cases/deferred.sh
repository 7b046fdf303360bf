# tests/interop/cases/deferred.sh: deferred authentication (issue 12; sourced
# by run.sh). The server's credential check answers later through the
# auth_control_file it was handed ('1' accept, '0' refuse), as 2.6.14 does
# for plugins returning 2 and --auth-user-pass-verify scripts exiting 2.
# Each deferring checker waits for a gate file the test creates only after
# it has seen the server's "authentication deferred" line and that the
# client is not in yet: so the decision provably came from the file, later.
#  defer-script-accept / -refuse: a via-file script defers, then writes 1 / 0.
#  defer-script-expire: the script never answers; --hand-window 6 ends the
#    wait with AUTH_FAILED.
#  defer-pam-accept / -refuse: Debian's auth-pam with 'setenv
#    deferred_auth_pam 1' (its background helper writes the file).
#  defer-plugin: our recording plugin returns 2, its child writes the file.
#  defer-pending: the script writes the auth_pending_file; the client
#    (IV_SSO crtext) gets AUTH_PENDING,timeout N and INFO_PRE,CR_TEXT:...
#  defer-crresponse: as defer-pending, then the client's management sends
#    cr-response; the server's --client-crresponse script reads it and
#    writes the auth_control_file.
ALL+=(defer-script-accept defer-script-refuse defer-script-expire defer-pam-accept defer-pam-refuse
  defer-plugin defer-pending defer-crresponse defer-push-timeout)

DEFER_GATE="" # set per scenario: the file the deferring side waits for

# defer_script ANSWER [PENDING]: a --auth-user-pass-verify script that
# exits 2 and leaves a background writer of ANSWER ('none': never writes);
# PENDING, when given, goes into the auth_pending_file first.
defer_script() {
  DEFER_GATE="$WORK/gate"
  rm -f "$DEFER_GATE"
  cat >"$WORK/defer.sh" <<EOS
#!/bin/sh
[ -n "\$auth_control_file" ] && [ -f "\$auth_control_file" ] || exit 1
printf '%s' "\$auth_control_file" >"$WORK/acf.path"
[ "\$(sed -n 1p "\$1")" = iouser ] && [ "\$(sed -n 2p "\$1")" = iopass ] || exit 1
pending='${2:-}'
[ -n "\$pending" ] && printf '%b' "\$pending" >"\$auth_pending_file"
[ "$1" = none ] && exit 2
(
  while [ ! -e "$DEFER_GATE" ]; do sleep 0.2; done
  printf '%s' "$1" >"\$auth_control_file"
) </dev/null >/dev/null 2>&1 &
exit 2
EOS
  chmod 755 "$WORK/defer.sh"
}

# deferred_then_gate: the server deferred, the client is not in 2 s later,
# then the gate opens.
deferred_then_gate() {
  wait_log server "authentication deferred for username 'iouser'" 30 || return 1
  sleep 2
  if grep -q "Initialization Sequence Completed\|AUTH_FAILED" "$WORK/client.log"; then
    log "the client was decided before the deferred answer"
    return 1
  fi
  touch "$DEFER_GATE"
}

# defer_tmp: the server's --tmp-dir, where the deferred-auth files live.
defer_tmp() {
  rm -f "$WORK/acf.path"
  mkdir -p "$WORK/stmp" && chmod 700 "$WORK/stmp"
  printf '%s' "tmp-dir $WORK/stmp"
}
# files_gone: once decided, our server removed the auth_control_file and
# the others; 2.6 keeps them until the key is freed (its key_state_free),
# so with 2.6 as the server only their place is checked.
files_gone() {
  sleep 1
  local left acf
  acf=$(cat "$WORK/acf.path" 2>/dev/null)
  if [ -n "$acf" ]; then
    [ "${acf#"$WORK/stmp/"}" != "$acf" ] || { log "the auth_control_file $acf is not in the --tmp-dir"; return 1; }
    [ "$SRV_BIN" = "$REF" ] && return 0
    [ ! -e "$acf" ] || { log "the auth_control_file $acf was left behind"; return 1; }
  fi
  [ "$SRV_BIN" = "$REF" ] && return 0
  left=$(ls "$WORK/stmp" 2>/dev/null | grep -c acf)
  [ "$left" = 0 ] || { log "auth control files left in the tmp-dir: $(ls "$WORK/stmp")"; return 1; }
}

# defer_accept SRV_EXTRA: the deferred client gets in after the gate.
defer_accept() {
  NOWAIT=1 start_pair "$1\n$(defer_tmp)" "auth-user-pass $K/good.txt" || return 1
  deferred_then_gate || return 1
  wait_ready client 40 && traffic "$TUN_S" 5 && files_gone
}
# defer_refuse SRV_EXTRA [CREDS]: refused after the gate.
defer_refuse() {
  NOWAIT=1 start_pair "$1\n$(defer_tmp)" "auth-user-pass ${2:-$K/good.txt}" || return 1
  deferred_then_gate || return 1
  wait_log client "AUTH_FAILED" 30 || return 1
  no_tunnel "a deferred refusal let the client in" && files_gone
}

defer_srv() { printf '%s' "script-security 2\nauth-user-pass-verify $WORK/defer.sh via-file"; }
sc_defer-script-accept() { defer_script 1 && defer_accept "$(defer_srv)"; }
sc_defer-script-refuse() { defer_script 0 && defer_refuse "$(defer_srv)"; }
sc_defer-script-expire() {
  defer_script none
  # hand-window 6 on the server only: a client with it gives up on the push
  # after 5-6 s itself (2.6 too: hand-window / 5 push requests), racing the
  # server's expiry, which 2.6's server checks only now and then.
  NOWAIT=1 start_pair "$(defer_srv)\nhand-window 6" "auth-user-pass $K/good.txt" || return 1
  wait_log server "authentication deferred for username 'iouser'" 30 || return 1
  sleep 2
  ! grep -q "AUTH_FAILED" "$WORK/client.log" || { log "refused before the hand-window ran out"; return 1; }
  wait_log client "AUTH_FAILED" 30 || return 1
  no_tunnel "a deferred client nobody answered for got in"
}

# defer_pam_service NAME: like plugins.sh's pam_service, but the check waits
# for the gate first (it runs in auth-pam's background helper).
defer_pam_service() {
  DEFER_GATE="$WORK/gate"
  rm -f "$DEFER_GATE"
  cat >"$WORK/pam-defer.sh" <<EOS
#!/bin/sh
pw=\$(tr -d '\\000')
while [ ! -e "$DEFER_GATE" ]; do sleep 0.2; done
[ "\$PAM_USER" = iouser ] && [ "\$pw" = iopass ]
EOS
  chmod 755 "$WORK/pam-defer.sh"
  printf 'auth required pam_exec.so expose_authtok quiet %s\naccount required pam_permit.so\n' \
    "$WORK/pam-defer.sh" >"/etc/pam.d/$1"
}
defer_pam() { # $1 = accept|refuse
  local name=ovpn-defer-$$ rc=0
  defer_pam_service "$name"
  local srv="plugin openvpn-plugin-auth-pam.so $name\nsetenv deferred_auth_pam 1"
  if [ "$1" = accept ]; then
    defer_accept "$srv" || rc=1
  else
    defer_refuse "$srv" "$K/bad.txt" || rc=1
  fi
  [ $rc = 0 ] && { log_has server "deferred auth" || rc=1; } # the plugin's own note
  rm -f "/etc/pam.d/$name"
  return $rc
}
sc_defer-pam-accept() { defer_pam accept; }
sc_defer-pam-refuse() { defer_pam refuse; }

sc_defer-plugin() {
  [ -f "$RECORD_PLUGIN" ] || { log "missing $RECORD_PLUGIN (build the plugin_tests target)"; return 1; }
  DEFER_GATE="$WORK/gate"
  rm -f "$DEFER_GATE" "$WORK/rec.txt"
  defer_accept "plugin $RECORD_PLUGIN $WORK/rec.txt\nsetenv test_status_5 2\nsetenv test_defer_gate $DEFER_GATE" ||
    return 1
  grep -q "^envp auth_control_file=" "$WORK/rec.txt" || { log "the plugin saw no auth_control_file"; return 1; }
}

# wait_cr_text: the client got INFO_PRE's text (2.6 and ours word it apart)
wait_cr_text() {
  wait_log client "Info command was pushed by server ('CR_TEXT:E,R:Enter the code')\|INFO: CR_TEXT:E,R:Enter the code" 30
}
PENDING_TEXT='30\ncrtext\nCR_TEXT:E,R:Enter the code\n'
sc_defer-pending() {
  defer_script 1 "$PENDING_TEXT"
  NOWAIT=1 start_pair "$(defer_srv)" "auth-user-pass $K/good.txt\nsetenv IV_SSO crtext" || return 1
  # the timeout keyword only for a client with IV_PROTO_AUTH_PENDING_KW (2.6's)
  local want="'AUTH_PENDING'"
  [ "$CLI_BIN" = "$REF" ] && want="'AUTH_PENDING,timeout 30'"
  wait_log server "SENT CONTROL \[.*\]: $want" 30 || return 1
  wait_log client "AUTH_PENDING" 30 || return 1
  wait_cr_text || return 1
  deferred_then_gate || return 1
  wait_ready client 40 && traffic "$TUN_S" 5
}

# mgmt_say SOCKET LINE: one management command on a unix socket.
mgmt_say() {
  python3 - "$1" "$2" <<'EOP'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
s.recv(4096)  # the greeting
s.sendall((sys.argv[2] + "\n").encode())
got = b""
while not any(l.startswith((b"SUCCESS", b"ERROR")) for l in got.split(b"\n")):
    chunk = s.recv(4096)  # real-time lines (>INFO, >STATE) may come first
    if not chunk:
        break
    got += chunk
print(got.decode(errors="replace"))
s.sendall(b"quit\n")
EOP
}
sc_defer-crresponse() {
  defer_script none "$PENDING_TEXT"
  cat >"$WORK/crr.sh" <<'EOS'
#!/bin/sh
[ "$(cat "$1")" = "NDI=" ] && [ -f "$auth_control_file" ] || exit 1
printf 1 >"$auth_control_file"
EOS
  chmod 755 "$WORK/crr.sh"
  NOWAIT=1 start_pair "$(defer_srv)\nclient-crresponse $WORK/crr.sh" \
    "auth-user-pass $K/good.txt\nsetenv IV_SSO crtext\nmanagement $WORK/cmgmt.sock unix" || return 1
  wait_cr_text || return 1
  sleep 1
  grep -q "Initialization Sequence Completed" "$WORK/client.log" && { log "in before the response"; return 1; }
  local reply
  reply=$(mgmt_say "$WORK/cmgmt.sock" "cr-response NDI=" 2>&1)
  grep -q SUCCESS <<<"$reply" || { log "cr-response refused: $reply"; return 1; }
  wait_log server "CR response was sent by client ('NDI=')" 20 || return 1
  wait_ready client 40 && traffic "$TUN_S" 5
}

# defer-push-timeout: the server's check never answers and the client has
# hand-window 6: the client gives up on the push itself, with 2.6's line
# saying how long it waited (not the 60 s ours used to print), and restarts
# (SIGUSR1[soft,no-push-reply]). Ours gives up at 6 s; 2.6 checks only when
# its 5-second PUSH_REQUEST timer fires (at 1, 6, 11 s), so a 2.6 client
# says 6 s or, when that timer fired a hair early, 11 s.
sc_defer-push-timeout() {
  local want="[5-7]"
  [ "$CLI_BIN" = "$REF" ] && want="([5-7]|1[0-2])"
  defer_script none
  NOWAIT=1 start_pair "$(defer_srv)" "auth-user-pass $K/good.txt\nhand-window 6" || return 1
  wait_log client "SIGUSR1\[soft,no-push-reply\]" 30 || return 1
  grep -Eq "No reply from server to push requests in ${want}s" "$WORK/client.log" ||
    { log "no-push-reply line: $(grep 'No reply from server' "$WORK/client.log" | head -n1)"; return 1; }
}
