#!/usr/bin/env bash
# tests/mgmt/clients.sh: real management clients against our client, which
# connects to Debian's 2.6.14 server in network namespaces (the topology of
# tests/interop/lib.sh):
#
#   node-openvpn   npm's node-openvpn connects, releases the hold, reads the
#                  state changes until CONNECTED and sends SIGTERM; the
#                  daemon must exit.
#   networkmanager NetworkManager-openvpn's argv (nm-openvpn-service.c, a
#                  "password-tls" connection) and its side of the socket
#                  (nm_side.py): a wrong password, then the right one; the
#                  --up helper runs, a ping crosses, SIGTERM ends it.
#   hostile        garbage, an 8 MiB line, a client that never reads, hang-ups
#                  in the middle of commands (hostile.py): the daemon keeps
#                  running, answering and carrying the tunnel.
#
#   clients.sh [--bin PATH] [--ref PATH] [PART...]     (all parts by default)
#
# node-openvpn is installed from the npm registry into a cache directory
# ($MGMT_NPM_CACHE, default /var/cache/openvpn-ng-tests/node-openvpn),
# installed again when missing. Needs root, node and npm.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../interop/lib.sh"

BIN=$HERE/../../build/bin/openvpn
REF=/usr/sbin/openvpn
PARTS=()
while [ $# -gt 0 ]; do
  case "$1" in
  --bin) BIN=$2; shift 2 ;;
  --ref) REF=$2; shift 2 ;;
  -h | --help) sed -n 2,24p "$0"; exit 0 ;;
  *) PARTS+=("$1"); shift ;;
  esac
