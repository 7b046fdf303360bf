# tests/interop/cases/pkcs11.sh: the client's key and certificate on a
# PKCS#11 token (issue 12; sourced by run.sh). The token is Debian's
# softhsm2 in a private SOFTHSM2_CONF under $WORK, holding the client's key
# and certificate of this run (EC P-256 from make_keys, or an RSA pair made
# here). The client names the object with --pkcs11-providers and the
# --pkcs11-id that Debian's 2.6 prints with --show-pkcs11-ids, and gets the
# token PIN through its management interface (>PASSWORD:Need '<label>
# token' password, answered with `password`), as 2.6 asks for it.
#  pkcs11-show-ids: --show-pkcs11-ids of the client binary is 2.6's, byte
#    for byte but the time stamp (EC and RSA token).
#  pkcs11-ec: EC key on the token; ping and transfer.
#  pkcs11-id-mgmt: --pkcs11-id-management: the management client lists the
#    ids (pkcs11-id-count, pkcs11-id-get) and gives one (needstr).
#  pkcs11-rsa: RSA key (TLS 1.3 signs with RSA-PSS on the token).
#  pkcs11-rsa-tls12: RSA key, TLS 1.2 (the unit tests cover PKCS#1 v1.5:
#    OpenSSL picks PSS here too).
#  pkcs11-wrong-id: an id naming no object: no tunnel, 2.6's lines.
#  pkcs11-wrong-id-retry: the same under --auth-retry nointeract: 2.6
#    (do_init_crypto_tls_c1) restarts, SIGUSR1 private-key-password-failure,
#    and tries the token again instead of exiting.
#  pkcs11-wrong-pin: every PIN query answered wrongly: pkcs11-helper asks
#    three times, the signature fails, the handshake fails and the client
#    restarts (SIGUSR1 tls-error) rather than exiting, as 2.6.
#  pkcs11-server: the server's key and certificate on the token (the PIN
#    through the server's management interface); ping and transfer.
ALL+=(pkcs11-show-ids pkcs11-ec pkcs11-id-mgmt pkcs11-rsa pkcs11-rsa-tls12 pkcs11-wrong-id pkcs11-wrong-id-retry
  pkcs11-wrong-pin pkcs11-server)

P11_LIB=/usr/lib/softhsm/libsofthsm2.so
P11_PIN=1234
P11_LABEL=io-token

# p11_token KIND(ec|rsa|server): a fresh token with the client's key and
# certificate (rsa: a new RSA-2048 client pair signed by the run's CA;
# server: the server's EC pair).
# Sets P11_CONF (the SOFTHSM2_CONF) and P11_ID (the serialized id).
p11_token() {
  local d="$WORK/p11" key="$K/client.key" crt="$K/client.crt"
  rm -rf "$d"
  mkdir -p "$d/tokens"
  P11_CONF="$d/softhsm2.conf"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$d/tokens" >"$P11_CONF"
  [ "$1" = server ] && key="$K/server.key" crt="$K/server.crt"
  if [ "$1" = rsa ]; then
    key="$d/rsa.key" crt="$d/rsa.crt"
    openssl req -newkey rsa:2048 -nodes -keyout "$key" -out "$d/rsa.csr" -subj "/CN=io-client-rsa" \
      2>/dev/null && openssl x509 -req -in "$d/rsa.csr" -CA "$K/ca.crt" -CAkey "$K/ca.key" \
      -CAcreateserial -out "$crt" -days 2 -extfile "$K/client.ext" 2>/dev/null || return 1
  fi
  openssl pkcs8 -topk8 -nocrypt -in "$key" -out "$d/key.p8" &&
    openssl x509 -in "$crt" -outform DER -out "$d/crt.der" || return 1
  export SOFTHSM2_CONF="$P11_CONF"
  softhsm2-util --init-token --free --label "$P11_LABEL" --so-pin 4321 --pin "$P11_PIN" >/dev/null &&
    softhsm2-util --import "$d/key.p8" --token "$P11_LABEL" --label client --id 01 --pin "$P11_PIN" \
      >/dev/null &&
    pkcs11-tool --module "$P11_LIB" --token-label "$P11_LABEL" --login --pin "$P11_PIN" \
      --write-object "$d/crt.der" --type cert --id 01 --label client >/dev/null 2>&1 ||
    { log "token set-up failed"; return 1; }
  P11_ID=$("$REF" --show-pkcs11-ids "$P11_LIB" | sed -n 's/^ *Serialized id: *//p')
  [ -n "$P11_ID" ] || { log "2.6 --show-pkcs11-ids shows no object"; return 1; }
}

