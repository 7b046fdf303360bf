#!/usr/bin/env bash
# Stage 27-privileges: one privilege drop for every mode (issue 10 item 1).
#
#   ns priv-s-PID (192.0.2.1) ---- veth ---- ns priv-c-PID (192.0.2.2)
#
# Our P2MP server (sample-config/server.conf) and our pull client
# (client.conf), then a --secret p2p pair, run with --user nobody --group
# nogroup. For each running daemon /proc/<pid>/status must show 2.6's result:
# real, effective, saved and fs uid/gid of nobody/nogroup, no supplementary
# groups, and CAP_NET_ADMIN as the only capability left (2.6 on Linux keeps
# it through libcap-ng, for the routes it removes at exit, and needs it with
# DCO). The log has 2.6's lines in 2.6's order, and a ping crosses after the
# drop. Then a --group or --user that does not exist stops every mode at
# start with 2.6's message and exit status 1, before any device is opened.
# Needs root; fails loudly.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin=${OURS:-$root/build/bin/openvpn}
die() { echo "27-privileges: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, --user)"
[ -x "$bin" ] || die "$bin missing; run tools/setup.sh"
getent passwd nobody >/dev/null && getent group nogroup >/dev/null || die "user nobody / group nogroup missing"
uid=$(id -u nobody)
gid=$(getent group nogroup | cut -d: -f3)

work=$(mktemp -d /tmp/priv-stage.XXXXXX)
chmod 755 "$work"
ns_s=priv-s-$$
ns_c=priv-c-$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for ns in "$ns_s" "$ns_c"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap "cp -r $work /tmp/priv-keep; cleanup" EXIT

ip netns add "$ns_s" && ip netns add "$ns_c" || die "ip netns add"
ip link add pv-s-$$ netns "$ns_s" type veth peer name pv-c-$$ netns "$ns_c" || die "veth"
ip -n "$ns_s" addr add 192.0.2.1/24 dev pv-s-$$
ip -n "$ns_c" addr add 192.0.2.2/24 dev pv-c-$$
for ns in "$ns_s" "$ns_c"; do ip -n "$ns" link set lo up; done
ip -n "$ns_s" link set pv-s-$$ up
ip -n "$ns_c" link set pv-c-$$ up

bash sample-config/make-keys.sh "$work/keys" "$bin" >/dev/null || die "make-keys.sh"
"$bin" --genkey secret "$work/keys/static.key" || die "--genkey secret"
cp sample-config/server.conf "$work/server.conf"
sed -e 's/^remote .*/remote 192.0.2.1 1194/' sample-config/client.conf >"$work/client.conf"
cat >"$work/p2p-a.conf" <<EOF
dev tun
proto udp
port 1195
ifconfig 10.9.9.1 10.9.9.2
secret keys/static.key 0
cipher AES-256-CBC
persist-tun
persist-key
keepalive 5 30
verb 3
EOF
sed -e 's/^ifconfig .*/ifconfig 10.9.9.2 10.9.9.1/' -e 's/static.key 0/static.key 1/' "$work/p2p-a.conf" \
  >"$work/p2p-b.conf"
echo "remote 192.0.2.1 1195" >>"$work/p2p-b.conf"

drop=(--user nobody --group nogroup)

# start NAME NS EXTRA...: our daemon in the background; its pid in pid_NAME.
start() {
  local name=$1 ns=$2
  shift 2
  (cd "$work" && exec timeout 60 ip netns exec "$ns" "$bin" --config "$name.conf" "$@" >"$work/$name.log" 2>&1) &
  pids+=("$!")
}

wait_up() { # NAME...
  for n in "$@"; do
    for _ in $(seq 1 80); do
      grep -qs 'Initialization Sequence Completed' "$work/$n.log" && continue 2
      sleep 0.25
    done
    tail -n 30 "$work/$n.log" >&2
    die "$n: no 'Initialization Sequence Completed'"
  done
}

# daemon_pid NAME CONF: the openvpn process started with --config CONF.
daemon_pid() {
  pgrep -f -- "--config $1.conf" | while read -r p; do
    [ "$(readlink "/proc/$p/exe")" = "$(readlink -f "$bin")" ] && echo "$p"
  done | head -n 1
}

# check_dropped NAME: uid/gid/groups/capabilities of the running daemon.
check_dropped() {
  local n=$1 p st
  p=$(daemon_pid "$n")
  [ -n "$p" ] || die "$n: daemon not found"
  st=/proc/$p/status
  awk -v u="$uid" '/^Uid:/ {exit !($2==u && $3==u && $4==u && $5==u)}' "$st" ||
    die "$n: $(grep '^Uid:' "$st") (expected all $uid, nobody)"
  awk -v g="$gid" '/^Gid:/ {exit !($2==g && $3==g && $4==g && $5==g)}' "$st" ||
    die "$n: $(grep '^Gid:' "$st") (expected all $gid, nogroup)"
  awk '/^Groups:/ {exit !(NF==1 || (NF==2 && $2==ENVIRON["GID"]))}' GID="$gid" "$st" ||
    die "$n: $(grep '^Groups:' "$st") (expected no supplementary groups)"
  for c in CapEff CapPrm; do
    v=$(awk -v c="$c:" '$1==c {print $2}' "$st")
    [ $((0x$v)) -eq $((1 << 12)) ] || die "$n: $c $v, expected CAP_NET_ADMIN only"
  done
  for line in 'GID set to nogroup' 'UID set to nobody' 'Capabilities retained: CAP_NET_ADMIN'; do
    grep -q " $line\$" "$work/$n.log" || die "$n: log lacks '$line'"
  done
}

# in_order NAME LINE1 LINE2: LINE1 is logged before LINE2.
in_order() {
  local a b
  a=$(grep -n -- "$2" "$work/$1.log" | head -n 1 | cut -d: -f1)
  b=$(grep -n -- "$3" "$work/$1.log" | head -n 1 | cut -d: -f1)
  [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] || die "$1: '$2' should come before '$3'"
}

# ---- server and pull client ----
start server "$ns_s" "${drop[@]}"
wait_up server
start client "$ns_c" "${drop[@]}"
wait_up client
check_dropped server
check_dropped client
# 2.6's moments: the server right after its socket is open, before the
# MULTI lines; the pull client says it waits, then drops at the end.
in_order server 'link local' 'UID set to nobody'
in_order server 'UID set to nobody' 'Initialization Sequence Completed'
in_order client 'NOTE: UID/GID downgrade will be delayed because of --client, --pull, or --up-delay' \
  'Peer Connection Initiated'
in_order client 'Peer Connection Initiated' 'UID set to nobody'
ip netns exec "$ns_c" ping -c 3 -W 2 10.8.0.1 >/dev/null || die "no ping from the client to the server"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
pids=()

# ---- --secret p2p pair: drops as soon as device and socket are open ----
start p2p-a "$ns_s" "${drop[@]}"
start p2p-b "$ns_c" "${drop[@]}"
wait_up p2p-a p2p-b
check_dropped p2p-a
check_dropped p2p-b
in_order p2p-a 'UID set to nobody' 'Peer Connection Initiated'
ip netns exec "$ns_c" ping -c 3 -W 2 10.9.9.1 >/dev/null || die "no ping across the p2p tunnel"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
pids=()

# ---- a group or user that does not exist stops every mode at start ----
for conf in server client p2p-a; do
  for bad in "--group nosuchgroup$$:failed to find GID for group nosuchgroup$$" \
    "--user nosuchuser$$:failed to find UID for user nosuchuser$$" \
    "--user nosuchuser$$ --group nosuchgroup$$:failed to find GID for group nosuchgroup$$"; do
    args=${bad%%:*}
    want=${bad#*:}
    # shellcheck disable=SC2086
    (cd "$work" && timeout 20 ip netns exec "$ns_s" "$bin" --config "$conf.conf" $args >"$work/bad.log" 2>&1)
    rc=$?
    [ "$rc" -eq 1 ] || { cat "$work/bad.log" >&2; die "$conf $args: exit status $rc, expected 1"; }
    grep -q " $want\$" "$work/bad.log" || { cat "$work/bad.log" >&2; die "$conf $args: no '$want'"; }
    grep -q 'Exiting due to fatal error' "$work/bad.log" || die "$conf $args: no 'Exiting due to fatal error'"
    if grep -q 'TUN/TAP device\|link local' "$work/bad.log"; then
      cat "$work/bad.log" >&2
      die "$conf $args: opened a device or socket before refusing"
    fi
  done
done
echo "27-privileges: server, pull client and p2p drop to nobody/nogroup keeping CAP_NET_ADMIN only; unknown user/group refused at start: ok"