done
# networkmanager last: its --persist-tun leaves tun0 behind after the daemon
# exits (make_data_plane sets TUNSETPERSIST for --persist-tun, which 2.6 only
# does for --mktun), and that device's address would catch the next part's
# pings.
[ ${#PARTS[@]} -eq 0 ] && PARTS=(node-openvpn hostile networkmanager)
say() { echo "[mgmt-clients] $*"; }
[ "$(id -u)" -eq 0 ] || { say "needs root (network namespaces)"; exit 2; }
SAMPLE=/usr/share/doc/openvpn/examples/sample-keys
[ -r "$SAMPLE/client.key" ] || { say "$SAMPLE missing (Debian's openvpn)"; exit 2; }

WORK=$(mktemp -d /tmp/mgmt-clients.XXXXXX)
chmod 755 "$WORK"
trap cleanup EXIT
setup_netns || { say "namespace setup failed"; exit 2; }
K=$WORK/keys
mkdir -p "$K"
cp "$SAMPLE"/{ca.crt,server.crt,server.key,client.crt,client.key} "$K/"
chmod 600 "$K"/*.key
printf 'iouser\niopass\n' >"$K/good.txt"
chmod 600 "$K/good.txt"
cat >"$K/check-pass.sh" <<'EOS'
#!/bin/sh
u=$(sed -n 1p "$1"); p=$(sed -n 2p "$1")
[ "$u" = iouser ] && [ "$p" = iopass ]
EOS
chmod 755 "$K/check-pass.sh"

cat >"$WORK/s.conf" <<EOC
server 10.94.0.0 255.255.255.0
dev tun
proto udp
port 1194
topology subnet
ca $K/ca.crt
cert $K/server.crt
key $K/server.key
dh none
keepalive 1 4
verb 3
script-security 2
auth-user-pass-verify $K/check-pass.sh via-file
EOC
start_daemon server "$NS_S" "$REF" "$WORK/s.conf"
wait_log server "Initialization Sequence Completed" 20 || { say "the 2.6 server did not start"; exit 1; }

client_conf() {
  cat <<EOC
client
dev tun
nobind
remote $UNDER_S 1194
ca $K/ca.crt
cert $K/client.crt
key $K/client.key
verb 3
EOC
}

# wait_gone PID SECONDS: the process ended.
wait_gone() {
  local i
  for i in $(seq 1 $(($2 * 10))); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

part_node-openvpn() {
  local dir=${MGMT_NPM_CACHE:-/var/cache/openvpn-ng-tests/node-openvpn}
  command -v node >/dev/null && command -v npm >/dev/null || { say "node/npm missing (Debian's nodejs, npm)"; return 1; }
  if [ ! -f "$dir/node_modules/node-openvpn/lib/openvpn.js" ] ||
    [ ! -f "$dir/node_modules/telnet-client/lib/telnet-client.js" ]; then
    say "installing node-openvpn from the npm registry into $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    # node-openvpn's telnet-client is a GitHub fork; the registry's 0.1.1
    # is its base (node_openvpn_drive.js adds the fork's one event).
    cat >"$dir/package.json" <<'EOJ'
{"name": "mgmt-stage-clients", "version": "1.0.0", "private": true,
 "dependencies": {"node-openvpn": "0.1.1"}, "overrides": {"telnet-client": "0.1.1"}}
EOJ
    (cd "$dir" && npm install --no-audit --no-fund --ignore-scripts >"$WORK/npm.log" 2>&1) || {
      say "npm install failed:"
      tail -5 "$WORK/npm.log"
      rm -rf "$dir"
      return 1
    }
  fi
  client_conf >"$WORK/node.conf"
  printf 'auth-user-pass %s\nmanagement 127.0.0.1 7506\nmanagement-hold\n' "$K/good.txt" >>"$WORK/node.conf"
  start_daemon node-client "$NS_C" "$BIN" "$WORK/node.conf"
  local pid
  pid=$(cat "$WORK/node-client.pid")
  ip netns exec "$NS_C" timeout 120 node "$HERE/node_openvpn_drive.js" "$dir/node_modules" 127.0.0.1 7506 \
    >"$WORK/node.out" 2>&1
  local rc=$?
  sed 's/^/  /' "$WORK/node.out"
  [ $rc -eq 0 ] || { say "node-openvpn: FAILED (rc $rc)"; tail -5 "$WORK/node-client.log"; return 1; }
  grep -q "state .*,CONNECTED,SUCCESS" "$WORK/node.out" || { say "node-openvpn: no CONNECTED state"; return 1; }
  grep -q "^node-openvpn: pid $pid\$" "$WORK/node.out" || { say "node-openvpn: pid is not the daemon's ($pid)"; return 1; }
  wait_gone "$pid" 10 || { say "node-openvpn: the daemon did not exit after SIGTERM"; return 1; }
  grep -q "SIGTERM" "$WORK/node-client.log" || { say "node-openvpn: no SIGTERM in the daemon's log"; return 1; }
  say "node-openvpn: OK (hold released, CONNECTED seen, SIGTERM ended the daemon)"
}

part_networkmanager() {
  # the --up helper NetworkManager passes (nm-openvpn-service-openvpn-helper):
  # ours records its arguments and sets the address as NM would.
  cat >"$WORK/nm-helper" <<EOS
#!/bin/sh
{ echo "args: \$*"; env | grep -E '^(dev|ifconfig_local|ifconfig_netmask|script_type|common_name)=' | sort; } >"$WORK/nm-helper.out"
shift 7
ip addr add "\$4/24" dev "\$1" && ip link set "\$1" up && touch "$WORK/nm-up"
EOS
  chmod 755 "$WORK/nm-helper"
  mkdir -p "$WORK/chroot"
  # nm-openvpn-service.c's argv for a password-tls connection, in its order
  # (--up-restart with its --up), with --user/--group nobody/nogroup for
  # nm-openvpn and a temporary chroot.
  local argv=(--remote "$UNDER_S" 1194 udp --explicit-exit-notify --nobind --dev tun --auth-nocache
    --verb 3 --syslog nm-openvpn --script-security 2
    --up "$WORK/nm-helper --debug 0 $$ --bus-name org.freedesktop.NetworkManager.openvpn.Connection_1 --tun --" --up-restart
    --persist-key --persist-tun --management "$WORK/nm.sock" unix --management-client-user root
    --management-client-group root --management-query-passwords --auth-retry interact --route-noexec
    --ifconfig-noexec --client --ca "$K/ca.crt" --cert "$K/client.crt" --key "$K/client.key" --auth-user-pass
    --user nobody --group nogroup --chroot "$WORK/chroot")
  ip netns exec "$NS_C" "$BIN" "${argv[@]}" >"$WORK/nm-client.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  ip netns exec "$NS_C" /usr/bin/python3 "$HERE/nm_side.py" "$WORK/nm.sock" iouser wrong iopass \
    --until "$WORK/nm-up" --timeout 90 >"$WORK/nm.out" 2>&1
  local rc=$?
  sed 's/^/  /' "$WORK/nm.out"
  [ $rc -eq 0 ] || { say "networkmanager: FAILED"; tail -5 "$WORK/nm-client.log"; return 1; }
  grep -q "wrote .*<pass 2>" "$WORK/nm.out" || { say "networkmanager: the wrong password was not asked again"; return 1; }
  sed 's/^/  helper: /' "$WORK/nm-helper.out"
  grep -q "^args: --debug 0 $$ --bus-name org.freedesktop.NetworkManager.openvpn.Connection_1 --tun -- tun0 1500 " \
    "$WORK/nm-helper.out" || { say "networkmanager: the helper's arguments are not 2.6's"; return 1; }
  tunnel_ok || { say "networkmanager: no ping through the tunnel"; return 1; }
  kill -TERM "$pid"
  wait_gone "$pid" 10 || { say "networkmanager: the daemon did not exit after SIGTERM"; return 1; }
  say "networkmanager: OK (argv accepted, wrong then right password, helper ran, ping crossed, SIGTERM)"
}

# tunnel_ok: a ping crosses the tunnel (three tries of three pings: a
# loaded machine can lose the first ones; a dead tunnel loses them all).
tunnel_ok() {
  local i
  for i in 1 2 3; do
    ping_check 10.94.0.1 && return 0
  done
  return 1
}

part_hostile() {
  client_conf >"$WORK/h.conf"
  printf 'auth-user-pass %s\nmanagement 127.0.0.1 7506\n' "$K/good.txt" >>"$WORK/h.conf"
  start_daemon hostile-client "$NS_C" "$BIN" "$WORK/h.conf"
  local pid
  pid=$(cat "$WORK/hostile-client.pid")
  wait_log hostile-client "Initialization Sequence Completed" 30 || return 1
  local H="ip netns exec $NS_C /usr/bin/python3 $HERE/hostile.py" mode
  for mode in garbage huge midcmd; do
    $H "$mode" 127.0.0.1 7506 | sed 's/^/  /' || { say "hostile: $mode: FAILED"; return 1; }
    kill -0 "$pid" 2>/dev/null || { say "hostile: the daemon died after '$mode'"; return 1; }
    tunnel_ok || { say "hostile: no tunnel after '$mode'"; tail -20 "$WORK/hostile-client.log"; return 1; }
  done
  $H noread 127.0.0.1 7506 8 | sed 's/^/  /' &
  local nr=$!
  sleep 2
  tunnel_ok || { say "hostile: no tunnel while a client does not read"; tail -20 "$WORK/hostile-client.log"; return 1; }
  wait "$nr"
  kill -0 "$pid" 2>/dev/null || { say "hostile: the daemon died after 'noread'"; return 1; }
  local got
  got=$($H check 127.0.0.1 7506 | head -1)
  [ "$got" = "$pid" ] || { say "hostile: a normal client got no answer afterwards (pid '$got', want $pid)"; return 1; }
  tunnel_ok || { say "hostile: no tunnel at the end"; return 1; }
  say "hostile: OK (the daemon kept running, answering and carrying the tunnel)"
}

rc=0
for p in "${PARTS[@]}"; do
  declare -F "part_$p" >/dev/null || { say "unknown part $p"; rc=2; continue; }
  say "== $p"
  "part_$p" || rc=1
  # each part ends its daemons (the 2.6 server stays)
  for n in node-client hostile-client; do
    [ -s "$WORK/$n.pid" ] && kill "$(cat "$WORK/$n.pid")" 2>/dev/null
  done
  sleep 1
done
exit $rc
