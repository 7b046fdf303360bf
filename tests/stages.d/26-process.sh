#!/usr/bin/env bash
# Stage 26-process: the operator's view of a 2.6 drop-in. Both peers of
# sample-config/p2p.conf run in two namespaces with
#   --daemon --writepid F --log F --status S 1 --user nobody --group nogroup
# and we check what tools rely on: the parent returns 0 at once, the daemon
# is a session leader running as nobody that kept CAP_NET_ADMIN, the log
# holds 2.6's privilege lines and "Initialization Sequence Completed", the
# status file is 2.6's client block (mode 0600, rewritten every second), a
# ping crosses, and SIGTERM ends the daemon. Needs root; fails loudly.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin=$root/build/bin/openvpn
die() { echo "26-process: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, --user)"
[ -x "$bin" ] || die "$bin missing; run tools/setup.sh"
getent passwd nobody >/dev/null && getent group nogroup >/dev/null || die "user nobody / group nogroup missing"

work=$(mktemp -d /tmp/proc-stage.XXXXXX)
chmod 755 "$work"
ns_a=proc-a-$$
ns_b=proc-b-$$
cleanup() {
  for f in "$work/a.pid" "$work/b.pid"; do
    [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
  done
  for ns in "$ns_a" "$ns_b"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
  done
  ip netns del "$ns_a" 2>/dev/null
  ip netns del "$ns_b" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

bash sample-config/make-keys.sh "$work/keys" "$bin" >/dev/null || die "make-keys.sh"
sed -e 's/^remote .*/remote 192.0.2.2 1194/' sample-config/p2p.conf >"$work/a.conf"
sed -e 's/^remote .*/remote 192.0.2.1 1194/' -e 's/^ifconfig .*/ifconfig 10.9.0.2 10.9.0.1/' \
  -e 's/^tls-server/tls-client/' -e 's/^dh .*//' -e 's|keys/server\.|keys/client.|' \
  -e 's/^remote-cert-tls .*/remote-cert-tls server/' sample-config/p2p.conf >"$work/b.conf"
ip netns add "$ns_a" || die "ip netns add"
ip netns add "$ns_b" || die "ip netns add"
ip link add pr-a-$$ netns "$ns_a" type veth peer name pr-b-$$ netns "$ns_b" || die "veth"
ip -n "$ns_a" addr add 192.0.2.1/24 dev pr-a-$$
ip -n "$ns_b" addr add 192.0.2.2/24 dev pr-b-$$
for ns in "$ns_a" "$ns_b"; do ip -n "$ns" link set lo up; done
ip -n "$ns_a" link set pr-a-$$ up
ip -n "$ns_b" link set pr-b-$$ up

start() { # name ns
  (cd "$work" && timeout 30 ip netns exec "$2" "$bin" --config "$1.conf" --disable-dco \
    --daemon "proc-$1" --writepid "$work/$1.pid" --log "$work/$1.log" --status "$work/$1.status" 1 \
    --user nobody --group nogroup --verb 3) || die "$1: the parent did not exit 0 (status $?)"
}
start a "$ns_a"
start b "$ns_b"

# As with 2.6, the parent returns at the fork and the child writes the pid file.
for n in a b; do
  for _ in $(seq 1 40); do
    [ -s "$work/$n.pid" ] && break
    sleep 0.25
  done
  [ -s "$work/$n.pid" ] || die "$n: no --writepid file"
done
up=0
for _ in $(seq 1 60); do
  if grep -q 'Initialization Sequence Completed' "$work/a.log" 2>/dev/null &&
    grep -q 'Initialization Sequence Completed' "$work/b.log" 2>/dev/null; then
    up=1
    break
  fi
  sleep 0.5
done
[ "$up" -eq 1 ] || { tail -n 20 "$work"/*.log >&2; die "the tunnel did not come up"; }

for n in a b; do
  pid=$(cat "$work/$n.pid")
  [ -d "/proc/$pid" ] || die "$n: pid $pid from --writepid is not running"
  [ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ] || die "$n: the daemon is not a session leader"
  [ "$(ps -o user= -p "$pid" | tr -d ' ')" = nobody ] || die "$n: the daemon does not run as nobody"
  capeff=$(awk '/^CapEff/ {print $2}' "/proc/$pid/status")
  [ $((0x$capeff)) -eq $((1 << 12)) ] || die "$n: CapEff $capeff, expected CAP_NET_ADMIN only"
  for line in 'UID set to nobody' 'GID set to nogroup' 'Capabilities retained: CAP_NET_ADMIN'; do
    grep -q "^[0-9-]* [0-9:]* $line\$" "$work/$n.log" || die "$n: log lacks '$line'"
  done
done

ip netns exec "$ns_b" ping -c 3 -W 2 10.9.0.1 >/dev/null || { tail -n 20 "$work"/*.log >&2; die "no ping across"; }

# The status file: 2.6's block, private, rewritten: wait for an Updated line
# that differs from the first one seen (the interval is 1 s).
for n in a b; do
  st=$work/$n.status
  [ "$(stat -c %a "$st")" = 600 ] || die "$n: status file mode $(stat -c %a "$st")"
  first=$(grep '^Updated,' "$st")
  changed=0
  for _ in $(seq 1 40); do
    now=$(grep '^Updated,' "$st")
    if [ -n "$now" ] && [ "$now" != "$first" ]; then changed=1; break; fi
    sleep 0.25
  done
  [ "$changed" -eq 1 ] || die "$n: the status file was not rewritten"
  awk -F, '
    NR==1 && $0!="OpenVPN STATISTICS" {exit 1}
    NR==3 && $1!="TUN/TAP read bytes" {exit 1}
    NR==4 && $1!="TUN/TAP write bytes" {exit 1}
    NR==5 && $1!="TCP/UDP read bytes" {exit 1}
    NR==6 && $1!="TCP/UDP write bytes" {exit 1}
    NR==7 && $1!="Auth read bytes" {exit 1}
    NR>=3 && NR<=7 && $2!~/^[0-9]+$/ {exit 1}
    {last=$0}
    END {if (last!="END") exit 1}' "$st" || { cat "$st" >&2; die "$n: status file is not 2.6's client block"; }
  sed -n 2p "$st" | grep -Eqx 'Updated,[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}' ||
    { cat "$st" >&2; die "$n: bad Updated line"; }
  tun_read=$(awk -F, '$1=="TUN/TAP read bytes" {print $2}' "$st")
  [ "$tun_read" -gt 0 ] || die "$n: TUN/TAP read bytes is 0 after a ping"
done

pid=$(cat "$work/a.pid")
kill -TERM "$pid"
for _ in $(seq 1 40); do
  [ -d "/proc/$pid" ] || break
  sleep 0.25
done
[ -d "/proc/$pid" ] && die "a: still running after SIGTERM"
grep -q 'SIGTERM\[hard,\] received, process exiting' "$work/a.log" || die "a: log lacks the SIGTERM line"
echo "26-process: daemon, writepid, log, status, user/group with CAP_NET_ADMIN, SIGTERM: ok"
