# tests/interop/cases/plugins.sh: Debian's own plugins, unchanged (issue 12;
# sourced by run.sh).
#  plugin-down-root: the client runs as nobody (--user/--group) and loads
#    openvpn-plugin-down-root.so with a down command that writes into a
#    directory only root may write to; after SIGTERM the file must be there
#    and say the command ran as uid 0. Works only when the plugin was opened
#    (and forked its root helper at UP) before the privileges went.
#  plugin-auth-pam / plugin-auth-pam-wrong: the server loads
#    openvpn-plugin-auth-pam.so (by its bare name: the plugin directory) with
#    a PAM service whose pam_exec check accepts iouser/iopass only; the right
#    password connects and carries traffic, a wrong one gets AUTH_FAILED.
ALL+=(plugin-down-root plugin-auth-pam plugin-auth-pam-wrong)

PLUGIN_DIR=/usr/lib/x86_64-linux-gnu/openvpn/plugins

sc_plugin-down-root() {
  local dir="$WORK/rootonly"
  mkdir -p "$dir" && chmod 700 "$dir" && rm -f "$dir/down.out"
  cat >"$WORK/down-root.sh" <<EOS
#!/bin/sh
echo "uid=\$(id -u) dev=\$dev" >"$dir/down.out"
EOS
  chmod 755 "$WORK/down-root.sh"
  start_pair "" "user nobody\ngroup nogroup\nplugin $PLUGIN_DIR/openvpn-plugin-down-root.so \"$WORK/down-root.sh\"" &&
    traffic "$TUN_S" 5 || return 1
  log_has client "PLUGIN_INIT" || return 1
  stop_daemon client TERM
  local i
  for i in $(seq 1 30); do
    [ -s "$dir/down.out" ] && break
    sleep 0.2
  done
  grep -qx "uid=0 dev=tun[0-9]*" "$dir/down.out" 2>/dev/null || {
    log "down command did not run as root: '$(cat "$dir/down.out" 2>/dev/null)'"
    return 1
  }
}

# pam_service NAME: /etc/pam.d/NAME accepting iouser/iopass (pam_exec, from
# libpam-modules); removed by pam_service_rm.
pam_service() {
  cat >"$WORK/pam-check.sh" <<'EOS'
#!/bin/sh
pw=$(tr -d '\000')
[ "$PAM_USER" = iouser ] && [ "$pw" = iopass ]
EOS
  chmod 755 "$WORK/pam-check.sh"
  printf 'auth required pam_exec.so expose_authtok quiet %s\naccount required pam_permit.so\n' \
    "$WORK/pam-check.sh" >"/etc/pam.d/$1"
}

PAM_NAME=ovpn-interop-$$
auth_pam_sc() { # $1 = credentials file, $2 = 1 when it must be accepted
  pam_service "$PAM_NAME"
  local rc=0
  if [ "$2" = 1 ]; then
    start_pair "plugin openvpn-plugin-auth-pam.so $PAM_NAME" "auth-user-pass $1" && traffic 10.94.0.1 5 || rc=1
    [ $rc = 0 ] && { log_has server "PLUGIN_INIT" || rc=1; }
    # a bare name comes from the plugin directory: no relative-path warning
    if grep -q "specified by a relative pathname" "$WORK/server.log"; then
      log "relative-path warning for a bare plugin name"
      rc=1
    fi
  else
    NOWAIT=1 start_pair "plugin openvpn-plugin-auth-pam.so $PAM_NAME" "auth-user-pass $1" || rc=1
    [ $rc = 0 ] && { wait_log client "AUTH_FAILED" 30 || rc=1; }
    if grep -q "Initialization Sequence Completed" "$WORK/client.log"; then
      log "wrong password was accepted"
      rc=1
    fi
  fi
  rm -f "/etc/pam.d/$PAM_NAME"
  return $rc
}
sc_plugin-auth-pam() { auth_pam_sc "$K/good.txt" 1; }
sc_plugin-auth-pam-wrong() { auth_pam_sc "$K/bad.txt" 0; }

