#!/usr/bin/env bash
# tests/config/daemon_side_by_side.sh: run every config of the corpus
# (tests/config/corpus/) as a daemon, ours beside Debian's OpenVPN 2.6, each
# in its own network namespace with no peer, and compare how each ends.
#
# Three namespaces per run:
#   empty   - a fresh namespace: no address, no route (a boot before the
#             network is up);
#   routed  - lo up, an address and a default route whose gateway takes
#             every packet and answers nothing;
#   refusing - the remotes' and proxies' addresses (192.0.2.1, 192.0.2.9,
#             2001:db8::1) are local and nothing listens: UDP gets ICMP port
#             unreachable (ECONNREFUSED), TCP gets a reset.
# A daemon runs for $CDS_SECONDS seconds (default 5) unless it ends before.
# How it ends:
#   running:retrying   alive, and it restarted at least once (a soft restart)
#   running:waiting    alive, no restart
#   refused:CLASS      exited with an error; CLASS names what the line before
#                      "Exiting due to fatal error" / "Use --help ..." is
#                      about (options, unsupported, cipher, file, network,
#                      resolve, tun, privilege)
#   exited:RC          exited without an error line
# A difference between ours and 2.6 fails unless daemon-known-differences.txt
# lists it (config, namespace, both outcomes, one-line reason). A listed
# difference that no longer occurs fails too, so the list stays true: whoever
# fixes one removes its line.
#
# The same run also checks issue 10 item 7: our --check-config must accept a
# config exactly when our daemon gets past its start-up checks
# (app/admission.hpp), i.e. does not end with "Use --help for more
# information.".
#
# And issue 13: every WARNING / Note / NOTE / DEPRECATED line 2.6 prints
# for a config (in the empty namespace, timestamps stripped) must be among
# ours, unless startup-warnings-known.txt lists it with its reason.
#
# Debian's example configs (sample-config-files: client.conf, server.conf,
# loopback-client) run beside the corpus, with the sample keys they name in
# the working directory. loopback-server is left out: in the empty namespace
# (lo down) how it ends varies from run to run, for 2.6 and for ours
# (running, restarting or refused:network), which the known-differences
# list cannot express; its warnings matched 2.6's when it was tried. CDS_MATCH (a glob on the file
# name) runs only the configs it matches.
#
# Needs root (network namespaces) and Debian's openvpn.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours=${OURS:-$root/build/bin/openvpn}
theirs=${THEIRS:-/usr/sbin/openvpn}
seconds=${CDS_SECONDS:-5}
envs="empty routed refusing"
known=${CDS_KNOWN:-$here/daemon-known-differences.txt}
known_warnings=${CDS_KNOWN_WARNINGS:-$here/startup-warnings-known.txt}

lib_name=daemon_side_by_side
# shellcheck source=tests/config/lib.sh
. "$here/lib.sh"
require_tools
[ -r "$known" ] || die "known-differences file $known missing"
[ -r "$known_warnings" ] || die "known-warnings file $known_warnings missing"

work=$(mktemp -d /tmp/cfg-daemon.XXXXXX)
nspre="cfgd$$"
cleanup() {
  cleanup_netns "$nspre"
  [ -n "${CDS_KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# make_ns NAME ENV: an empty or a routed namespace. Routed: lo up, a veth
# pair whose far end takes every packet and answers nothing; the gateway
# 192.0.2.1 (and 2001:db8::1) has a permanent neighbour entry, so nothing
# waits for ARP or reports it unanswered.
make_ns() {
  local n=$1
  ip netns add "$n" || die "cannot create network namespace $n"
  case $2 in
    empty) return 0 ;;
    refusing)
      ip -n "$n" link set lo up &&
        ip -n "$n" addr add 192.0.2.1/32 dev lo &&
        ip -n "$n" addr add 192.0.2.9/32 dev lo &&
        ip -n "$n" -6 addr add 2001:db8::1/128 dev lo nodad ||
        die "cannot set up the refusing namespace $n"
      return 0
      ;;
  esac
  ip -n "$n" link set lo up &&
    ip -n "$n" link add v0 type veth peer name v1 &&
    ip -n "$n" addr add 192.0.2.2/32 dev v0 &&
    ip -n "$n" -6 addr add 2001:db8::2/128 dev v0 nodad &&
    ip -n "$n" link set v0 up && ip -n "$n" link set v1 up &&
    ip -n "$n" route add 192.0.2.1/32 dev v0 &&
    ip -n "$n" route add default via 192.0.2.1 dev v0 &&
    ip -n "$n" -6 route add 2001:db8::1/128 dev v0 &&
    ip -n "$n" -6 route add default via 2001:db8::1 dev v0 &&
    ip -n "$n" neigh add 192.0.2.1 lladdr 02:00:00:00:00:01 dev v0 nud permanent &&
    ip -n "$n" -6 neigh add 2001:db8::1 lladdr 02:00:00:00:00:01 dev v0 nud permanent ||
    die "cannot set up the routed namespace $n"
}

