#!/usr/bin/env bash
# Stage 12-test-crypto: the crypto loopback OpenVPN's own tests/t_lpback.sh
# runs, with ours beside Debian's 2.6.14 (issue 10 item 3):
#   1. --show-ciphers, --show-digests, --show-tls, --show-curves,
#      --show-groups and --show-engines print exactly what 2.6 prints (both
#      use this machine's OpenSSL), also with --providers;
#   2. for every cipher --show-ciphers lists (both sections; like t_lpback
#      without DES-EDE3-CFB1, DES-CFB1 and RC5-*) and "none":
#      --test-crypto --secret KEY --cipher X; ours must pass where 2.6 passes
#      and test as many packet lengths;
#   3. frame and key variations (MTUs, tap, --link-mtu, a key direction,
#      the default cipher, --no-replay), where both must end alike;
#   4. t_lpback's tls-crypt-v2 key generation cases.
# Needs the built tree and Debian's openvpn; fails loudly without them.
set -uo pipefail
cd "$(dirname "$0")/../.."
ours=${OURS:-$PWD/build/bin/openvpn}
theirs=${THEIRS:-/usr/sbin/openvpn}
[ -x "$ours" ] || { echo "12-test-crypto: $ours missing; build first" >&2; exit 1; }
[ -x "$theirs" ] || { echo "12-test-crypto: Debian's openvpn ($theirs) missing" >&2; exit 1; }