# Our recording plugin (tests/unit/plugin/record_plugin.c, built into
# build/plugins) on the server: it must see 2.6's hooks for a client's life
# (UP, TLS_VERIFY per depth, TLS_FINAL, CLIENT_CONNECT_V2, LEARN_ADDRESS,
# CLIENT_DISCONNECT after an explicit exit), and a TLS_VERIFY that fails must refuse the client.
# With 2.6 as the server too (--mode ref/client) it proves the header's ABI.
ALL+=(plugin-record-hooks plugin-tls-verify-refuse plugin-auth-needs-credentials)
RECORD_PLUGIN=${RECORD_PLUGIN:-"$HERE/../../build/plugins/record_plugin_3.so"}

rec_has() {
  grep -qxF -- "$1" "$WORK/rec.txt" || { log "plugin record lacks '$1'"; return 1; }
}
sc_plugin-record-hooks() {
  [ -f "$RECORD_PLUGIN" ] || { log "missing $RECORD_PLUGIN (build the plugin_tests target)"; return 1; }
  rm -f "$WORK/rec.txt"
  # the plugin intercepts AUTH_USER_PASS_VERIFY too, so 2.6 (and we) want
  # credentials from the client
  start_pair "plugin $RECORD_PLUGIN $WORK/rec.txt" "explicit-exit-notify 1\nauth-user-pass $K/good.txt" &&
    traffic "$TUN_S" 5 || return 1
  stop_daemon client TERM
  wait_log server "client-instance exiting\|SIGTERM\[soft,remote-exit\]" 10 || return 1
  local t
  for t in $(seq 1 25); do grep -qx "func v3 type=7" "$WORK/rec.txt" && break; sleep 0.2; done
  for t in 0 4 5 10 9 8 7; do rec_has "func v3 type=$t" || return 1; done
  # TLS_VERIFY's arguments: depth 1 (the CA) and 0; the v3 open's fields
  rec_has "argv 0" && rec_has "argv 1" && rec_has "structver=5 ssl=1 version=2.6.14" &&
    rec_has "envp username=iouser" && rec_has "envp password=iopass"
}
sc_plugin-tls-verify-refuse() {
  [ -f "$RECORD_PLUGIN" ] || { log "missing $RECORD_PLUGIN"; return 1; }
  rm -f "$WORK/rec.txt"
  NOWAIT=1 start_pair "plugin $RECORD_PLUGIN $WORK/rec.txt\nsetenv test_status_4 1" "auth-user-pass $K/good.txt" ||
    return 1
  wait_log server "VERIFY PLUGIN ERROR" 30 || return 1
  no_tunnel "a client refused by the TLS_VERIFY plugin got in" || return 1
}
# 2.6 refuses a client that sends no username/password once an
# AUTH_USER_PASS_VERIFY plugin is loaded, before calling it.
sc_plugin-auth-needs-credentials() {
  [ -f "$RECORD_PLUGIN" ] || { log "missing $RECORD_PLUGIN"; return 1; }
  rm -f "$WORK/rec.txt"
  NOWAIT=1 start_pair "plugin $RECORD_PLUGIN $WORK/rec.txt" "" || return 1
  wait_log server "Auth Username/Password was not provided by peer" 30 || return 1
  no_tunnel "a client without credentials got in" || return 1
  ! grep -qx "func v3 type=5" "$WORK/rec.txt" || { log "the plugin was asked about empty credentials"; return 1; }
}

# plugin-tls-verify-env: the record plugin on both peers; the pair runs once
# with 2.6 on both sides, then with the mode's binaries, and each side's
# TLS_VERIFY calls (2.6's verify_cert: one per depth, argv "depth subject",
# the X509* and its depth in the v3 arguments, the env with X509_{depth}_*,
# tls_id_*, tls_digest_*, tls_serial_* of the depths so far and
# untrusted_ip/port) must be the same, after normalising times, pids and
# ports. In --mode ref it compares 2.6 with itself.
ALL+=(plugin-tls-verify-env)

