# tests/interop/cases/userpass.sh: the server's user name options (issue 12;
# sourced by run.sh). --username-as-common-name: once the credentials pass,
# the user name is the client's common name, so its ccd file is the one
# named after the user (it gives the client a fixed address) and the log
# says [CN SET]. --auth-user-pass-optional: a client without
# --auth-user-pass is checked with empty credentials, and the script lets it
# in; without the option the same client is refused.
ALL+=(username-as-cn auth-optional auth-optional-off)

sc_username-as-cn() {
  mkdir -p "$WORK/ccd"
  printf 'ifconfig-push 10.94.0.77 255.255.255.0\n' >"$WORK/ccd/iouser"
  start_pair "$AUTH_SRV\nusername-as-common-name\nclient-config-dir $WORK/ccd" "auth-user-pass $K/good.txt" ||
    return 1
  log_has server "authentication succeeded for username 'iouser' \[CN SET\]" || return 1
  ip netns exec "$NS_C" ip -4 addr show dev tun0 | grep -q 'inet 10\.94\.0\.77/' ||
    { log "tun0 lacks the ccd address 10.94.0.77 of user iouser"; return 1; }
  ping_check
}

# empty_ok.sh: accepts exactly the empty user name and password
empty_ok_script() {
  cat >"$WORK/empty-ok.sh" <<'EOS'
#!/bin/sh
[ -z "$(sed -n 1p "$1")" ] && [ -z "$(sed -n 2p "$1")" ]
EOS
  chmod 755 "$WORK/empty-ok.sh"
}
sc_auth-optional() {
  empty_ok_script
  start_pair "script-security 2\nauth-user-pass-verify $WORK/empty-ok.sh via-file\nauth-user-pass-optional" "" ||
    return 1
  ping_check
}
sc_auth-optional-off() {
  empty_ok_script
  NOWAIT=1 start_pair "script-security 2\nauth-user-pass-verify $WORK/empty-ok.sh via-file" "" || return 1
  wait_log server "Auth Username/Password was not provided by peer" 30 || return 1
  no_tunnel "a client without credentials got in"
}
