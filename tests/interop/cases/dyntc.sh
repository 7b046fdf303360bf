# tests/interop/cases/dyntc.sh: dynamic tls-crypt (2.6.1+, IV_PROTO bit 9;
# sourced by run.sh). Both ends announce it, so a 2.6 server pushes
# "protocol-flags ... dyn-tls-crypt" (p2p: both peers' bits), and after the
# first data key every control packet of a renegotiation is wrapped with a
# tls-crypt key derived from the first TLS session (mixed with the
# tls-auth / tls-crypt / tls-crypt-v2 key when there is one). 2.6 logs its
# dynamic key contexts at --verb 4 ("Outgoing dynamic tls-crypt: Cipher
# 'AES-256-CTR' initialized with 256 bit key"), ours the same lines: a peer
# that does not offer it (ours before) leaves 2.6 without them, and a peer
# that offers it without switching leaves 2.6 unable to read the soft
# resets, so three rekeys with pings across them pass only when both ends
# wrap the renegotiations alike.
ALL+=(dyn-tls-crypt dyn-tls-crypt-tls-auth dyn-tls-crypt-tls-crypt dyn-tls-crypt-v2 dyn-tls-crypt-p2p
  dyn-tls-crypt-p2p-rev)

DYN_LINE="Outgoing dynamic tls-crypt: Cipher 'AES-256-CTR' initialized with 256 bit key"

# dyn_rekeys NAME: pings (5 a second) while NAME (client or server) logs
# three more TLS sessions (rekeys); at most 10 % of the pings lost, no
# restart, and both ends logged their dynamic tls-crypt key.
dyn_rekeys() {
  local who=$1 n sent got
  n=$(grep -c "Control Channel: TLS" "$WORK/$who.log")
  ip netns exec "$NS_C" ping -q -i 0.2 -w 40 "$TUN_S" >"$WORK/ping.log" 2>&1 &
  local ppid=$!
  PIDS+=("$ppid")
  wait_log "$who" "Control Channel: TLS" 35 $((n + 3))
  local rc=$?
  kill -INT "$ppid" 2>/dev/null
  wait "$ppid"
  [ $rc -eq 0 ] || return 1
  sent=$(grep -o "[0-9]* packets transmitted" "$WORK/ping.log" | cut -d' ' -f1)
  got=$(grep -o "[0-9]* received" "$WORK/ping.log" | cut -d' ' -f1)
  log "$who: $((n + 3)) TLS sessions; pings: ${got:-0}/${sent:-0}"
  [ "${sent:-0}" -gt 0 ] && [ $((${got:-0} * 10)) -ge $((sent * 9)) ] ||
    { log "too many pings lost across the rekeys"; return 1; }
  if grep -q "process restarting\|client-instance restarting" "$WORK/client.log" "$WORK/server.log"; then
    log "restarted: $(grep -h "process restarting\|client-instance restarting" "$WORK"/*.log | head -2)"
    return 1
  fi
  log_has server "$DYN_LINE" && log_has client "$DYN_LINE"
}

# dyn-tls-crypt: no wrap configured; the server rekeys every 4 s.
sc_dyn-tls-crypt() {
  start_pair "reneg-sec 4\nverb 4" "verb 4" && dyn_rekeys client
}
# with --tls-auth: the client starts the rekeys.
sc_dyn-tls-crypt-tls-auth() {
  start_pair "tls-auth $K/ta.key 0\nverb 4" "tls-auth $K/ta.key 1\nreneg-sec 4\nverb 4" && dyn_rekeys client
}
sc_dyn-tls-crypt-tls-crypt() {
  start_pair "tls-crypt $K/ta.key\nreneg-sec 4\nverb 4" "tls-crypt $K/ta.key\nverb 4" && dyn_rekeys client
}
sc_dyn-tls-crypt-v2() {
  start_pair "tls-crypt-v2 $K/v2s.key\nreneg-sec 4\nverb 4" "tls-crypt-v2 $K/v2c.key\nverb 4" &&
    dyn_rekeys client
}
# TLS p2p (both peers announce bit 9 with P2P NCP): the tls-server rekeys;
# -rev puts ours on the listening (tls-server) side.
dyn_p2p() {
  local rev=$1 sb=$SRV_BIN cb=$CLI_BIN
  [ "$rev" = 1 ] && { sb=$CLI_BIN; cb=$SRV_BIN; }
  { p2p_conf server; printf 'reneg-sec 4\nverb 4\n'; } >"$WORK/server.conf"
  { p2p_conf client; printf 'verb 4\n'; } >"$WORK/client.conf"
  start_daemon server "$NS_S" "$sb" "$WORK/server.conf"
  sleep 0.5
  start_daemon client "$NS_C" "$cb" "$WORK/client.conf"
  wait_ready client 40 && wait_ready server 20 && dyn_rekeys server
}
sc_dyn-tls-crypt-p2p() { dyn_p2p 0; }
sc_dyn-tls-crypt-p2p-rev() { dyn_p2p 1; }