# tls_verify_calls FILE: the TLS_VERIFY (type 4) calls of a record, each
# call's lines sorted (2.6's env order is its list's), the calls in order.
tls_verify_calls() {
  awk '
    function flush() { if (keep) { for (i = 1; i <= k; i++) print lines[i] | "sort"; close("sort"); print "--" }
                       keep = 0; k = 0 }
    /^certdepth / { flush(); lines[++k] = $0; inblk = 1; next }
    /^(open v[123]$|ctor |dtor |close$|abort$|func v[12] )/ { flush(); inblk = 0; next }
    inblk { if ($0 == "func v3 type=4") keep = 1; lines[++k] = $0 }
    END { flush() }
  ' "$1" | sed -E -e 's/^(envp (untrusted_port|daemon_pid|daemon_start_time|time_unix))=.*/\1=N/' \
    -e 's/^envp time_ascii=.*/envp time_ascii=T/' -e "s|$WORK|WORK|g"
}
# verify_env_run SRV CLI TAG: one connection with these binaries; the
# sides' TLS_VERIFY calls in $WORK/TAG.{server,client}.
verify_env_run() {
  rm -f "$WORK/rec-s.txt" "$WORK/rec-c.txt"
  # TLS_VERIFY and TLS_FINAL only (mask 0x410): a client whose plugin
  # verifies user/pass wants them from the server
  SRV_BIN=$1 CLI_BIN=$2 start_pair "plugin $RECORD_PLUGIN $WORK/rec-s.txt mask=410\nsetenv io_side server" \
    "plugin $RECORD_PLUGIN $WORK/rec-c.txt mask=410\nsetenv io_side client" || return 1
  SRV_BIN=$1 CLI_BIN=$2 traffic "$TUN_S" 2 || return 1
  stop_daemon client TERM
  stop_daemon server TERM
  tls_verify_calls "$WORK/rec-s.txt" >"$WORK/$3.server"
  tls_verify_calls "$WORK/rec-c.txt" >"$WORK/$3.client"
  local side
  for side in server client; do
    [ "$(grep -c '^--$' "$WORK/$3.$side")" = 2 ] ||
      { log "$3: the $side made $(grep -c '^--$' "$WORK/$3.$side") TLS_VERIFY calls, not 2"; return 1; }
  done
}
sc_plugin-tls-verify-env() {
  [ -f "$RECORD_PLUGIN" ] || { log "missing $RECORD_PLUGIN"; return 1; }
  local srv=$SRV_BIN cli=$CLI_BIN side rc=0
  verify_env_run "$REF" "$REF" ref || return 1
  verify_env_run "$srv" "$cli" run || return 1
  for side in server client; do
    diff -u "$WORK/ref.$side" "$WORK/run.$side" >"$WORK/diff.$side" ||
      { log "TLS_VERIFY calls of the $side differ from 2.6's:"; cat "$WORK/diff.$side" >&2; rc=1; }
  done
  # what the plugin must have seen (not just the same as 2.6)
  grep -qx "cert /CN=io-test-ca" "$WORK/run.server" && grep -qx "envp X509_0_CN=io-client" "$WORK/run.server" &&
    grep -qx "envp untrusted_ip=$UNDER_C" "$WORK/run.server" ||
    { log "server TLS_VERIFY record lacks the CA's X509*, X509_0_CN or untrusted_ip"; rc=1; }
  return $rc
}

# plugin-keying-exporter: --keying-material-exporter on both peers, the
# record plugin (TLS_FINAL only) on both: 2.6 puts the RFC 5705 export of the
# key's TLS session, lowercase hex without separators, into the TLS_FINAL
# call's environment as exported_keying_material; both peers must hold the
# same value (each derives it on its own), of the asked length.
ALL+=(plugin-keying-exporter)
sc_plugin-keying-exporter() {
  [ -f "$RECORD_PLUGIN" ] || { log "missing $RECORD_PLUGIN"; return 1; }
  rm -f "$WORK/rec-s.txt" "$WORK/rec-c.txt"
  local x="keying-material-exporter EXPORTER-io-test 40"
  start_pair "plugin $RECORD_PLUGIN $WORK/rec-s.txt mask=400\n$x" \
    "plugin $RECORD_PLUGIN $WORK/rec-c.txt mask=400\n$x" && traffic "$TUN_S" 2 || return 1
  local s c
  s=$(sed -n 's/^envp exported_keying_material=//p' "$WORK/rec-s.txt" | head -1)
  c=$(sed -n 's/^envp exported_keying_material=//p' "$WORK/rec-c.txt" | head -1)
  [[ "$s" =~ ^[0-9a-f]{80}$ ]] || { log "server's exported_keying_material is '$s', not 40 bytes in hex"; return 1; }
  [ "$s" = "$c" ] || { log "the peers' exported_keying_material differ: server $s, client $c"; return 1; }
}
