#!/usr/bin/env bash
# tests/config/side_by_side.sh: run Debian's OpenVPN 2.6 and ours over every
# config of tests/config/corpus/ and assert the same verdict.
#
# 2.6 has no check-only mode: each config runs in an empty network namespace
# (--verb 4 so DCO notes show) until its log shows either an error ("Options
# error", a fatal exit: "rejects") or a line it only prints once options and
# key files are loaded ("accepts"); then it is killed. Its first DCO "Note:" names the first
# blocker. Ours runs `openvpn --check-config` (exit status, "DCO blocker:"
# lines).
#
# Each corpus file states what it tests in header comments:
#   # expect: accept|reject         the verdict both must give
#   # dco: <name>                   first DCO blocker (configs 2.6 accepts), one
#                                   of: none fragment http-proxy socks-proxy
#                                   no-tls dev-type topology
#                                   management-query-proxy fallback
#                                   compression data-ciphers user bind-dev
#                                   disable-dco  (none = only the kernel note)
#   # differ: <why>                 a deliberate difference: then
#   # expect-2.6: accept|reject     says what 2.6 does, and
#   # dco-2.6: <name>               what 2.6 names, if that differs
# Keys come from Debian's sample keys plus ones generated here with 2.6's
# --genkey; configs reference them as keys/<file>.
#
# Also: Debian's sample server.conf and client.conf must pass --check-config
# with keys supplied.
#
# Needs root (network namespaces) and Debian's openvpn. Exits non-zero on
# any mismatch, and when it cannot run at all.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours=${OURS:-$root/build/bin/openvpn}
theirs=${THEIRS:-/usr/sbin/openvpn}
hang_limit=${SBS_HANG_LIMIT:-600} # polls of 0.2 s before giving up on a hung 2.6

lib_name=side_by_side
# shellcheck source=tests/config/lib.sh
. "$here/lib.sh"
require_tools

work=$(mktemp -d /tmp/opt-sbs.XXXXXX)
nspre="optsbs$$"
cleanup() {
  cleanup_netns "$nspre"
  [ -n "${SBS_KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# norm_theirs: 2.6's first DCO note -> blocker name.
norm_theirs() {
  local line
  line=$(grep -m1 -E 'disabling data channel offload|disables data channel offload|Disabling data channel offload|Disabling Data Channel Offload' "$1" || true)
  case "$line" in
    "") echo "none?" ;;
    *"--fragment"*) echo fragment ;;
    *"--http-proxy"*) echo http-proxy ;;
    *"--socks-proxy"*) echo socks-proxy ;;
    *"No tls-client or tls-server"*) echo no-tls ;;
    *"dev-type not tun"*) echo dev-type ;;
    *"topology subnet"*) echo topology ;;
    *"management-query-proxy"*) echo management-query-proxy ;;
    *"data-ciphers-fallback"*) echo fallback ;;
    *"allow-compression"*) echo compression ;;
    *"in --data-ciphers is not supported"*) echo data-ciphers ;;
    *"--user specified"*) echo user ;;
    *"bind-dev"*) echo bind-dev ;;
    *"Kernel support for ovpn-dco missing"*) echo none ;;
    *) echo "unknown:$line" ;;
  esac
}

# norm_ours: our first option blocker -> blocker name.
norm_ours() {
  local opt
  opt=$(sed -n 's/^DCO blocker: --\([a-z-]*\):.*/\1/p' "$1" | head -1)
  case "$opt" in
    "") echo none ;;
    secret | tls-client) echo no-tls ;;
    dev | dev-type) echo dev-type ;;
    allow-compression | comp-lzo | compress) echo compression ;;
    data-ciphers-fallback) echo fallback ;;
    *) echo "$opt" ;;
  esac
}

# 2.6 prints one of these only after its options and key files passed.
accept_re='Control Channel MTU parms|TLS-Auth MTU parms|Static Key Encryption|TUN/TAP device .* opened|MANAGEMENT: TCP Socket listening|Initialization Sequence Completed'
reject_re='Options error|Exiting due to fatal error|ERROR: Endtag'

# run_theirs CONF OUT NS: 2.6 in the empty namespace NS, watched until its
# log shows that it passed start-up (accept) or failed (reject); prints
# accept|reject|undecided. No timing decides: the limit only stops a hang.
run_theirs() {
  local conf=$1 out=$2 ns=$3 pid verdict=undecided n=0
  (cd "$work" && exec ip netns exec "$ns" "$theirs" --config "$conf" --verb 4 >"$out" 2>&1) &
  pid=$!
  while [ "$n" -lt "$hang_limit" ]; do
    if grep -sqE "$reject_re" "$out"; then verdict=reject; break; fi
    if grep -sqE "$accept_re" "$out"; then verdict=accept; break; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      grep -sqE "$reject_re" "$out" && verdict=reject || verdict="exited"
      break
    fi
    sleep 0.2
    n=$((n + 1))
  done
  kill -9 "$pid" 2>/dev/null
  empty_netns "$ns"
  wait "$pid" 2>/dev/null
  [ "$verdict" = exited ] && verdict=reject
  echo "$verdict"
}

