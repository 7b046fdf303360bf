# tests/interop/cases/certs.sh: the peer's certificate in scripts
# (--tls-verify on either side), --crl-verify re-read on change, and the
# client's SIGHUP and --resolv-retry. Sourced by run.sh. The client-side
# scripts run in whichever binary is the client (2.6's in --mode server).
ALL+=(tls-verify tls-verify-reject tls-verify-server sighup resolv-retry crl-reload)

# tls_verify_script FILE ACCEPT_CN: a --tls-verify script that records its
# arguments and environment per depth in $WORK/tlsv/ and accepts the chain
# only when the peer (depth 0) has CN ACCEPT_CN.
tls_verify_script() {
  rm -rf "$WORK/tlsv"
  mkdir -p "$WORK/tlsv"
  cat >"$1" <<EOS
#!/bin/sh
echo "\$#|\$1|\$2" >"$WORK/tlsv/args\$1"
env >"$WORK/tlsv/env\$1"
[ "\$1" != 0 ] && exit 0
[ "\$X509_0_CN" = "$2" ] && exit 0
exit 1
EOS
  chmod 755 "$1"
}

# env_has DEPTH NAME=VALUE-PATTERN: the script saw that variable at DEPTH.
env_has() {
  grep -q -- "^$2" "$WORK/tlsv/env$1" || { log "tls-verify env at depth $1 lacks '$2'"; return 1; }
}

# link_bytes_count_control: 2.6's "TCP/UDP read bytes" counts the control
# channel too, so it exceeds "Auth read bytes" (the data channel's) by at
# least the server's TLS handshake and push reply.
link_bytes_count_control() {
  local i rd au
  for i in $(seq 1 20); do
    rd=$(sed -n 's/^TCP\/UDP read bytes,//p' "$WORK/cstatus.txt" 2>/dev/null)
    au=$(sed -n 's/^Auth read bytes,//p' "$WORK/cstatus.txt" 2>/dev/null)
    [ "${au:-0}" -gt 0 ] && break
    sleep 0.5
  done
  log "status: TCP/UDP read bytes $rd, Auth read bytes $au"
  [ "${au:-0}" -gt 0 ] && [ "$((rd - au))" -ge 1000 ] ||
    { log "link bytes do not include the control channel"; return 1; }
}

sc_tls-verify() {
  tls_verify_script "$WORK/tls-verify.sh" io-server
  start_pair "" "script-security 2\ntls-verify $WORK/tls-verify.sh\nstatus $WORK/cstatus.txt 1" &&
    traffic "$TUN_S" 5 || return 1
  link_bytes_count_control || return 1
  # One call per depth, the CA first: "2 arguments: depth, subject".
  grep -qx "2|1|CN=io-test-ca" "$WORK/tlsv/args1" || { log "depth 1 args: $(cat "$WORK/tlsv/args1")"; return 1; }
  grep -qx "2|0|CN=io-server" "$WORK/tlsv/args0" || { log "depth 0 args: $(cat "$WORK/tlsv/args0")"; return 1; }
  env_has 1 "script_type=tls-verify$" && env_has 1 "X509_1_CN=io-test-ca$" &&
    env_has 1 "tls_id_1=CN=io-test-ca$" && env_has 1 "tls_serial_1=[0-9][0-9]*$" &&
    env_has 1 "tls_serial_hex_1=[0-9a-f][0-9a-f]:" &&
    env_has 1 "tls_digest_1=[0-9a-f][0-9a-f]\(:[0-9a-f][0-9a-f]\)\{19\}$" &&
    env_has 1 "tls_digest_sha256_1=[0-9a-f][0-9a-f]\(:[0-9a-f][0-9a-f]\)\{31\}$" &&
    env_has 1 "untrusted_ip=$UNDER_S$" || return 1
  # depth 0 sees its own certificate, the CA's again and common_name.
  env_has 0 "X509_0_CN=io-server$" && env_has 0 "X509_1_CN=io-test-ca$" &&
    env_has 0 "common_name=io-server$" && env_has 0 "tls_digest_sha256_0=" || return 1
  if grep -q "^common_name=" "$WORK/tlsv/env1"; then
    log "common_name was set before depth 0"
    return 1
  fi
  log_has client "VERIFY SCRIPT OK: depth=0, CN=io-server" && log_has client "VERIFY OK: depth=1, CN=io-test-ca"
}

sc_tls-verify-reject() {
  tls_verify_script "$WORK/tls-verify.sh" not-the-server
  NOWAIT=1 start_pair "" "script-security 2\ntls-verify $WORK/tls-verify.sh" || return 1
  wait_log client "VERIFY SCRIPT ERROR: depth=0, CN=io-server" 30 || return 1
  wait_log client "TLS Error: TLS handshake failed\|TLS handshake failed" 30 || return 1
  no_tunnel "the tunnel came up although --tls-verify refused the server" || return 1
  [ -f "$WORK/tlsv/args1" ] || { log "the script did not run for depth 1"; return 1; }
}

