# tests/interop/cases/portshare.sh: --port-share (sourced by run.sh; issue 13).
#
# A TCP server with --port-share in front of a web server (python3's
# http.server on 127.0.0.1 in the server namespace). OpenVPN clients and
# plain HTTP clients share the VPN's TCP port 1194:
#
#   client ns                         server ns
#   2.6/ours client --tcp:1194-->  VPN server --(OpenVPN)--> tunnel
#   curl / nc      --tcp:1194-->      |  --(anything else)--> 127.0.0.1:8080 web
#
# portshare: the page comes back through the VPN's port while a client's
# transfer runs; with [dir] the journal file exists while a proxied
# connection lasts, names the client's address, and goes when it ends.
# portshare-usr1: a proxied connection in the middle of its request lives
# through the server's SIGUSR1 restart and gets its page (2.6's proxy
# process outlives the restart; ours is kept by the server).
# portshare-hostile: connections that send 1 byte and stall, send nothing,
# send garbage, or ask for a large file and never read it do not keep an
# OpenVPN client from connecting and moving data.

ALL+=(portshare portshare-hostile portshare-usr1)

PS_WEB_PORT=8080
PS_TOKEN="port-share-page-$$"

# start_web: python3's http.server on 127.0.0.1:$PS_WEB_PORT (server ns),
# serving $WORK/www (index.html holds $PS_TOKEN; big: 64 MiB). Stopped as
# the "proxy" daemon by run_cases.
start_web() {
  mkdir -p "$WORK/www" "$WORK/psdir"
  rm -f "$WORK/psdir"/*
  echo "$PS_TOKEN" >"$WORK/www/index.html"
  [ -f "$WORK/www/big" ] || head -c $((64 * 1024 * 1024)) /dev/zero >"$WORK/www/big"
  ip netns exec "$NS_S" python3 -m http.server "$PS_WEB_PORT" --bind 127.0.0.1 --directory "$WORK/www" \
    >"$WORK/proxy.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  echo "$pid" >"$WORK/proxy.pid"
  wait_port "$PS_WEB_PORT" 127.0.0.1 || { log "http.server did not start"; return 1; }
}

# ps_get: GET / through the VPN's port from the client namespace; 0 when
# the page is the web server's.
ps_get() {
  local page
  page=$(ip netns exec "$NS_C" curl -s -m 10 "http://$UNDER_S:1194/index.html") || {
    log "curl through port 1194 failed"
    return 1
  }
  [ "$page" = "$PS_TOKEN" ] || { log "wrong page through port 1194: '$page'"; return 1; }
}

# ps_journal_check: a connection whose request is not finished (the web
# server waits for the rest of its headers) is held open; meanwhile the
# journal dir has one file, named after the proxy's address towards the web
# server, holding the client's address; once the client closes, it goes.
ps_journal_check() {
  local f i
  ip netns exec "$NS_C" sh -c "(printf 'GET / HTTP/1.0\r\n'; sleep 3) | nc -q 0 $UNDER_S 1194 >/dev/null" &
  local npid=$!
  sleep 1.5
  f=$(ls "$WORK/psdir")
  case "$f" in
  *"127.0.0.1:"*) ;;
  *) log "journal dir holds '${f:-nothing}' while the connection lasts"; wait "$npid"; return 1 ;;
  esac
  grep -q "$UNDER_C" "$WORK/psdir/$f" || {
    log "journal file '$f' holds '$(cat "$WORK/psdir/$f")', not $UNDER_C"
    wait "$npid"
    return 1
  }
  log "journal: '$f' -> '$(cat "$WORK/psdir/$f")'"
  wait "$npid"
  for i in $(seq 1 25); do
    [ -z "$(ls "$WORK/psdir")" ] && return 0
    sleep 0.2
  done
  log "journal file still there after the connection ended: $(ls "$WORK/psdir")"
  return 1
}

ps_pair() {
  start_web && start_pair "port-share 127.0.0.1 $PS_WEB_PORT $WORK/psdir" "" "proto tcp-server" \
    "proto tcp-client"
}

sc_portshare() {
  ps_pair && ps_get && ping_check "$TUN_S" || return 1
  # plain HTTP requests while the client's transfer runs
  (
    ok=0
    for i in $(seq 1 10); do
      ps_get && ok=$((ok + 1))
      sleep 0.3
    done
    echo "$ok" >"$WORK/ps_ok"
  ) &
  local gpid=$!
  transfer_check "$TUN_S" 20 || { wait "$gpid"; return 1; }
  wait "$gpid"
  [ "$(cat "$WORK/ps_ok")" = 10 ] || { log "only $(cat "$WORK/ps_ok")/10 requests got the page"; return 1; }
  ps_journal_check && ping_check "$TUN_S"
}

sc_portshare-hostile() {
  start_web || return 1
  { server_conf "proto tcp-server"; echo "port-share 127.0.0.1 $PS_WEB_PORT $WORK/psdir"; } \
    >"$WORK/server.conf"
  client_conf "proto tcp-client" "$UNDER_S" >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  local hp=()
  # one byte, then silence; nothing at all; garbage (a frame length of 5)
  ip netns exec "$NS_C" sh -c "(printf 'G'; sleep 30) | timeout 35 nc $UNDER_S 1194 >/dev/null" &
  hp+=($!)
  ip netns exec "$NS_C" sh -c "sleep 30 | timeout 35 nc $UNDER_S 1194 >/dev/null" &
  hp+=($!)
  ip netns exec "$NS_C" sh -c "(printf '\000\005garbage\377\376'; sleep 30) | timeout 35 nc $UNDER_S 1194 >/dev/null" &
  hp+=($!)
  # asks for 64 MiB and never reads: the proxy's buffers fill
  ip netns exec "$NS_C" python3 -c "
import socket, time
s = socket.create_connection(('$UNDER_S', 1194))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.sendall(b'GET /big HTTP/1.0\r\n\r\n')
time.sleep(30)" &
  hp+=($!)
  PIDS+=("${hp[@]}")
  sleep 1
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  local rc=0
  wait_ready client 40 && traffic && ps_get || rc=1
  kill "${hp[@]}" 2>/dev/null
  return $rc
}

sc_portshare-usr1() {
  ps_pair && ping_check "$TUN_S" || return 1
  ip netns exec "$NS_C" python3 -c "
import socket, time
s = socket.create_connection(('$UNDER_S', 1194))
s.sendall(b'GET /index.html HTTP/1.0\r\n')
time.sleep(5)
s.sendall(b'\r\n')
d = b''
while True:
    b = s.recv(4096)
    if not b:
        break
    d += b
open('$WORK/usr1.out', 'wb').write(d)
" &
  local p=$!
  sleep 1.5
  kill -USR1 "$(cat "$WORK/server.pid")"
  wait_log server "Initialization Sequence Completed" 20 2 || { wait "$p"; return 1; }
  wait "$p"
  grep -q "$PS_TOKEN" "$WORK/usr1.out" || {
    log "no page after SIGUSR1: '$(head -c 200 "$WORK/usr1.out")'"
    return 1
  }
  wait_ready client 40 2 && ping_check "$TUN_S"
}
