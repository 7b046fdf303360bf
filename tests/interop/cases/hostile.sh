# tests/interop/cases/hostile.sh: hostile peers (sourced by run.sh; issue 15).

# client_port: the UDP port the client's daemon sends from (it runs with
# nobind: the kernel picked it).
client_port() {
  local pid port
  pid=$(cat "$WORK/client.pid") || return 1
  port=$(ip netns exec "$NS_C" ss -Hunap | grep "pid=$pid," | awk '{print $4}' | sed 's/.*://' | head -1)
  [ -n "$port" ] || { log "no UDP socket of the client (pid $pid)"; return 1; }
  echo "$port"
}

# spoof_sc SRV_WRAP CLI_WRAP DROP_PATTERN: a connected client's address and
# port sends hard resets (V2 and V3) with random session ids and garbage
# wraps, forged by a raw socket in the client's namespace. The server must
# drop them after its unwrap fails (DROP_PATTERN in its log) and keep the
# client: the tunnel still carries pings, nothing was restarted.
spoof_sc() {
  local port
  start_pair "$1" "$2" && ping_check "$TUN_S" || return 1
  port=$(client_port) || return 1
  ip netns exec "$NS_C" python3 "$HERE/spoof.py" --src "$UNDER_C:$port" --dst "$UNDER_S:1194" \
    --opcode 7 --count 3 >&2 || return 1
  ip netns exec "$NS_C" python3 "$HERE/spoof.py" --src "$UNDER_C:$port" --dst "$UNDER_S:1194" \
    --opcode 10 --count 3 --len 300 >&2 || return 1
  wait_log server "$3 \[AF_INET\]$UNDER_C:$port" 5 &&
    wait_log server "TLS Error: can not extract tls-crypt-v2 client key from \[AF_INET\]$UNDER_C:$port" 5 ||
    return 1
  ping_check "$TUN_S" || return 1
  if grep -q "client-instance restarting\|client-instance exiting" "$WORK/server.log"; then
    log "the server closed the client's instance: $(grep 'client-instance' "$WORK/server.log" | head -1)"
    return 1
  fi
  if grep -q "Inactivity timeout\|SIGUSR1" "$WORK/client.log"; then
    log "the client restarted"
    return 1
  fi
}
sc_spoof-reset-tls-auth() {
  spoof_sc "tls-auth $K/ta.key 0" "tls-auth $K/ta.key 1" "TLS Error: incoming packet authentication failed from"
}
sc_spoof-reset-tls-crypt() {
  spoof_sc "tls-crypt $K/ta.key" "tls-crypt $K/ta.key" "TLS Error: tls-crypt unwrapping failed from"
}

# tcp-short-frame: on TCP a control packet the server refuses ends that
# connection (2.6's check_tls_errors_co): a stranger's frame of length 1 (a
# hard reset opcode, no session id) is closed; the real client stays up.
sc_tcp-short-frame() {
  start_pair "" "" "proto tcp-server" "proto tcp-client" && ping_check "$TUN_S" || return 1
  ip netns exec "$NS_C" python3 "$HERE/spoof.py" --tcp 000138 --dst "$UNDER_S:1194" >&2 || return 1
  wait_log server "Fatal TLS error (check_tls_errors_co), restarting" 5 && ping_check "$TUN_S"
}

# tcp-unacked-flood: a TCP peer that sends its reset and then thousands of
# control messages but never ACKs the server's reset gets no more than the
# receive window ACKed and stored (2.6 bounds it the same way); the real
# client stays up.
sc_tcp-unacked-flood() {
  local pid
  start_pair "" "" "proto tcp-server" "proto tcp-client" && ping_check "$TUN_S" || return 1
  pid=$(cat "$WORK/server.pid")
  log "server $(grep VmRSS /proc/"$pid"/status)"
  ip netns exec "$NS_C" python3 "$HERE/spoof.py" --flood 3000 --dst "$UNDER_S:1194" >&2 || return 1
  log "server $(grep VmRSS /proc/"$pid"/status) after the flood"
  ping_check "$TUN_S"
}

ALL+=(spoof-reset-tls-auth spoof-reset-tls-crypt tcp-short-frame tcp-unacked-flood)