work=$(mktemp -d /tmp/test-crypto.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0
note_fail() {
  echo "FAIL $*"
  fail=$((fail + 1))
}

# 1. The lists.
for show in --show-ciphers --show-digests --show-tls --show-curves --show-groups --show-engines \
  "--providers legacy default --show-ciphers" "--providers legacy default --show-digests" \
  "--providers legacy --show-ciphers"; do
  # shellcheck disable=SC2086 # the options are words on purpose
  "$ours" $show >"$work/ours.txt" 2>&1
  rc_o=$?
  # shellcheck disable=SC2086
  "$theirs" $show >"$work/theirs.txt" 2>&1
  rc_t=$?
  if [ "$rc_o" = "$rc_t" ] && cmp -s "$work/ours.txt" "$work/theirs.txt"; then
    echo "ok   $show: same as 2.6 ($(wc -l <"$work/ours.txt") lines)"
  else
    note_fail "$show differs from 2.6 (rc $rc_o vs $rc_t):"
    diff "$work/theirs.txt" "$work/ours.txt" | head -10 | sed 's/^/    /'
  fi
done

# t_lpback's cipher list: the names of --show-ciphers, headers removed.
list_ciphers() {
  "$1" --show-ciphers | sed -e '/The following/,/^$/d' -e 's/ .*//' -e '/^[[:space:]]*$/d' |
    grep -Ev '^(DES-EDE3-CFB1|DES-CFB1|RC5-)'
}
ciphers=$(list_ciphers "$ours")
[ "$ciphers" = "$(list_ciphers "$theirs")" ] || note_fail "the cipher lists of ours and 2.6 differ"
[ -n "$ciphers" ] || note_fail "--show-ciphers lists no cipher"
"$theirs" --genkey secret "$work/key" >/dev/null || { echo "12-test-crypto: genkey failed" >&2; exit 1; }

# run_pair NAME ARGS...: --test-crypto with ARGS under both binaries; both
# must end alike and ours must test as many packet lengths.
passed_ours=0
passed_theirs=0
run_pair() {
  local name=$1 rc_o rc_t n_o n_t
  shift
  "$ours" --test-crypto --secret "$work/key" "$@" >"$work/o.log" 2>&1
  rc_o=$?
  "$theirs" --test-crypto --secret "$work/key" "$@" >"$work/t.log" 2>&1
  rc_t=$?
  n_o=$(grep -c 'TESTING ENCRYPT/DECRYPT' "$work/o.log")
  n_t=$(grep -c 'TESTING ENCRYPT/DECRYPT' "$work/t.log")
  [ "$rc_o" = 0 ] && passed_ours=$((passed_ours + 1))
  [ "$rc_t" = 0 ] && passed_theirs=$((passed_theirs + 1))
  if [ "$rc_o" != "$rc_t" ] || { [ "$rc_t" = 0 ] && [ "$n_o" != "$n_t" ]; }; then
    note_fail "$name: ours rc=$rc_o ($n_o lengths), 2.6 rc=$rc_t ($n_t lengths)"
    tail -3 "$work/o.log" | sed 's/^/    ours| /'
    tail -3 "$work/t.log" | sed 's/^/    2.6| /'
    return 1
  fi
  [ -z "${VERBOSE:-}" ] || echo "ok   $name: rc=$rc_o, $n_o lengths"
}

# 2. Every cipher, as t_lpback runs it.
total=0
for c in $ciphers none; do
  run_pair "cipher $c" --cipher "$c"
  total=$((total + 1))
done
echo "t_lpback ciphers: ours passed $passed_ours of $total, 2.6 passed $passed_theirs of $total"

# 3. Variations: each must end as in 2.6 (pass or fail) with the same
# number of packet lengths.
while IFS='|' read -r name args; do
  [ -n "$name" ] || continue
  args=${args//KEY/$work/key}
  # shellcheck disable=SC2086 # args are words on purpose
  run_pair "$name" $args && echo "ok   $name"
done <<'EOF'
tun-mtu 9000|--cipher AES-256-CBC --tun-mtu 9000
tap device|--cipher AES-128-CBC --dev tap
tap with tun-mtu-extra|--cipher AES-128-CBC --dev tap --tun-mtu-extra 10
tun-mtu-max|--cipher AES-256-GCM --tun-mtu-max 3000
link-mtu, CBC|--cipher DES-EDE3-CBC --auth SHA512 --link-mtu 9000
link-mtu, CFB|--cipher AES-128-CFB --link-mtu 9000
link-mtu, AEAD|--cipher CHACHA20-POLY1305 --link-mtu 9000
link-mtu, none|--cipher none --auth none --link-mtu 9000
auth none with CBC|--cipher AES-128-CBC --auth none
no-replay with CBC|--cipher AES-128-CBC --no-replay
no-replay with CFB (refused)|--cipher AES-128-CFB --no-replay
key direction 0 (decrypt fails)|--cipher AES-128-CBC --secret KEY 0
default cipher BF-CBC (legacy provider, refused)|
default cipher BF-CBC with the legacy provider loaded|--providers legacy default
unknown provider (refused)|--providers nosuch --cipher AES-128-CBC
unknown cipher (refused)|--cipher NOPE-CBC
unknown digest (refused)|--cipher AES-128-CBC --auth NOPE
tun-mtu below 100 (refused)|--cipher AES-128-CBC --tun-mtu 99
EOF

# 4. t_lpback's tls-crypt-v2 key generation, each binary with its own keys.
meta=$(printf 'A%.0s' $(seq 1 732))
for bin in "$ours" "$theirs"; do
  tag=$([ "$bin" = "$ours" ] && echo ours || echo 2.6)
  "$bin" --genkey tls-crypt-v2-server "$work/tc-server.$tag" >/dev/null 2>&1 ||
    note_fail "$tag: --genkey tls-crypt-v2-server"
  "$bin" --tls-crypt-v2 "$work/tc-server.$tag" --genkey tls-crypt-v2-client "$work/tc-client.$tag" \
    >/dev/null 2>&1 || note_fail "$tag: --genkey tls-crypt-v2-client (no metadata)"
  rm -f "$work/tc-client.$tag"
  "$bin" --tls-crypt-v2 "$work/tc-server.$tag" --genkey tls-crypt-v2-client "$work/tc-client.$tag" "$meta" \
    >/dev/null 2>&1 || note_fail "$tag: --genkey tls-crypt-v2-client (732 bytes of metadata)"
done
echo "ok   tls-crypt-v2 key generation (3 cases each)"

[ "$passed_ours" -ge "$passed_theirs" ] || note_fail "ours passed fewer ciphers than 2.6"
echo "12-test-crypto: $fail failed"
[ "$fail" -eq 0 ]
