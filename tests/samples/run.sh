#!/usr/bin/env bash
# tests/samples/run.sh: Debian's own sample configs, unmodified, with the
# sample keys (/usr/share/doc/openvpn/examples), in network namespaces.
#
#   run.sh [--ours PATH] [--ref PATH] [--mode ref|client|server|both] [CASE...]
#
# Cases:
#   server-client  sample-config-files/server.conf in the server namespace,
#                  client.conf in the client namespace. client.conf says
#                  "remote my-server-1 1194": that name resolves through
#                  /etc/netns/<ns>/hosts (ip netns exec mounts it over
#                  /etc/hosts), so not a byte of the configs changes. Then a
#                  ping and a 20 MiB transfer; when the server is ours, its
#                  status file must list the client's common name.
#   loopback       loopback-server and loopback-client (TLS p2p over
#                  localhost, --dev null, tls-auth inline, reneg-sec 10) in
#                  one namespace: both reach "Initialization Sequence
#                  Completed" and the client renegotiates at least once.
# --mode as in tests/interop/run.sh: which side runs our binary. Needs root.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../interop/lib.sh"

OURS="$HERE/../../build/bin/openvpn"
REF=/usr/sbin/openvpn
MODE=ref
CASES=()
while [ $# -gt 0 ]; do
  case "$1" in
  --ours) OURS=$2; shift 2 ;;
  --ref) REF=$2; shift 2 ;;
  --mode) MODE=$2; shift 2 ;;
  -h | --help) sed -n 2,20p "$0"; exit 0 ;;
  *) CASES+=("$1"); shift ;;
  esac
done
[ ${#CASES[@]} -eq 0 ] && CASES=(server-client loopback)
[ "$(id -u)" -eq 0 ] || { echo "samples: needs root (network namespaces)" >&2; exit 2; }
select_bins "$MODE" "$OURS" "$REF"
EX=/usr/share/doc/openvpn/examples
[ -f "$EX/sample-config-files/server.conf" ] || { echo "samples: $EX missing (Debian's openvpn)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/samples.XXXXXX)
trap 'rm -rf "/etc/netns/$NS_C"; cleanup' EXIT
setup_netns || { echo "samples: namespace setup failed" >&2; exit 2; }

# in_dir DIR NAME NS BIN CONF: start_daemon with DIR as the working directory
# (the samples name their keys relative to it, as 2.6 resolves them).
in_dir() {
  local dir=$1
  shift
  pushd "$dir" >/dev/null || return 1
  start_daemon "$@"
  popd >/dev/null || return 1
}

case_server-client() {
  local s="$WORK/srv" c="$WORK/cli" st=/var/log/openvpn/openvpn-status.log
  mkdir -p "$s" "$c" /var/log/openvpn "/etc/netns/$NS_C"
  cp "$EX/sample-config-files/server.conf" "$EX"/sample-keys/{ca.crt,server.crt,server.key,dh2048.pem} "$s/"
  cp "$EX/sample-config-files/client.conf" "$EX"/sample-keys/{ca.crt,client.crt,client.key} "$c/"
  printf '127.0.0.1 localhost\n%s my-server-1\n' "$UNDER_S" >"/etc/netns/$NS_C/hosts"
  rm -f "$st"
  in_dir "$s" server "$NS_S" "$SRV_BIN" "$s/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  in_dir "$c" client "$NS_C" "$CLI_BIN" "$c/client.conf"
  wait_ready client 40 || return 1
  ping_check 10.8.0.1 && transfer_check 10.8.0.1 20 || return 1
  # The status file says whether OUR server keeps it; 2.6 rewrites it every
  # 60 s (its default --status interval), so only wait when the server is ours.
  [ "$SRV_BIN" = "$OURS" ] || return 0
  local i
  for i in $(seq 1 70); do
    grep -q '^CLIENT_LIST,Test-Client\|^Test-Client,' "$st" 2>/dev/null && return 0
    sleep 1
  done
  log "status file $st does not list Test-Client: $(tr '\n' '|' <"$st" 2>/dev/null)"
  return 1
}

case_loopback() {
  local d="$WORK/loop"
  mkdir -p "$d/sample-keys"
  cp "$EX"/sample-keys/{ca.crt,server.crt,server.key,dh2048.pem,ta.key} "$d/sample-keys/"
  cp "$EX"/sample-config-files/loopback-{server,client} "$d/"
  in_dir "$d" server "$NS_S" "$SRV_BIN" "$d/loopback-server"
  in_dir "$d" client "$NS_S" "$CLI_BIN" "$d/loopback-client"
  wait_ready client 30 && wait_ready server 10 || return 1
  # reneg-sec 10 on both: a second handshake within ~25 s.
  wait_log client "Control Channel: TLS" 30 2
}

run_cases case_ "samples ($MODE)" "${CASES[@]}"