# why_line LOG: the line that says why the program stopped (the one before
# "Exiting due to fatal error" or "Use --help for more information."),
# without its timestamp.
why_line() {
  sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} (us=[0-9]+ )?//' "$1" |
    awk '/^Exiting due to fatal error|^Use --help for more information/ { print prev; exit }
         /Please correct these errors/ { next }
         NF { prev = $0 }'
}

# class_of LINE: what a refusal is about.
class_of() {
  case "$1" in
    *"not supported by this build"* | *"not implemented"* | *"is not supported"*) echo unsupported ;;
    *RESOLVE* | *"resolve"*) echo resolve ;;
    *"unreachable"* | *"No route"* | *"connect to"* | *"Cannot assign"* | *ECONNREFUSED* | *"Connection refused"*)
      echo network ;;
    *[Cc]ipher* | *"hash algorithm"* | *"replay"*) echo cipher ;;
    *"fails with"* | *"No such file"* | *"Cannot load"* | *"Cannot open"* | *PEM* | *"key values mismatch"* | \
      *"private key"* | *"certificate"* | *"key material"* | *"static key"* | *"Endtag"*) echo file ;;
    *"Cannot open TUN"* | *"/dev/net/tun"* | *TUNSETIFF* | *"Cannot ioctl"*) echo tun ;;
    *"--user"* | *"--group"* | *"find UID"* | *"find GID"* | *setuid* | *setgid* | *chroot*) echo privilege ;;
    *) echo options ;;
  esac
}

# outcome LOG STATE RC: one of the outcomes above.
outcome() {
  local log=$1 state=$2 rc=$3 why
  if [ "$state" = running ]; then
    if grep -qE 'process restarting|Restart pause' "$log"; then echo running:retrying; else echo running:waiting; fi
    return
  fi
  why=$(why_line "$log")
  if [ -n "$why" ]; then
    echo "refused:$(class_of "$why")"
  else
    echo "exited:$rc"
  fi
}

# run_one BIN CONF LOG NS: the daemon in NS until it ends or $seconds pass;
# prints "STATE RC".
run_one() {
  local pid n=0 state=running rc polls=$((seconds * 5))
  (cd "$work" && exec ip netns exec "$4" "$1" --config "$2" --verb 3 >"$3" 2>&1) &
  pid=$!
  while [ "$n" -lt "$polls" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      state=exited
      break
    fi
    sleep 0.2
    n=$((n + 1))
  done
  empty_netns "$4"
  wait "$pid" 2>/dev/null
  rc=$?
  echo "$state $rc"
}

# warn_lines LOG: the warning and note lines of LOG, timestamps stripped,
# each once.
warn_lines() {
  sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} (us=[0-9]+ )?//' "$1" |
    grep -E '^(WARNING|Note|NOTE|DEPRECATED|DEPRECATION)' | sort -u
}

# warning_known NAME LINE: LINE of 2.6 may be missing from ours for NAME
# (a "glob | ERE | reason" line of startup-warnings-known.txt matches).
warning_known() {
  local glob re reason
  while IFS='|' read -r glob re reason; do
    glob=$(echo "$glob" | xargs)
    re=$(echo "$re" | sed -E 's/^[[:space:]]+|[[:space:]]+$//g')
    [ -n "$glob" ] && [ "${glob:0:1}" != "#" ] || continue
    # shellcheck disable=SC2053
    [[ $1 == $glob ]] && [[ $2 =~ $re ]] && return 0
  done <"$known_warnings"
  return 1
}

# check_warnings NAME: 2.6's start-up warnings for NAME that ours lacks.
check_warnings() {
  local name=$1 line
  while IFS= read -r line; do
    warning_known "$name" "$line" && continue
    echo "FAIL $name: 2.6 warns, ours does not: $line"
  done < <(comm -23 <(warn_lines "$work/$name.empty.theirs") <(warn_lines "$work/$name.empty.ours"))
  echo "warnings $name: $(warn_lines "$work/$name.empty.theirs" | wc -l)"
}