# p11_client_conf ID EXTRA: client.conf with the token instead of
# --cert/--key (ID "management": --pkcs11-id-management).
p11_client_conf() {
  client_conf "proto udp" "$UNDER_S" | grep -v '^cert \|^key '
  printf 'pkcs11-providers %s\n' "$P11_LIB"
  if [ "$1" = management ]; then
    echo pkcs11-id-management
  else
    printf 'pkcs11-id '"'"'%s'"'"'\n' "$1"
  fi
  printf 'management %s unix\nmanagement-query-passwords\n%b\n' "$WORK/cmgmt.sock" "${2:-}"
}

# p11_pin [ID]: the client's management client (in the background; log
# p11pin.log). With ID (--pkcs11-id-management), first the
# >NEED-STR:Need 'pkcs11-id-request' query: pkcs11-id-count and
# pkcs11-id-get 0 must show the token's one certificate under ID, which is
# then given with needstr. Then the >PASSWORD:Need 'io-token token'
# password query is answered with the PIN.
p11_pin() {
  python3 - "$WORK/${P11_SOCK:-cmgmt.sock}" "$P11_LABEL token" "$P11_PIN" "${1:-}" >"$WORK/p11pin.log" 2>&1 <<'EOP' &
import socket, sys, time
path, what, pin, want_id = sys.argv[1:5]
for _ in range(100):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("no management socket")
s.settimeout(60)
got = b""
def wait_for(text):
    global got
    while text.encode() not in got:
        chunk = s.recv(4096)
        if not chunk:
            sys.exit("closed before %r: %r" % (text, got))
        got += chunk
    print(text)
def quote(v):  # single quotes keep backslashes (\x20 in the id) as they are
    return "'" + v + "'"
if want_id:
    wait_for(">NEED-STR:Need 'pkcs11-id-request' string MSG:Please specify PKCS#11 id to use")
    s.sendall(b"pkcs11-id-count\n")
    wait_for(">PKCS11ID-COUNT:1")
    s.sendall(b"pkcs11-id-get 0\n")
    wait_for(">PKCS11ID-ENTRY:'0', ID:'%s', BLOB:'MII" % want_id)
    s.sendall(("needstr pkcs11-id-request %s\n" % quote(want_id)).encode())
wait_for(">PASSWORD:Need '%s' password" % what)
s.sendall(("password '%s' %s\n" % (what, pin)).encode())
wait_for("SUCCESS: '%s' password entered" % what)
s.sendall(b"quit\n")
EOP
  PIDS+=("$!")
}

# p11_start ID CLI_EXTRA SRV_EXTRA: the server, then the token client.
p11_start() {
  { server_conf "proto udp"; printf '%b\n' "${3:-}"; } >"$WORK/server.conf"
  p11_client_conf "$1" "${2:-}" >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  if [ "$1" = management ]; then p11_pin "$P11_ID"; else p11_pin; fi
}

# p11_run KIND CLI_EXTRA SRV_EXTRA: a tunnel with the key on the token.
p11_run() {
  p11_token "$1" || return 1
  p11_start "${P11_USE_ID:-$P11_ID}" "${2:-}" "${3:-}" || return 1
  wait_ready client 40 && traffic "$TUN_S" 10 || return 1
  grep -q "Need '$P11_LABEL token' password" "$WORK/p11pin.log" || { log "no PIN query seen"; return 1; }
  log_has client "PKCS#11: Adding PKCS#11 provider '$P11_LIB'"
}

sc_pkcs11-ec() { p11_run ec; }
sc_pkcs11-id-mgmt() { P11_USE_ID=management p11_run ec && grep -q "PKCS11ID-ENTRY" "$WORK/p11pin.log"; }
sc_pkcs11-rsa() { p11_run rsa "" "" && log_has client "TLSv1.3"; }
sc_pkcs11-rsa-tls12() { p11_run rsa "tls-version-max 1.2" "" && log_has client "Control Channel: TLSv1.2"; }

# An id whose object is not on the token: pkcs11-helper finds no
# certificate; the client logs 2.6's lines and exits (auth-retry none).
sc_pkcs11-wrong-id() {
  p11_token ec || return 1
  local bad=${P11_ID%/01}/02
  p11_start "$bad" || return 1
  wait_log client "using PKCS#11 interface" 20 || return 1
  grep -qF "Cannot load certificate \"$bad\" using PKCS#11 interface" "$WORK/client.log" ||
    { log "no 'Cannot load certificate' line with the id"; return 1; }
  log_has client "PKCS#11: Unable get x509 certificate object" || return 1
  log_has client "Error: private key password verification failed" || return 1
  no_tunnel "the tunnel came up with a wrong --pkcs11-id"
}

