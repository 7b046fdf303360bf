# tests/interop/cases/stale.sh: --stale-routes-check, --replay-persist and
# --up-delay with --secret (issue 13; sourced by run.sh; server.sh's
# reverse_transfer and the --secret configs of run.sh are used).
#
#   stale-routes: a server with --stale-routes-check 6 1 and the client's
#       iroute 192.168.77.0/24 (ccd). The iroute carries a ping, then
#       nothing for 10 s while the client's own address keeps carrying
#       pings: the iroute leaves the status file's ROUTING TABLE and a ping
#       into it goes unanswered (2.6 learns an iroute only at connect, so
#       nothing brings it back), while the busy own address still answers.
#   replay-persist: a --secret pair, each peer with --replay-persist. Run A
#       (the listening peer is Debian's 2.6) and run B (the listening peer
#       of the mode) are captured; between runs the listening peer restarts
#       alone and the capture of the run before is sent to it again: it must
#       not take the replayed packets for its peer ("Peer Connection
#       Initiated"), which it would with a fresh window. Run B reads the
#       file 2.6 wrote; a run C with 2.6 reads the file run B wrote and
#       refuses run B's capture. Each file is 16 bytes: a time of today and
#       an id > 0. The client comes back after each restart (traffic).
#   up-delay-secret / up-delay-secret-rev: both --secret peers with
#       --up-delay and an --up script that records when it ran; the
#       listening peer (rev: the connecting one) starts 4 s before the other:
#       each --up runs only after the later peer started (2.6 opens the
#       device when the peer is heard).
ALL+=(stale-routes replay-persist up-delay-secret up-delay-secret-rev)

STALE_NET=192.168.77

# routing_has NET: the server's status file lists NET in its ROUTING TABLE.
routing_has() {
  sed -n '/^ROUTING TABLE/,/^GLOBAL STATS/p' "$WORK/status.txt" 2>/dev/null | grep -q "^$1,"
}

sc_stale-routes() {
  mkdir -p "$WORK/ccd"
  printf 'iroute %s.0 255.255.255.0\n' "$STALE_NET" >"$WORK/ccd/io-client"
  start_pair "client-config-dir $WORK/ccd\nroute $STALE_NET.0 255.255.255.0\nstale-routes-check 6 1\nstatus $WORK/status.txt 1" \
    "" || return 1
  ip netns exec "$NS_C" ip addr replace "$STALE_NET.1/32" dev lo || return 1
  ip netns exec "$NS_S" ping -c 2 -i 0.3 -W 2 "$STALE_NET.1" >"$WORK/ping.log" 2>&1 ||
    { log "ping $STALE_NET.1 failed before any ageing"; return 1; }
  local i
  for i in 1 2 3 4 5 6 7 8; do # the status file is written every second
    routing_has "$STALE_NET.0/24" && break
    sleep 0.25
  done
  routing_has "$STALE_NET.0/24" || { log "the iroute is not in the ROUTING TABLE at first"; return 1; }
  log_has server "Initializing stale route check timer to run every 1 seconds" || return 1
  local cli
  cli=$(ip -n "$NS_C" -4 addr show | sed -n 's/.*inet \(10\.94\.0\.[0-9]*\)\/24.*/\1/p' | head -1)
  [ -n "$cli" ] || { log "the client has no tunnel address"; return 1; }
  # 10 s with traffic to the client's own address only
  ip netns exec "$NS_S" ping -c 20 -i 0.5 -W 1 "$cli" >"$WORK/ping-own.log" 2>&1 ||
    { log "the client's own address $cli stopped answering while busy"; return 1; }
  if routing_has "$STALE_NET.0/24"; then
    log "the iroute idle for 10 s is still in the ROUTING TABLE: $(grep "^$STALE_NET" "$WORK/status.txt" | tr '\n' ' ')"
    return 1
  fi
  if ip netns exec "$NS_S" ping -c 2 -i 0.3 -W 1 "$STALE_NET.1" >"$WORK/ping.log" 2>&1; then
    log "ping $STALE_NET.1 still answered after its route went stale"
    return 1
  fi
  ip netns exec "$NS_S" ping -c 2 -i 0.3 -W 2 "$cli" >"$WORK/ping.log" 2>&1 ||
    { log "the busy own address $cli lost its route"; return 1; }
}

# ---- replay-persist ----

# rp_conf ROLE FILE: the --secret peer of run.sh's secret_conf with
# --replay-persist FILE.
rp_conf() { secret_conf "$1"; printf 'replay-persist %s\n' "$2"; }

# rp_capture_start NAME / rp_capture_stop: the client's datagrams to the
# listening peer, on the client's veth.
rp_capture_start() {
  ip netns exec "$NS_C" timeout 90 tcpdump -n -U -w "$WORK/$1.pcap" -i "iocv$$" \
    "udp and src $UNDER_C and dst port 1194" >/dev/null 2>&1 &
  RP_CAP=$!
  PIDS+=("$RP_CAP")
  sleep 1
}
rp_capture_stop() { sleep 0.5; kill "$RP_CAP" 2>/dev/null; wait "$RP_CAP" 2>/dev/null; }

