#!/usr/bin/env bash
# tools/main-job.sh: the main job (as root, after tools/setup.sh).
#  1. every config in sample-config/ passes --check-config (test keys are
#     generated into a temporary directory);
#  2. two namespaces joined by veth run our openvpn at both ends of the
#     point-to-point TLS tunnel of sample-config/p2p.conf (the second end is
#     the same file turned into its tls-client twin), and a ping crosses:
#
#     [mj-a: 192.0.2.1] ==veth== [mj-b: 192.0.2.2]
#      tun 10.9.0.1  <====== openvpn p2p TLS ======>  tun 10.9.0.2
#  3. the same namespaces run sample-config/server.conf (mj-a) and
#     sample-config/client.conf (mj-b), both unmodified: client.conf's
#     "remote vpn.example.com" resolves through a hosts file that only the
#     client sees (with_hosts, below; works without /etc/hosts or netbase).
#     The client gets its address from the server's pool, and a ping
#     crosses over IPv4 and over IPv6 inside the tunnel.
# Each daemon says in one line which data plane it runs ("Data channel
# offload: on (ovpn-dco-v2 ..., device tun0)" when the host has the module,
# else "... off (<why>); the data channel runs in userspace on tun0"); the
# job prints those lines.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${OPENVPN_BIN:-$PWD/build/bin/openvpn}
[ -x "$bin" ] || { echo "main-job: $bin missing; run tools/setup.sh first" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "main-job: needs root (network namespaces)" >&2; exit 1; }
"$bin" --version | head -n 1
work=$(mktemp -d /tmp/main-job.XXXXXX)
ns_a=mj-a-$$
ns_b=mj-b-$$
cleanup() {
  for ns in "$ns_a" "$ns_b"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
  done
  sleep 0.5
  ip netns del "$ns_a" 2>/dev/null || true
  ip netns del "$ns_b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# wait_up WHAT LOG...: until every LOG has "Initialization Sequence
# Completed" (30 s at most); otherwise show the logs and fail.
wait_up() {
  local what=$1 f all
  shift
  for _ in $(seq 1 60); do
    all=1
    for f in "$@"; do
      grep -qs 'Initialization Sequence Completed' "$f" || all=0
    done
    [ "$all" -eq 1 ] && return 0
    sleep 0.5
  done
  echo "main-job: $what did not come up; logs:" >&2
  tail -n 30 "$@" >&2
  exit 1
}
# with_hosts NS HOSTSFILE CMD...: run CMD in namespace NS with HOSTSFILE as
# /etc/hosts. /etc is overlaid in the mount namespace that "ip netns exec"
# makes for CMD alone, so the system's /etc stays as it is, and this works
# on a minimal Debian that has no /etc/hosts (where "ip netns exec" would
# have nothing to bind /etc/netns/NS/hosts onto).
with_hosts() {
  local ns=$1 hosts=$2 dir
  shift 2
  dir=$(mktemp -d "$work/etc.XXXXXX")
  mkdir "$dir/upper" "$dir/work"
  cp "$hosts" "$dir/upper/hosts"
  ip netns exec "$ns" sh -c 'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/upper,workdir=$1/work" /etc &&
    shift && exec "$@"' sh "$dir" "$@"
}
# data_plane LOG...: each daemon's "Data channel offload:" line (which data
# plane runs and why); fail when a log lacks it.
data_plane() {
  local f l
  for f in "$@"; do
    l=$(grep -o 'Data channel offload: .*' "$f" | tail -n 1)
    [ -n "$l" ] || { echo "main-job: $f does not say which data plane runs" >&2; exit 1; }
    echo "$(basename "$f" .log): $l"
  done
}
bash sample-config/make-keys.sh "$work/keys" "$bin" >/dev/null

echo "== 1. --check-config over sample-config/"
for c in sample-config/*.conf; do
  name=$(basename "$c")
  cp "$c" "$work/$name"
  (cd "$work" && "$bin" --check-config --config "$name") || {
    echo "main-job: $name FAILED --check-config" >&2
    exit 1
  }
done

echo "== 2. p2p tunnel, ours <-> ours, from sample-config/p2p.conf"
sed -e 's/^remote .*/remote 192.0.2.2 1194/' sample-config/p2p.conf >"$work/a.conf"
sed -e 's/^remote .*/remote 192.0.2.1 1194/' -e 's/^ifconfig .*/ifconfig 10.9.0.2 10.9.0.1/' \
  -e 's/^tls-server/tls-client/' -e 's/^dh .*//' -e 's|keys/server\.|keys/client.|' \
  -e 's/^remote-cert-tls .*/remote-cert-tls server/' sample-config/p2p.conf >"$work/b.conf"
ip netns add "$ns_a"
ip netns add "$ns_b"
ip link add mj-va-$$ netns "$ns_a" type veth peer name mj-vb-$$ netns "$ns_b"
ip -n "$ns_a" addr add 192.0.2.1/24 dev mj-va-$$
ip -n "$ns_b" addr add 192.0.2.2/24 dev mj-vb-$$
for ns in "$ns_a" "$ns_b"; do
  ip -n "$ns" link set lo up
done
ip -n "$ns_a" link set mj-va-$$ up
ip -n "$ns_b" link set mj-vb-$$ up
(cd "$work" && ip netns exec "$ns_a" "$bin" --config a.conf >"$work/a.log" 2>&1 &)
(cd "$work" && ip netns exec "$ns_b" "$bin" --config b.conf >"$work/b.log" 2>&1 &)
wait_up "the tunnel" "$work/a.log" "$work/b.log"
grep -h 'Initialization Sequence Completed' "$work/a.log" "$work/b.log"
data_plane "$work/a.log" "$work/b.log"
ip netns exec "$ns_b" ping -c 3 -W 2 10.9.0.1
echo "main-job: a ping crossed the tunnel (ours <-> ours, p2p TLS, $(grep -o 'Data Channel: [^,]*' "$work/a.log" | head -n1 || true))"

echo "== 3. P2MP: sample-config/server.conf and client.conf, ours <-> ours"
for ns in "$ns_a" "$ns_b"; do
  ip netns pids "$ns" | xargs -r kill 2>/dev/null || true
done
sleep 1
printf '127.0.0.1 localhost\n192.0.2.1 vpn.example.com\n' >"$work/hosts"
cp sample-config/server.conf sample-config/client.conf "$work/"
(cd "$work" && ip netns exec "$ns_a" "$bin" --config server.conf >"$work/server.log" 2>&1 &)
wait_up "the P2MP server" "$work/server.log"
(cd "$work" && with_hosts "$ns_b" "$work/hosts" "$bin" --config client.conf >"$work/client.log" 2>&1 &)
wait_up "the P2MP tunnel" "$work/server.log" "$work/client.log"
grep -h 'PUSH: Received control message' "$work/client.log" | head -n 1
data_plane "$work/server.log" "$work/client.log"
ip netns exec "$ns_b" ping -c 3 -W 2 10.8.0.1
ip netns exec "$ns_b" ping -6 -c 3 -W 2 fd00:8::1
echo "main-job: pings crossed the P2MP tunnel (ours server <-> ours client from sample-config/, IPv4 and IPv6)"
