#!/usr/bin/env bash
# tests/config/show_gateway.sh: --show-gateway, ours against Debian's 2.6 in
# a network namespace with a gateway route, an on-link default route and no
# default route (IPv4 and IPv6), with no target, an on-link target, a
# routed target and one that is not IPv6. The lines after the timestamp and
# the exit status must be the same. Needs root; fails loudly without it.
set -uo pipefail
ours=${OURS:?OURS=path to our openvpn}
ref=${REF:-/usr/sbin/openvpn}
[ "$(id -u)" -eq 0 ] || { echo "show_gateway: needs root (network namespaces)" >&2; exit 1; }
ns=sgw$$
trap 'ip netns del $ns 2>/dev/null' EXIT
ip netns add $ns
ip -n $ns link set lo up
ip -n $ns link add sgw0 type veth peer name sgw1
ip -n $ns addr add 10.9.0.2/24 dev sgw0
ip -n $ns addr add fd09::2/64 dev sgw0 nodad
ip -n $ns link set sgw0 up
fails=0
compare() { # $1: what the routes are
  local t a b
  for t in "" fd09::7 2001:db8::9 192.0.2.1; do
    a=$(ip netns exec $ns "$ref" --show-gateway $t 2>&1 | cut -c21-; echo "rc=$?")
    b=$(ip netns exec $ns "$ours" --show-gateway $t 2>&1 | cut -c21-; echo "rc=$?")
    if [ "$a" != "$b" ] || ! grep -q '^ROUTE_GATEWAY' <<<"$b"; then
      fails=$((fails + 1))
      echo "FAILED: --show-gateway $t with $1:"
      diff <(echo "$a") <(echo "$b") | sed 's/^/    /'
    fi
  done
}
ip -n $ns route add default via 10.9.0.1
ip -n $ns -6 route add default via fd09::1
compare "gateway routes"
ip -n $ns route replace default dev sgw0
ip -n $ns -6 route replace default dev sgw0
compare "on-link default routes"
ip -n $ns route del default
ip -n $ns -6 route del default
compare "no default route"
echo "show_gateway: 12 cases, $fails failed"
[ "$fails" -eq 0 ]