# rp_run BIN_S NAME: the listening peer BIN_S (and the mode's connecting
# peer), captured as NAME, with a ping and a short transfer; both stop.
rp_run() {
  rp_conf server "$WORK/server.pid-file" >"$WORK/server.conf"
  rp_conf client "$WORK/client.pid-file" >"$WORK/client.conf"
  rp_capture_start "$2"
  start_daemon server "$NS_S" "$1" "$WORK/server.conf"
  sleep 0.5
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  wait_ready client 40 && wait_ready server 20 && traffic "$TUN_S" 2 || { rp_capture_stop; return 1; }
  stop_daemon client TERM
  rp_capture_stop
  stop_daemon server TERM
  cat "$WORK/server.log" >>"$WORK/server-all.log"
}

# rp_file_ok FILE: 16 bytes, a time within a day of now, an id > 0.
rp_file_ok() {
  local size t id now
  size=$(stat -c %s "$1" 2>/dev/null)
  [ "$size" = 16 ] || { log "$1: ${size:-no} bytes, want 16"; return 1; }
  t=$(od -An -t d8 -N 8 "$1" | tr -d ' ')
  id=$(od -An -t u4 -j 8 -N 4 "$1" | tr -d ' ')
  now=$(date +%s)
  [ "$id" -gt 0 ] && [ "$t" -gt $((now - 86400)) ] && [ "$t" -le "$now" ] ||
    { log "$1 holds time $t id $id (now $now)"; return 1; }
}

# rp_replay BIN_S CAPTURE: the listening peer BIN_S starts alone with the
# file and gets CAPTURE again: no peer may be initiated by it.
rp_replay() {
  rp_conf server "$WORK/server.pid-file" >"$WORK/server.conf"
  start_daemon server "$NS_S" "$1" "$WORK/server.conf"
  wait_log server "UDPv4 link local" 10 || wait_log server "link local" 5 || return 1
  sleep 0.5
  local n
  n=$(ip netns exec "$NS_C" python3 "$HERE/replay_udp.py" "$WORK/$2.pcap" --from "$UNDER_C" --dst "$UNDER_S:1194")
  [ "${n:-0}" -gt 5 ] || { log "the capture $2 held ${n:-no} datagrams"; return 1; }
  sleep 2
  if grep -q "Peer Connection Initiated" "$WORK/server.log"; then
    log "$1 took $n replayed datagrams of $2 for its peer after a restart"
    return 1
  fi
  stop_daemon server TERM
  cat "$WORK/server.log" >>"$WORK/server-all.log"
}

sc_replay-persist() {
  rm -f "$WORK/server.pid-file" "$WORK/client.pid-file" "$WORK/server-all.log"
  rp_run "$REF" a && rp_file_ok "$WORK/server.pid-file" && rp_file_ok "$WORK/client.pid-file" || return 1
  # the mode's listening peer reads 2.6's file
  rp_replay "$SRV_BIN" a || return 1
  rp_run "$SRV_BIN" b && rp_file_ok "$WORK/server.pid-file" && rp_file_ok "$WORK/client.pid-file" || return 1
  # 2.6 reads the file the mode's listening peer wrote
  rp_replay "$REF" b || return 1
  rp_replay "$SRV_BIN" b
}

# ---- up-delay with --secret ----

# ud_conf ROLE: secret_conf with --up-delay and an --up script that appends
# "ROLE <epoch.ns>" to $WORK/up.times.
ud_conf() {
  secret_conf "$1"
  printf 'up-delay\nscript-security 2\nup %s\nsetenv role %s\n' "$WORK/up-time.sh" "$1"
}

# up_delay_sc FIRST: FIRST (server|client) starts 4 s before the other.
up_delay_sc() {
  local first=$1 second t_second
  [ "$first" = server ] && second=client || second=server
  cat >"$WORK/up-time.sh" <<EOS
#!/bin/sh
echo "\$role \$(date +%s.%N)" >>"$WORK/up.times"
EOS
  chmod 755 "$WORK/up-time.sh"
  rm -f "$WORK/up.times"
  ud_conf server >"$WORK/server.conf"
  ud_conf client >"$WORK/client.conf"
  local bin_first=$SRV_BIN bin_second=$CLI_BIN ns_first=$NS_S ns_second=$NS_C
  [ "$first" = client ] && { bin_first=$CLI_BIN; bin_second=$SRV_BIN; ns_first=$NS_C; ns_second=$NS_S; }
  start_daemon "$first" "$ns_first" "$bin_first" "$WORK/$first.conf"
  sleep 4
  if [ -s "$WORK/up.times" ]; then
    log "--up ran before the peer started: $(cat "$WORK/up.times")"
    return 1
  fi
  t_second=$(date +%s.%N)
  start_daemon "$second" "$ns_second" "$bin_second" "$WORK/$second.conf"
  wait_ready client 40 && wait_ready server 20 || return 1
  local role t
  for role in server client; do
    t=$(sed -n "s/^$role //p" "$WORK/up.times" | head -1)
    [ -n "$t" ] || { log "no --up call of the $role: $(tr '\n' ';' <"$WORK/up.times")"; return 1; }
    awk -v a="$t" -v b="$t_second" 'BEGIN { exit !(a >= b) }' ||
      { log "the $role's --up ran at $t, before the $second started ($t_second)"; return 1; }
  done
  traffic "$TUN_S" 2
}
sc_up-delay-secret() { up_delay_sc server; }
sc_up-delay-secret-rev() { up_delay_sc client; }
