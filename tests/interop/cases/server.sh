# tests/interop/cases/server.sh: P2MP server scenarios (sourced by run.sh).

# iroute: the client owns 192.168.77.0/24 (its ccd file), reached through
# the tunnel from the server side: the server must send packets for it to
# that client, and accept the client's answers whose source is in it.
# 192.168.78.0/24 is routed into the tunnel too but is nobody's iroute: 2.6
# sends nothing there, and drops the client's packets from it ("bad source
# address"), so both pings must fail.
IROUTE_NET=192.168.77
NOROUTE_NET=192.168.78
sc_iroute() {
  mkdir -p "$WORK/ccd"
  printf 'iroute %s.0 255.255.255.0\n' "$IROUTE_NET" >"$WORK/ccd/io-client"
  start_pair "client-config-dir $WORK/ccd\nroute $IROUTE_NET.0 255.255.255.0\nroute $NOROUTE_NET.0 255.255.255.0" \
    "" || return 1
  ip netns exec "$NS_C" ip addr add "$IROUTE_NET.1/32" dev lo || return 1
  ip netns exec "$NS_C" ip addr add "$NOROUTE_NET.1/32" dev lo || return 1
  ip netns exec "$NS_C" ip link set lo up
  if ! ip netns exec "$NS_S" ping -c 3 -i 0.3 -W 2 "$IROUTE_NET.1" >"$WORK/ping.log" 2>&1; then
    log "ping $IROUTE_NET.1 from the server side failed: $(tail -2 "$WORK/ping.log" | tr '\n' ' ')"
    return 1
  fi
  reverse_transfer "$IROUTE_NET.1" 10 || return 1
  if ip netns exec "$NS_S" ping -c 2 -i 0.3 -W 1 "$NOROUTE_NET.1" >"$WORK/ping.log" 2>&1; then
    log "ping $NOROUTE_NET.1 (no iroute) from the server side got answers"
    return 1
  fi
  if ip netns exec "$NS_C" ping -c 2 -i 0.3 -W 1 -I "$NOROUTE_NET.1" "$TUN_S" >"$WORK/ping.log" 2>&1; then
    log "ping from $NOROUTE_NET.1 (not the client's) to $TUN_S got answers"
    return 1
  fi
  # and the client's own address still works after that
  ping_check "$TUN_S"
}

# reverse_transfer DEST MB: MB MiB by TCP from the server namespace to DEST
# (listening in the client namespace), sha256 compared.
reverse_transfer() {
  local dst=$1 mb=$2 port=5002 want got lpid
  head -c "$((mb * 1024 * 1024))" /dev/urandom >"$WORK/payload"
  want=$(sha256sum <"$WORK/payload" | cut -d' ' -f1)
  rm -f "$WORK/recv.sha"
  ip netns exec "$NS_C" sh -c "timeout 120 nc -4 -l $dst $port | sha256sum | cut -d' ' -f1 >'$WORK/recv.sha'" &
  lpid=$!
  PIDS+=("$lpid")
  sleep 0.5
  ip netns exec "$NS_S" timeout 120 nc -N "$dst" "$port" <"$WORK/payload"
  wait "$lpid"
  got=$(cat "$WORK/recv.sha" 2>/dev/null)
  [ "$want" = "$got" ] && return 0
  log "transfer to $dst: sha256 mismatch (want $want, got ${got:-nothing})"
  return 1
}

# server-usr1 / server-hup: with --explicit-exit-notify the server tells its
# clients RESTART, restarts itself, and the client comes back to the new
# instance. Before the SIGHUP the server's data-ciphers is narrowed to
# CHACHA20-POLY1305: the client must come back with that cipher, which proves
# the config was read again (SIGUSR1 keeps the options: AES-256-GCM again).
# server-usr1-user: the same SIGUSR1 after the privilege drop (user nobody):
# with persist-key and persist-tun the server keeps its keys and device (2.6
# re-reads neither, and nobody may not read them), so it comes back.
restart_sc() { # $1 = USR1|HUP, $2 = extra server options
  local want=AES-256-GCM times=2
  start_pair "explicit-exit-notify 1${2:+\n$2}" "" && ping_check "$TUN_S" &&
    log_has client "Data Channel: cipher '$want'" || return 1
  if [ "$1" = HUP ]; then
    want=CHACHA20-POLY1305 times=1
    sed -i "s/^data-ciphers .*/data-ciphers $want/" "$WORK/server.conf"
  fi
  kill "-$1" "$(cat "$WORK/server.pid")" || return 1
  wait_log server "SIG$1\[hard,\] received, process restarting" 5 &&
    wait_log client "server-pushed-connection-reset" 10 &&
    wait_log server "Initialization Sequence Completed" 20 2 &&
    wait_ready client 60 2 && wait_log client "Data Channel: cipher '$want'" 5 "$times" &&
    traffic "$TUN_S" 5
}
sc_server-usr1() { restart_sc USR1; }
sc_server-hup() { restart_sc HUP; }
sc_server-usr1-user() { restart_sc USR1 "user nobody\ngroup nogroup\npersist-tun\npersist-key"; }

ALL+=(iroute server-usr1 server-hup server-usr1-user)

# connect-freq: --connect-freq 1 120 lets the first client in; when it
# restarts (SIGUSR1: a new socket, so a new source port and a new client
# for the server) within the period, the server refuses it with 2.6's line.
# connect-freq-off: the same restart without the option gets back in.
ALL+=(connect-freq connect-freq-off)
connect_freq_sc() { # $1: extra server options
  start_pair "$1" "" && ping_check "$TUN_S" || return 1
  kill -USR1 "$(cat "$WORK/client.pid")" || return 1
  wait_log client "SIGUSR1\[hard,\] received, process restarting" 10
}
sc_connect-freq() {
  connect_freq_sc "connect-freq 1 120" || return 1
  wait_log server "would exceed new connection frequency limit as controlled by --connect-freq" 20 || return 1
  ! grep -q "Initialization Sequence Completed" <(sed -n '/process restarting/,$p' "$WORK/client.log") ||
    { log "the restarted client got in despite --connect-freq 1 120"; return 1; }
}
sc_connect-freq-off() { connect_freq_sc "" && wait_ready client 40 2; }
