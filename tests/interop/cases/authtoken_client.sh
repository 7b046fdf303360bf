# tests/interop/cases/authtoken_client.sh: the client's side of a pushed
# auth-token (issue 12; sourced by run.sh; authtoken.sh has the server's).
#   auth-token-mgmt-notify: a client under --management-hold gets a token
#     from the server (--auth-gen-token); as 2.6 (options.c: auth-token ->
#     management_auth_token) it tells its management client
#     ">PASSWORD:Auth-Token:<the token>", a SESS_ID_AT_ token.
ALL+=(auth-token-mgmt-notify)

# mgmt_listen SOCKET OUT: a management client that waits for SOCKET,
# releases the hold and copies what it hears into OUT for 40 s (or until
# the token line came).
mgmt_listen() {
  python3 - "$1" "$2" <<'EOP' &
import os, socket, sys, time
path, out = sys.argv[1], sys.argv[2]
end = time.time() + 40
s = socket.socket(socket.AF_UNIX)
while time.time() < end:
    try:
        s.connect(path)
        break
    except OSError:
        time.sleep(0.1)
s.sendall(b"hold release\n")
s.settimeout(1)
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
        if b">PASSWORD:Auth-Token:" in d:
            break
EOP
  PIDS+=("$!")
}

sc_auth-token-mgmt-notify() {
  printf '#!/bin/sh\nexit 0\n' >"$WORK/ok.sh" && chmod 755 "$WORK/ok.sh"
  rm -f "$WORK/cm.out"
  mgmt_listen "$WORK/cm.sock" "$WORK/cm.out"
  start_pair "script-security 2\nauth-user-pass-verify $WORK/ok.sh via-file\nauth-gen-token" \
    "auth-user-pass $K/good.txt\nmanagement $WORK/cm.sock unix\nmanagement-hold" && ping_check || return 1
  local i
  for i in $(seq 1 25); do grep -q "Auth-Token" "$WORK/cm.out" 2>/dev/null && break; sleep 0.2; done
  grep -aq '^>PASSWORD:Auth-Token:SESS_ID_AT_[A-Za-z0-9+/=_-]*' "$WORK/cm.out" ||
    { log "the management client was not told the token: $(tr -d '\r' <"$WORK/cm.out" | tr '\n' '|')"; return 1; }
}
