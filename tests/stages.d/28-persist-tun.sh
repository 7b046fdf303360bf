#!/usr/bin/env bash
# Stage 28-persist-tun: --mktun / --rmtun beside Debian's OpenVPN 2.6.14.
# Each command runs with ours and with 2.6 in a fresh network namespace of
# its own; the stage compares what they print (timestamps removed), their
# exit status and the devices left behind (type, persist flag, owner and
# group as `ip -d link` shows them). Covers the option checks, last of
# --mktun/--rmtun wins, --user/--group (and unknown names), --dev null, tap
# and dynamic names. Needs root; fails loudly.
set -uo pipefail
cd "$(dirname "$0")/../.."
ours=$PWD/build/bin/openvpn
ref=/usr/sbin/openvpn
die() { echo "28-persist-tun: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, tun devices)"
[ -x "$ours" ] || die "$ours missing; run tools/setup.sh"
[ -x "$ref" ] || die "$ref (Debian's openvpn) missing"
getent passwd nobody >/dev/null && getent group nogroup >/dev/null || die "user nobody / group nogroup missing"

ns=ptun-$$
work=$(mktemp -d /tmp/ptun-stage.XXXXXX)
cleanup() {
  ip netns del "$ns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# One sequence of commands: later ones see the devices earlier ones left.
commands=(
  "--mktun"
  "--mktun --dev tun9 --ifconfig 10.0.0.1 10.0.0.2"
  "--mktun --dev tun9 --tls-client"
  "--mktun --dev tun9 --client"
  "--rmtun --mktun --dev tun9 --user nobody --group nogroup"
  "--mktun --rmtun --dev tun9"
  "--mktun --dev tun9 --user nosuchuser"
  "--rmtun --dev tun9 --disable-dco --verb 0"
  "--mktun --dev tun9 --disable-dco --group nosuchgroup"
  "--rmtun --dev tun9 --verb 0"
  "--mktun --dev null"
  "--mktun --dev tap --lport 0"
  "--rmtun --dev tap0 --dev-type tap"
  "--mktun --dev foo --dev-type tun --test-crypto"
  "--mktun --dev tun"
  "--rmtun --dev foo --dev-type tun --dev-node /dev/net/tun"
)

# devices: the namespace's tun/tap devices, one line each, in a stable form
# ("tun9: tun type tun ... persist on user nobody group nogroup").
devices() {
  ip netns exec "$ns" ip -d -o link show | grep ' tun type ' |
    sed 's/^[0-9]*: \([^:@]*\).*\(tun type [a-z]*\).*\(persist [a-z]*\( user [a-z]*\)\?\( group [a-z]*\)\?\).*/\1: \2 \3/'
}

# transcript BIN OUT: the whole sequence with BIN in a fresh namespace.
transcript() {
  ip netns del "$ns" 2>/dev/null
  ip netns add "$ns" || die "ip netns add $ns"
  local c rc
  for c in "${commands[@]}"; do
    echo "\$ openvpn $c"
    # shellcheck disable=SC2086 # the command is a word list
    ip netns exec "$ns" "$1" $c >"$work/out" 2>&1
    rc=$?
    sed 's/^[0-9]\{4\}-[0-9-]* [0-9:]* //' "$work/out"
    echo "rc=$rc"
    devices
  done >"$2"
}

transcript "$ref" "$work/ref.txt"
transcript "$ours" "$work/ours.txt"
# a real check: 2.6 made the devices this stage looks at
grep -q "persist on user nobody group nogroup" "$work/ref.txt" || die "2.6's transcript lacks the owned device"
if ! diff -u "$work/ref.txt" "$work/ours.txt"; then
  die "ours differs from 2.6 (- 2.6, + ours)"
fi
echo "28-persist-tun: ${#commands[@]} commands, same output, status and devices as 2.6"