# known_entry NAME ENV: "ours|2.6|reason" of a listed difference, or "".
known_entry() {
  awk -F'|' -v n="$1" -v e="$2" '
    /^[[:space:]]*(#|$)/ { next }
    { for (i = 1; i <= NF; i++) gsub(/^[[:space:]]+|[[:space:]]+$/, "", $i) }
    $1 == n && $2 == e { print $3 "|" $4 "|" $5; exit }' "$known"
}

# check_one CONF LANE: run CONF in both namespaces with both binaries and
# judge; one result line per namespace, plus the admission check.
check_one() {
  local conf=$1 lane=$2 name env so_state so_rc st_state st_rc o t entry ko kt reason cc adm
  name=$(basename "$conf")
  expand_conf "$conf" >"$work/$name"
  for env in $envs; do
    run_one "$ours" "$work/$name" "$work/$name.$env.ours" "$nspre-$env-o$lane" >"$work/$name.$env.os" &
    run_one "$theirs" "$work/$name" "$work/$name.$env.theirs" "$nspre-$env-t$lane" >"$work/$name.$env.ts" &
  done
  wait
  for env in $envs; do
    read -r so_state so_rc <"$work/$name.$env.os"
    read -r st_state st_rc <"$work/$name.$env.ts"
    o=$(outcome "$work/$name.$env.ours" "$so_state" "$so_rc")
    t=$(outcome "$work/$name.$env.theirs" "$st_state" "$st_rc")
    entry=$(known_entry "$name" "$env")
    if [ "$o" = "$t" ]; then
      if [ -n "$entry" ]; then
        echo "FAIL $name [$env]: both $o now, but daemon-known-differences.txt still lists a difference: remove it"
      else
        echo "ok   $name [$env]: $o"
      fi
      continue
    fi
    IFS='|' read -r ko kt reason <<<"$entry"
    if [ -n "$entry" ] && [ "$ko" = "$o" ] && [ "$kt" = "$t" ]; then
      echo "known $name [$env]: ours $o, 2.6 $t ($reason)"
      continue
    fi
    echo "FAIL $name [$env]: ours $o, 2.6 $t${entry:+ (listed as ours $ko, 2.6 $kt)}"
    echo "    ours| $(why_line "$work/$name.$env.ours")"
    echo "    2.6 | $(why_line "$work/$name.$env.theirs")"
  done
  check_warnings "$name"
  # Item 7: --check-config accepts exactly what the daemon admits.
  (cd "$work" && "$ours" --check-config --config "$work/$name" >"$work/$name.check" 2>&1)
  cc=$?
  grep -q '^Use --help for more information' "$work/$name.empty.ours" && adm=1 || adm=0
  if [ "$cc" != "$adm" ]; then
    echo "FAIL $name: --check-config exit $cc, but the daemon $([ "$adm" = 1 ] && echo refused || echo passed) its start-up checks"
  fi
}

make_keys
cp "$here"/corpus/*.inc "$work/" 2>/dev/null
confs=("$here"/corpus/*.conf)
[ "${#confs[@]}" -ge 40 ] || die "corpus has ${#confs[@]} configs, need at least 40"
# Debian's client.conf and server.conf name their keys relative to the
# working directory (loopback-client carries its own)
cp "$work"/keys/{ca.crt,client.crt,client.key,server.crt,server.key,dh2048.pem,ta.key} "$work/"
for f in client.conf server.conf loopback-client; do
  [ -r "$samples/sample-config-files/$f" ] || die "Debian's example $f missing"
  confs+=("$samples/sample-config-files/$f")
done
if [ -n "${CDS_MATCH:-}" ]; then
  all=("${confs[@]}")
  confs=()
  for c in "${all[@]}"; do
    # shellcheck disable=SC2053 # a glob on purpose
    [[ $(basename "$c") == $CDS_MATCH ]] && confs+=("$c")
  done
fi

lanes=${CDS_JOBS:-8}
results=$work/results
mkdir -p "$results"
for lane in $(seq 0 $((lanes - 1))); do
  for env in $envs; do
    make_ns "$nspre-$env-o$lane" "$env"
    make_ns "$nspre-$env-t$lane" "$env"
  done
  (
    for idx in "${!confs[@]}"; do
      [ $((idx % lanes)) -eq "$lane" ] || continue
      # stderr: only the shell's notes about the daemons it killed
      check_one "${confs[$idx]}" "$lane" >"$results/$(printf %03d "$idx")" 2>>"$work/shell-notes.log"
    done
  ) &
done
wait
cat "$results"/*
fail=$(cat "$results"/* | grep -c '^FAIL')
nknown=$(cat "$results"/* | grep -c '^known')
nok=$(cat "$results"/* | grep -c '^ok')
# Entries for configs that are not in the corpus any more are stale too.
while IFS= read -r n; do
  [ -e "$here/corpus/$n" ] || [ -e "$samples/sample-config-files/$n" ] || {
    echo "FAIL daemon-known-differences.txt lists $n, which is not in the corpus"
    fail=$((fail + 1))
  }
done < <(awk -F'|' '/^[[:space:]]*(#|$)/ { next } { gsub(/[[:space:]]/, "", $1); print $1 }' "$known" | sort -u)
nwarn=$(cat "$results"/* | awk '/^warnings / { s += $3 } END { print s + 0 }')
echo "daemon_side_by_side: ${#confs[@]} configs x 3 namespaces: $nok same, $nknown known differences, $fail failed; $nwarn start-up warning lines of 2.6 compared"
[ "$fail" -eq 0 ]
