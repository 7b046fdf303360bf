# tests/interop/cases/certcheck.sh: the certificate options of provider
# profiles and 2.6's own setup guide: --peer-fingerprint with self-signed
# certificates and no CA (server and p2p, and a wrong fingerprint refused),
# --remote-cert-eku / --remote-cert-ku accepted and refused. Sourced by
# run.sh; each side's options run in whichever binary is that side.
ALL+=(fp-server fp-p2p fp-wrong fp-wrong-client eku-accept eku-refuse ku-accept ku-refuse x509-fields)

# self_signed NAME EKU: a self-signed EC certificate NAME.crt/NAME.key in
# $WORK/ss with the EKU given; prints nothing.
self_signed() {
  mkdir -p "$WORK/ss"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyAgreement\nextendedKeyUsage=%s\n' "$2" \
    >"$WORK/ss/$1.ext"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/ss/$1.key" \
    -out "$WORK/ss/$1.crt" -days 2 -subj "/CN=ss-$1" -addext "keyUsage=digitalSignature,keyAgreement" \
    -addext "extendedKeyUsage=$2" 2>/dev/null
}
fingerprint() { openssl x509 -in "$WORK/ss/$1.crt" -noout -fingerprint -sha256 | sed 's/^.*=//'; }

# no_pki: a configuration without its ca/cert/key (and remote-cert-tls).
no_pki() { grep -v '^\(ca\|cert\|key\|remote-cert-tls\) '; }

# start_fp SERVER_FP CLIENT_FP: server (mode server) and client with
# self-signed certificates and peer-fingerprint only.
start_fp() {
  { server_conf "proto udp" | no_pki
    printf 'cert %s\nkey %s\n<peer-fingerprint>\n# the client\n%s\n</peer-fingerprint>\n' "$WORK/ss/srv.crt" \
      "$WORK/ss/srv.key" "$1"; } >"$WORK/server.conf"
  { client_conf "proto udp" "$UNDER_S" | no_pki
    printf 'cert %s\nkey %s\npeer-fingerprint %s\n' "$WORK/ss/cli.crt" "$WORK/ss/cli.key" "$2"; } \
    >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  [ -n "${NOWAIT:-}" ] || wait_ready client 40
}

sc_fp-server() {
  self_signed srv serverAuth && self_signed cli clientAuth || { log "cannot make certificates"; return 1; }
  start_fp "$(fingerprint cli)" "$(fingerprint srv)" && traffic "$TUN_S" 5 || return 1
  log_has server "Using certificate fingerprint to verify peer (no CA option set)" &&
    log_has client "VERIFY OK: depth=0, CN=ss-srv"
}

# 2.6's p2p setup from its man page: tls-server/tls-client, self-signed,
# each side the other's fingerprint.
sc_fp-p2p() {
  self_signed srv serverAuth && self_signed cli clientAuth || { log "cannot make certificates"; return 1; }
  { p2p_conf server | no_pki
    printf 'cert %s\nkey %s\npeer-fingerprint %s\n' "$WORK/ss/srv.crt" "$WORK/ss/srv.key" "$(fingerprint cli)"; } \
    >"$WORK/server.conf"
  { p2p_conf client | no_pki
    printf 'cert %s\nkey %s\npeer-fingerprint %s\n' "$WORK/ss/cli.crt" "$WORK/ss/cli.key" "$(fingerprint srv)"; } \
    >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  sleep 0.5
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  wait_ready client 40 && wait_ready server 20 && traffic
}

# The client expects another fingerprint: 2.6's refusal line, no tunnel.
sc_fp-wrong() {
  self_signed srv serverAuth && self_signed cli clientAuth && self_signed other serverAuth ||
    { log "cannot make certificates"; return 1; }
  NOWAIT=1 start_fp "$(fingerprint cli)" "$(fingerprint other)" || return 1
  wait_log client "TLS Error: --tls-verify/--peer-fingerprint certificate hash verification failed. (got certificate fingerprint: $(fingerprint srv | tr 'A-F' 'a-f'))" 30 ||
    return 1
  no_tunnel "the tunnel came up with the wrong fingerprint" || return 1
}

