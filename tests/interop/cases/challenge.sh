# tests/interop/cases/challenge.sh: the dynamic challenge (CRV1) and a pushed
# auth-token-user (issue 12; sourced by run.sh).
#   crv1-terminal: the server's --auth-user-pass-verify script refuses the
#     first login with AUTH_FAILED,CRV1:R,E:<state>:<base64 user>:<text>
#     (through $auth_failed_reason_file, as 2.6's check_for_client_reason);
#     the client (--auth-retry interact) asks "CHALLENGE: <text>" on its
#     terminal and logs in again as the challenge's user with the password
#     CRV1::<state>::<response> (2.6's get_user_pass_cr); the script sees it.
#   crv1-mgmt: the same challenge under --management-query-passwords: the
#     management client is told ">PASSWORD:Verification Failed: 'Auth'
#     ['CRV1:...']" and answers the next ">PASSWORD:Need 'Auth'" with the
#     CRV1:: password.
#   auth-token-user: the server pushes auth-token and auth-token-user (from
#     --client-config-dir); after a SIGUSR1 the client logs in with the token
#     under the pushed (base64-decoded) user name, as 2.6's
#     set_auth_token_user.
ALL+=(crv1-terminal crv1-mgmt auth-token-user)

CRV1_USER=cruser
CRV1_STATE=st-0042

# crv1_verify_script PATH: accepts iouser/iopass never; answers it with the
# challenge; accepts cruser/CRV1::st-0042::424242. Each try is logged in
# $WORK/crv1.seen as "user password".
crv1_verify_script() {
  cat >"$1" <<EOS
#!/bin/sh
u=\$(sed -n 1p "\$1"); p=\$(sed -n 2p "\$1")
echo "\$u \$p" >>"$WORK/crv1.seen"
if [ "\$u" = iouser ] && [ "\$p" = iopass ]; then
  printf 'CRV1:R,E:%s:%s:Enter token' "$CRV1_STATE" "\$(printf $CRV1_USER | base64)" >"\$auth_failed_reason_file"
  exit 1
fi
[ "\$u" = $CRV1_USER ] && [ "\$p" = "CRV1::$CRV1_STATE::424242" ]
EOS
  chmod 755 "$1"
}

crv1_seen_ok() {
  local want
  want="iouser iopass;$CRV1_USER CRV1::$CRV1_STATE::424242;"
  [ "$(tr '\n' ';' <"$WORK/crv1.seen" 2>/dev/null)" = "$want" ] ||
    { log "verify script saw: $(tr '\n' ';' <"$WORK/crv1.seen" 2>/dev/null) want $want"; return 1; }
}

sc_crv1-terminal() {
  rm -f "$WORK/crv1.seen"
  crv1_verify_script "$WORK/crv1.sh"
  { server_conf "proto udp"; printf 'script-security 2\nauth-user-pass-verify %s via-file\n' "$WORK/crv1.sh"; } \
    >"$WORK/server.conf"
  { client_conf "proto udp" "$UNDER_S"; printf 'auth-user-pass %s\nauth-retry interact\n' "$K/good.txt"; } \
    >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  ip netns exec "$NS_C" python3 "$HERE/pty_run.py" "CHALLENGE: Enter token" 424242 -- \
    "$CLI_BIN" --config "$WORK/client.conf" >"$WORK/client.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"$WORK/client.pid"
  wait_ready client 40 || { crv1_seen_ok; return 1; }
  crv1_seen_ok && traffic "$TUN_S" 2
}

# crv1_mgmt_client SOCKET OUT: answers the password queries of a client's
# management interface: iouser/iopass first; after a CRV1 verification
# failure the challenge's user and CRV1::<state>::424242. Logs what it hears.
crv1_mgmt_client() {
  python3 - "$1" "$2" <<'EOP' &
import base64, re, socket, sys, time
path, out = sys.argv[1], sys.argv[2]
end = time.time() + 60
s = socket.socket(socket.AF_UNIX)
while time.time() < end:
    try:
        s.connect(path)
        break
    except OSError:
        time.sleep(0.1)
s.settimeout(1)
buf, crv1 = b"", None
with open(out, "wb") as f:
    while time.time() < end:
        try:
            d = s.recv(4096)
        except socket.timeout:
            continue
        if not d:
            break
        f.write(d)
        f.flush()
        buf += d
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.decode(errors="replace").rstrip("\r")
            m = re.match(r">PASSWORD:Verification Failed: 'Auth' \['CRV1:([^:]*):([^:]*):([^:]*):(.*)'\]", line)
            if m:
                crv1 = (m.group(2), base64.b64decode(m.group(3)).decode())
            elif line.startswith(">PASSWORD:Need 'Auth' username/password"):
                user, pw = ("iouser", "iopass") if crv1 is None else (crv1[1], "CRV1::%s::424242" % crv1[0])
                s.sendall(('username "Auth" %s\npassword "Auth" "%s"\n' % (user, pw)).encode())
EOP
  PIDS+=("$!")
}

sc_crv1-mgmt() {
  rm -f "$WORK/crv1.seen" "$WORK/cm.out"
  crv1_verify_script "$WORK/crv1.sh"
  crv1_mgmt_client "$WORK/cm.sock" "$WORK/cm.out"
  start_pair "script-security 2\nauth-user-pass-verify $WORK/crv1.sh via-file" \
    "auth-user-pass\nauth-retry interact\nmanagement $WORK/cm.sock unix\nmanagement-query-passwords" ||
    { crv1_seen_ok; return 1; }
  crv1_seen_ok && traffic "$TUN_S" 2 || return 1
  grep -aq "^>PASSWORD:Verification Failed: 'Auth' \['CRV1:R,E:$CRV1_STATE:" "$WORK/cm.out" ||
    { log "the management client was not told the challenge: $(tr -d '\r' <"$WORK/cm.out" | tr '\n' '|')"; return 1; }
}

sc_auth-token-user() {
  rm -f "$WORK/atu.seen"
  mkdir -p "$WORK/ccd"
  printf 'push "auth-token tok-0042"\npush "auth-token-user %s"\n' "$(printf tokuser | base64)" \
    >"$WORK/ccd/io-client"
  cat >"$WORK/atu.sh" <<EOS
#!/bin/sh
u=\$(sed -n 1p "\$1"); p=\$(sed -n 2p "\$1")
echo "\$u \$p" >>"$WORK/atu.seen"
{ [ "\$u" = iouser ] && [ "\$p" = iopass ]; } || { [ "\$u" = tokuser ] && [ "\$p" = tok-0042 ]; }
EOS
  chmod 755 "$WORK/atu.sh"
  start_pair "script-security 2\nauth-user-pass-verify $WORK/atu.sh via-file\nclient-config-dir $WORK/ccd" \
    "auth-user-pass $K/good.txt" || return 1
  kill -USR1 "$(cat "$WORK/client.pid")"
  wait_ready client 40 2 && ping_check || return 1
  [ "$(tr '\n' ';' <"$WORK/atu.seen")" = "iouser iopass;tokuser tok-0042;" ] ||
    { log "verify script saw: $(tr '\n' ';' <"$WORK/atu.seen")"; return 1; }
}
