#!/bin/sh
# Negative cases of the ovpn-dco-v2 API, sent by our driver (ovpn-dco-cli):
# unknown peer ids on every command, bad key length and cipher, requests with
# missing attributes, an unflagged nest, an out-of-range slot, no IFINDEX, a
# non-ovpn interface, MP rules (VPN IP required, duplicate id). Each must fail
# with the errno the reference module (Debian's ovpn-dco-v2) returns; the same
# list then holds our module to that behaviour. KernelDataPlane's own checks
# (non-AEAD, wrong key size) must refuse before the kernel is asked.
# ktest-timeout: 180
. "$KT_LIB"
kt_setup
kt_require "$KT_DCO_CLI"
/sbin/modprobe "${KT_MODULE:-ovpn-dco-v2}" || kt_fail "modprobe ${KT_MODULE:-ovpn-dco-v2}"

ENOENT=2
EEXIST=17
EINVAL=22
ERANGE=34
bad=""
checks=0

# expect ERRNO ARGS...: ovpn-dco-cli ARGS must fail with exactly ERRNO.
expect() {
  want=$1
  shift
  checks=$((checks + 1))
  if ! kt_in dcoe "$KT_DCO_CLI" --expect-errno "$want" "$@" >"$KT_WORK/out" 2>&1; then
    echo "BAD: $* -> $(tr '\n' ' ' <"$KT_WORK/out")" >&2
    bad="$bad [$*: $(grep -o 'got [0-9]*\|succeeded' "$KT_WORK/out" | head -n1)]"
  fi
}

ok() {
  kt_in dcoe "$KT_DCO_CLI" "$@" >"$KT_WORK/out" 2>&1 || kt_fail "ovpn-dco-cli $*: $(tr '\n' ' ' <"$KT_WORK/out")"
}

# keys: AES-128 halves (16 + 8 bytes) and a 20-byte key the cipher refuses.
printf '%s\n' "000102030405060708090a0b0c0d0e0f 0102030405060708" \
  "101112131415161718191a1b1c1d1e1f 1112131415161718" >"$KT_WORK/key16"
printf '%s\n' "000102030405060708090a0b0c0d0e0f10111213 0102030405060708" \
  "101112131415161718191a1b1c1d1e1f20212223 1112131415161718" >"$KT_WORK/key20"

kt_netns dcoe
ok new-iface dcop2p p2p
ok new-iface dcomp mp
"$KT_IP" -n dcoe link set dcop2p up
"$KT_IP" -n dcoe link set dcomp up
expect $EEXIST new-iface dcop2p p2p

# One real P2P peer (id 1) so that "unknown" really means another id.
kt_in dcoe "$KT_DCO_CLI" new-peer dcop2p 1 1194 127.0.0.1 1195 >"$KT_WORK/peer1.out" 2>&1 &
echo $! >>"$KT_WORK/pids"
i=0
while ! grep -q '^ready' "$KT_WORK/peer1.out"; do
  i=$((i + 1))
  [ "$i" -lt 50 ] || kt_fail "peer 1: $(cat "$KT_WORK/peer1.out")"
  sleep 0.2
done
ok new-key dcop2p 1 primary 0 aes 0 "$KT_WORK/key16"

# Unknown peer id on every command.
expect $ENOENT get-peer dcop2p 99
expect $ENOENT del-peer dcop2p 99
expect $ENOENT set-peer dcop2p 99 1 5
expect $ENOENT swap-keys dcop2p 99
expect $ENOENT del-key dcop2p 99 primary
expect $ENOENT new-key --raw dcop2p 99 primary 0 aes 0 "$KT_WORK/key16"

# Key material the module must refuse.
expect $EINVAL new-key --raw dcop2p 1 primary 0 aes 0 "$KT_WORK/key20"
expect $EINVAL new-key --raw dcop2p 1 primary 0 none 0 "$KT_WORK/key16"
expect $EINVAL new-key --raw dcop2p 1 primary 0 chacha 0 "$KT_WORK/key16"

# Malformed requests: missing required attributes, unflagged nest, ranges.
for kind in new-peer-no-socket new-peer-no-id new-key-no-decrypt new-key-unflagged-nest \
  set-peer-no-id no-ifindex; do
  expect $EINVAL bad dcop2p "$kind"
done
# KEY_SLOT 2 breaks the policy's range 0..1: the policy answers ERANGE.
expect $ERANGE bad dcop2p del-key-bad-slot

# MP: a peer needs a VPN address; peer ids are unique.
expect $EINVAL new-peer dcomp 5 1300 127.0.0.1 1301
kt_in dcoe "$KT_DCO_CLI" new-peer dcomp 5 1302 127.0.0.1 1303 10.99.0.5 >"$KT_WORK/peer5.out" 2>&1 &
echo $! >>"$KT_WORK/pids"
i=0
while ! grep -q '^ready' "$KT_WORK/peer5.out"; do
  i=$((i + 1))
  [ "$i" -lt 50 ] || kt_fail "MP peer 5: $(cat "$KT_WORK/peer5.out")"
  sleep 0.2
done
expect $EEXIST new-peer dcomp 5 1304 127.0.0.1 1305 10.99.0.6
expect $ENOENT get-peer dcomp 6

# A request for an interface that is not ovpn-dco.
expect $EINVAL get-peer lo 1

# Our own checks: KernelDataPlane refuses a key that does not fit the cipher
# before asking the kernel, with a clear message and no errno.
checks=$((checks + 1))
if kt_in dcoe "$KT_DCO_CLI" new-key dcop2p 1 primary 0 chacha 0 "$KT_WORK/key16" >"$KT_WORK/out" 2>&1; then
  bad="$bad [KernelDataPlane accepted a 16-byte ChaCha20 key]"
elif ! grep -q 'the cipher needs 32' "$KT_WORK/out"; then
  bad="$bad [KernelDataPlane refusal unclear: $(tr '\n' ' ' <"$KT_WORK/out")]"
fi

# The peers that were set up still work after all of this.
ok get-peer dcop2p 1
ok get-peer dcomp 5
ok get-peer dcomp
grep -q '^1 peer(s)' "$KT_WORK/out" || kt_fail "MP dump: $(cat "$KT_WORK/out")"
ok del-iface dcop2p
ok del-iface dcomp
[ -z "$bad" ] || kt_fail "unexpected results:$bad"
kt_info "dco-cli errors: $checks negative checks as expected"