# The server expects another client fingerprint: its refusal line.
sc_fp-wrong-client() {
  self_signed srv serverAuth && self_signed cli clientAuth && self_signed other clientAuth ||
    { log "cannot make certificates"; return 1; }
  NOWAIT=1 start_fp "$(fingerprint other)" "$(fingerprint srv)" || return 1
  wait_log server "TLS Error: --tls-verify/--peer-fingerprint certificate hash verification failed. (got certificate fingerprint: $(fingerprint cli | tr 'A-F' 'a-f'))" 30 ||
    return 1
  no_tunnel "the server accepted a client with the wrong fingerprint" || return 1
}

# refused_by_client CLIENT_EXTRA LINE: the client refuses the server's
# certificate with LINE in its log, and no tunnel comes up.
refused_by_client() {
  NOWAIT=1 start_pair "" "$1" || return 1
  wait_log client "$2" 30 || return 1
  no_tunnel "the tunnel came up although the client should refuse the server" || return 1
}

sc_eku-accept() {
  start_pair "remote-cert-eku \"TLS Web Client Authentication\"" "remote-cert-eku 1.3.6.1.5.5.7.3.1" &&
    traffic "$TUN_S" 5 && log_has client "VERIFY EKU OK" && log_has server "VERIFY EKU OK"
}
sc_eku-refuse() { refused_by_client "remote-cert-eku 1.3.6.1.5.5.7.3.2" "VERIFY EKU ERROR"; }
# The servers' key usage is digitalSignature,keyAgreement (88): "80" or
# "08" is contained, "a0" (with keyEncipherment) is not.
sc_ku-accept() {
  start_pair "remote-cert-ku" "remote-cert-ku a0 08" && traffic "$TUN_S" 5 &&
    log_has client "VERIFY KU OK" && log_has server "VERIFY KU OK"
}
sc_ku-refuse() {
  refused_by_client "remote-cert-ku a0 20" "VERIFY KU ERROR" &&
    log_has client "ERROR: Certificate has key usage 0088, expected one of:"
}

# The server names the client by --x509-username-field OU, exports only the
# --x509-track fields (CN at every depth, emailAddress at depth 0) and the
# certificate's PEM file for --tls-verify; client-connect sees the name.
sc_x509-fields() {
  local d="$WORK/x509" s="$WORK/x509/verify.sh"
  rm -rf "$d"
  mkdir -p "$d/pef"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/cli.key" -out "$d/cli.csr" \
    -subj "/CN=io-x509/OU=unit-a/emailAddress=x@example.org" 2>/dev/null &&
    openssl x509 -req -in "$d/cli.csr" -CA "$K/ca.crt" -CAkey "$K/ca.key" -CAcreateserial -out "$d/cli.crt" \
      -days 2 2>/dev/null || { log "cannot make the client certificate"; return 1; }
  cat >"$s" <<EOS
#!/bin/sh
if [ "\$script_type" = tls-verify ]; then
  env >"$d/env-tls-verify-\$1"
  [ "\$1" = 0 ] && cp "\$peer_cert" "$d/seen.pem"
else
  env >"$d/env-\$script_type"
fi
exit 0
EOS
  chmod 755 "$s"
  start_pair "script-security 2\nx509-username-field ou\nx509-track +CN\nx509-track emailAddress\ntls-export-cert $d/pef\ntls-verify $s\nclient-connect $s" \
    "cert $d/cli.crt\nkey $d/cli.key" && ping_check "$TUN_S" || return 1
  local e0="$d/env-tls-verify-0" e1="$d/env-tls-verify-1" cc="$d/env-client-connect"
  grep -qx "X509_0_CN=io-x509" "$e0" && grep -qx "X509_0_emailAddress=x@example.org" "$e0" &&
    grep -qx "X509_1_CN=io-test-ca" "$e1" && grep -qx "common_name=unit-a" "$cc" ||
    { log "tracked fields / name: $(grep -h 'X509_\|common_name' "$e0" "$cc" | tr '\n' ' ')"; return 1; }
  if grep -q "^X509_0_OU=\|^X509_1_emailAddress=" "$e0" "$e1"; then
    log "an untracked field was exported"
    return 1
  fi
  cmp -s "$d/seen.pem" "$d/cli.crt" || { log "--tls-export-cert file differs from the client's certificate"; return 1; }
  [ -z "$(ls -A "$d/pef")" ] || { log "exported certificate left behind: $(ls "$d/pef")"; return 1; }
}
