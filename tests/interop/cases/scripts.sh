# tests/interop/cases/scripts.sh: --up and --down with --dev null (issue 10
# item 4; sourced by run.sh). 2.6 runs them for a null device as for any
# other ("null 1500 0   init", dev_type=null; --down with the signal), on
# both p2p peers (its own t_cltsrv.sh checks the --down output) and with
# --secret.
ALL+=(dev-null-scripts dev-null-scripts-secret)

# updown_script FILE: records "role type args|dev_type|signal" per call.
updown_script() {
  rm -f "$WORK/updown.log"
  cat >"$1" <<EOS
#!/bin/sh
echo "\$role \$script_type \$*|\$dev_type|\$signal" >>"$WORK/updown.log"
EOS
  chmod 755 "$1"
}

# null_conf ROLE KIND(tls|secret): a p2p peer on --dev null with the script
# as --up and --down.
null_conf() {
  local role=$1 kind=$2
  printf 'dev null\nproto udp\nverb 3\nkeepalive 2 10\nscript-security 2\n'
  printf 'up %s\ndown %s\nsetenv role %s\n' "$WORK/updown.sh" "$WORK/updown.sh" "$role"
  if [ "$role" = srv ]; then
    printf 'lport 1194\n'
  else
    printf 'remote %s 1194\nnobind\n' "$UNDER_S"
  fi
  if [ "$kind" = secret ]; then
    printf 'secret %s %s\ncipher AES-256-CBC\nauth SHA256\n' "$K/static.key" "$([ "$role" = srv ] && echo 0 || echo 1)"
  elif [ "$role" = srv ]; then
    printf 'tls-server\ndh none\nca %s\ncert %s\nkey %s\n' "$K/ca.crt" "$K/server.crt" "$K/server.key"
  else
    printf 'tls-client\nremote-cert-tls server\nca %s\ncert %s\nkey %s\n' "$K/ca.crt" "$K/client.crt" "$K/client.key"
  fi
}

# updown_has LINE: the script recorded exactly this call.
updown_has() {
  grep -qxF -- "$1" "$WORK/updown.log" || {
    log "no script call '$1' in: $(tr '\n' ';' <"$WORK/updown.log" 2>/dev/null)"
    return 1
  }
}

dev_null_sc() {
  updown_script "$WORK/updown.sh"
  null_conf srv "$1" >"$WORK/server.conf"
  null_conf clt "$1" >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  sleep 0.5
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  wait_ready client 40 && wait_ready server 20 || return 1
  updown_has "srv up null 1500 0   init|null|" && updown_has "clt up null 1500 0   init|null|" || return 1
  stop_daemon client TERM
  stop_daemon server TERM
  updown_has "clt down null 1500 0   init|null|sigterm" && updown_has "srv down null 1500 0   init|null|sigterm"
}
sc_dev-null-scripts() { dev_null_sc tls; }
sc_dev-null-scripts-secret() { dev_null_sc secret; }