run_ours() {
  (cd "$work" && "$ours" --check-config --config "$1" >"$2" 2>&1) && echo accept || echo reject
}

fail=0
checked=0
check_one() { # check_one CONF NETNS
  local conf=$1 ns=$2 name exp dco differ exp26 dco26 v26 vo d26 do
  name=$(basename "$conf")
  exp=$(header "$conf" expect)
  dco=$(header "$conf" dco)
  differ=$(header "$conf" differ)
  exp26=$(header "$conf" expect-2.6)
  dco26=$(header "$conf" dco-2.6)
  [ -n "$exp" ] || { echo "FAIL $name: no '# expect:' header"; return 1; }
  [ -n "$exp26" ] || exp26=$exp
  [ -n "$dco26" ] || dco26=$dco
  expand_conf "$conf" >"$work/$name"
  v26=$(run_theirs "$work/$name" "$work/$name.theirs" "$ns")
  vo=$(run_ours "$work/$name" "$work/$name.ours")
  local bad=""
  [ "$v26" = "$exp26" ] || bad+=" 2.6=$v26(want $exp26)"
  [ "$vo" = "$exp" ] || bad+=" ours=$vo(want $exp)"
  # The DCO verdict is compared whenever 2.6 accepts: --check-config
  # prints it also for a config it refuses.
  if [ "$exp26" = accept ] && [ -n "$dco" ]; then
    d26=$(norm_theirs "$work/$name.theirs")
    do=$(norm_ours "$work/$name.ours")
    [ "$d26" = "$dco26" ] || bad+=" 2.6-dco=$d26(want $dco26)"
    [ "$do" = "$dco" ] || bad+=" our-dco=$do(want $dco)"
  fi
  if [ -n "$bad" ]; then
    echo "FAIL $name:$bad"
    sed 's/^/    2.6| /' "$work/$name.theirs" | grep -E 'error|Error|ERROR|Note|DCO|offload|Unrecognized' | head -5
    sed 's/^/    ours| /' "$work/$name.ours" | head -6
    return 1
  fi
  echo "ok   $name: $vo${dco:+, dco=$dco}${differ:+ (deliberate difference: $differ)}"
}

make_keys
cp "$here"/corpus/*.inc "$work/" 2>/dev/null
confs=("$here"/corpus/*.conf)
[ -e "${confs[0]}" ] || die "no corpus under $here/corpus"
[ "${#confs[@]}" -ge 40 ] || die "corpus has ${#confs[@]} configs, need at least 40"

# Lanes run in parallel, each one config after the other in its own empty
# namespace (creating a namespace per config is slow when done in parallel).
lanes=${SBS_JOBS:-8}
results=$work/results
mkdir -p "$results"
for lane in $(seq 0 $((lanes - 1))); do
  ip netns add "$nspre-$lane" || die "cannot create network namespace $nspre-$lane"
  (
    for idx in "${!confs[@]}"; do
      [ $((idx % lanes)) -eq "$lane" ] || continue
      check_one "${confs[$idx]}" "$nspre-$lane" >"$results/$(printf %03d "$idx")" 2>&1
    done
  ) &
done
wait
cat "$results"/*
checked=${#confs[@]}
fail=$(grep -c '^FAIL' "$results"/* | awk -F: '{s+=$2} END {print s+0}')

# Debian's sample configs with the sample keys next to them.
sdir=$work/debian-samples
mkdir -p "$sdir"
cp "$samples"/sample-keys/{ca.crt,server.crt,server.key,client.crt,client.key,dh2048.pem,ta.key} "$sdir/"
for f in server.conf client.conf; do
  cp "$samples/sample-config-files/$f" "$sdir/$f"
  if (cd "$sdir" && "$ours" --check-config --config "$f" >"$sdir/$f.out" 2>&1); then
    echo "ok   Debian sample $f passes --check-config"
  else
    echo "FAIL Debian sample $f:"
    sed 's/^/    /' "$sdir/$f.out"
    fail=$((fail + 1))
  fi
  checked=$((checked + 1))
done

echo "side_by_side: $checked checked, $fail failed"
[ "$fail" -eq 0 ]