# The server's --tls-verify: the same script there accepts only the client's
# CN; the accepted client comes up, and the script saw both depths.
sc_tls-verify-server() {
  tls_verify_script "$WORK/tls-verify.sh" io-client
  start_pair "script-security 2\ntls-verify $WORK/tls-verify.sh" "" && traffic "$TUN_S" 5 || return 1
  grep -qx "2|1|CN=io-test-ca" "$WORK/tlsv/args1" && grep -qx "2|0|CN=io-client" "$WORK/tlsv/args0" ||
    { log "server tls-verify args: $(cat "$WORK"/tlsv/args* 2>/dev/null)"; return 1; }
  env_has 0 "X509_0_CN=io-client$" && env_has 0 "tls_serial_hex_0=" && env_has 0 "common_name=io-client$" &&
    env_has 1 "tls_id_1=CN=io-test-ca$" && env_has 0 "untrusted_port=[0-9][0-9]*$" &&
    env_has 0 "untrusted_ip=$UNDER_C$" && log_has server "VERIFY SCRIPT OK: depth=0, CN=io-client"
}

# SIGHUP: 2.6's hard restart. The tun goes (even with persist-tun), --down
# runs with signal=sighup, and the configuration is read again: the second
# --up sees a --setenv added to the file before the signal.
sc_sighup() {
  cat >"$WORK/updown.sh" <<EOS
#!/bin/sh
echo "\$script_type \${signal:-} \${HUPTEST:-}" >>"$WORK/updown.out"
EOS
  chmod 755 "$WORK/updown.sh"
  rm -f "$WORK/updown.out"
  start_pair "" "persist-tun\nscript-security 2\nup $WORK/updown.sh\ndown $WORK/updown.sh" &&
    ping_check "$TUN_S" || return 1
  echo "setenv HUPTEST reread" >>"$WORK/client.conf"
  kill -HUP "$(cat "$WORK/client.pid")"
  wait_log client "SIGHUP\[hard,\] received, process restarting" 10 &&
    wait_ready client 40 2 && traffic "$TUN_S" 5 || return 1
  grep -qx "down sighup " "$WORK/updown.out" || { log "down after SIGHUP: $(cat "$WORK/updown.out")"; return 1; }
  grep -qx "up  reread" "$WORK/updown.out" || { log "no up with the re-read config: $(cat "$WORK/updown.out")"; return 1; }
  log_has client "Closing TUN/TAP interface"
}

# --resolv-retry with a name that never resolves (.invalid, RFC 6761): a
# finite n gives up after (n+4)/5 lookups 5 s apart and restarts with 2.6's
# reason; 0 ends the process at once with status 1 and 2.6's hint.
sc_resolv-retry() {
  client_conf "proto udp" nonexistent.invalid >"$WORK/client.conf"
  printf 'resolv-retry 6\n' >>"$WORK/client.conf"
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  wait_log client "SIGUSR1\[soft,Could not determine IPv4/IPv6 protocol\] received, process restarting" 60 ||
    return 1
  local n
  n=$(grep -B3 "Could not determine IPv4/IPv6 protocol$" "$WORK/client.log" | grep -c "RESOLVE: Cannot resolve host address: nonexistent.invalid:1194")
  [ "$n" -ge 2 ] || { log "gave up after $n lookup(s), want 2 (resolv-retry 6)"; return 1; }
  stop_daemon client TERM
  client_conf "proto udp" nonexistent.invalid >"$WORK/client.conf"
  printf 'resolv-retry 0\n' >>"$WORK/client.conf"
  local rc
  ip netns exec "$NS_C" timeout 30 "$CLI_BIN" --config "$WORK/client.conf" >"$WORK/client.log" 2>&1
  rc=$?
  [ "$rc" -eq 1 ] || { log "resolv-retry 0: exit status $rc, want 1"; return 1; }
  log_has client "(I would have retried this name query if you had specified the --resolv-retry option.)" &&
    log_has client "Exiting due to fatal error"
}

# make_crl OUT [CERT_TO_REVOKE]: a CRL signed by the run's CA into OUT.
make_crl() {
  local t="$WORK/crl-ca"
  rm -rf "$t"
  mkdir -p "$t"
  : >"$t/index.txt"
  echo 1000 >"$t/crlnumber"
  printf '[ca]\ndefault_ca=t\n[t]\ndatabase=%s\ncrlnumber=%s\ndefault_md=sha256\ndefault_crl_days=2\n' \
    "$t/index.txt" "$t/crlnumber" >"$t/ca.cnf"
  if [ -n "${2:-}" ]; then
    openssl ca -batch -config "$t/ca.cnf" -keyfile "$K/ca.key" -cert "$K/ca.crt" -revoke "$2" \
      >/dev/null 2>&1 || return 1
  fi
  openssl ca -batch -config "$t/ca.cnf" -keyfile "$K/ca.key" -cert "$K/ca.crt" -gencrl -out "$1.new" \
    >/dev/null 2>&1 && mv "$1.new" "$1"
}

# --crl-verify FILE on the server is read again when the file changes: the
# client connects, is revoked, and its next TLS session is refused without
# restarting the server.
sc_crl-reload() {
  make_crl "$WORK/crl.pem" || { log "cannot make a CRL"; return 1; }
  start_pair "crl-verify $WORK/crl.pem" "" && ping_check "$TUN_S" || return 1
  make_crl "$WORK/crl.pem" "$K/client.crt" || { log "cannot revoke the client"; return 1; }
  kill -USR1 "$(cat "$WORK/client.pid")"
  wait_log server "revoked" 30 || return 1
  sleep 2
  if [ "$(grep -c "Initialization Sequence Completed" "$WORK/client.log")" -gt 1 ]; then
    log "the revoked client connected again"
    return 1
  fi
}