sc_pkcs11-wrong-id-retry() {
  p11_token ec || return 1
  local bad=${P11_ID%/01}/02
  p11_start "$bad" "auth-retry nointeract" || return 1
  wait_log client "SIGUSR1\[soft,private-key-password-failure\] received, process restarting" 30 2 || return 1
  [ "$(grep -cF "Cannot load certificate \"$bad\" using PKCS#11 interface" "$WORK/client.log")" -ge 2 ] ||
    { log "the token was not tried again"; return 1; }
  kill -0 "$(cat "$WORK/client.pid")" 2>/dev/null || { log "the client exited"; return 1; }
  ! grep -q "Error: private key password verification failed" "$WORK/client.log" ||
    { log "the client took the failure as fatal"; return 1; }
  no_tunnel "the tunnel came up with a wrong --pkcs11-id"
}

# p11_wrong_pins: answers every PIN query of the client's management
# interface with a wrong PIN for 20 s (log p11pin.log).
p11_wrong_pins() {
  python3 - "$WORK/cmgmt.sock" "$P11_LABEL token" >"$WORK/p11pin.log" 2>&1 <<'EOP' &
import socket, sys, time
path, what = sys.argv[1:3]
for _ in range(100):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        break
    except OSError:
        time.sleep(0.2)
s.settimeout(1)
end, buf = time.time() + 20, b""
while time.time() < end:
    try:
        d = s.recv(4096)
    except socket.timeout:
        continue
    if not d:
        break
    buf += d
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        if line.startswith((">PASSWORD:Need '%s' password" % what).encode()):
            print(line.decode().rstrip("\r"), flush=True)
            s.sendall(("password '%s' 9999\n" % what).encode())
EOP
  PIDS+=("$!")
}
sc_pkcs11-wrong-pin() {
  p11_token ec || return 1
  server_conf "proto udp" >"$WORK/server.conf"
  p11_client_conf "$P11_ID" >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  p11_wrong_pins
  wait_log client "SIGUSR1\[soft,tls-error\] received, process restarting" 30 || return 1
  [ "$(grep -c "Need '$P11_LABEL token' password" "$WORK/p11pin.log")" -ge 3 ] ||
    { log "the PIN was not asked three times: $(tr '\n' '|' <"$WORK/p11pin.log")"; return 1; }
  sleep 1
  kill -0 "$(cat "$WORK/client.pid")" 2>/dev/null || { log "the client exited"; return 1; }
  no_tunnel "the tunnel came up with a wrong PIN"
}

sc_pkcs11-server() {
  p11_token server || return 1
  { server_conf "proto udp" | grep -v '^cert \|^key '
    printf "pkcs11-providers %s\npkcs11-id '%s'\n" "$P11_LIB" "$P11_ID"
    printf 'management %s unix\nmanagement-query-passwords\n' "$WORK/smgmt.sock"; } >"$WORK/server.conf"
  client_conf "proto udp" "$UNDER_S" >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  P11_SOCK=smgmt.sock p11_pin
  wait_log server "Initialization Sequence Completed" 30 || return 1
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  wait_ready client 40 && traffic "$TUN_S" 10 || return 1
  grep -q "Need '$P11_LABEL token' password" "$WORK/p11pin.log" || { log "no PIN query seen"; return 1; }
  log_has server "PKCS#11: Adding PKCS#11 provider '$P11_LIB'" && log_has client "VERIFY OK: depth=0, CN=io-server"
}

# The listing of the client binary against Debian's 2.6, for an EC and an
# RSA token; only the time stamp of the "Adding" line is taken off.
sc_pkcs11-show-ids() {
  local kind
  for kind in ec rsa; do
    p11_token "$kind" || return 1
    "$CLI_BIN" --show-pkcs11-ids "$P11_LIB" >"$WORK/ids.ours" 2>&1
    "$REF" --show-pkcs11-ids "$P11_LIB" >"$WORK/ids.ref" 2>&1
    sed -i -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} //' "$WORK/ids.ours" "$WORK/ids.ref"
    grep -qF "Serialized id:  $P11_ID" "$WORK/ids.ref" ||
      { log "2.6's listing lacks the id"; return 1; }
    diff "$WORK/ids.ref" "$WORK/ids.ours" >"$WORK/ids.diff" ||
      { log "--show-pkcs11-ids ($kind) differs from 2.6: $(head -5 "$WORK/ids.diff" | tr '\n' '|')"; return 1; }
  done
}
