# tests/config/lib.sh: what the config-corpus stages share (sourced by
# side_by_side.sh and daemon_side_by_side.sh): the checks that they can run,
# a work directory with keys, corpus files with their keys inlined, headers,
# and network namespaces that are emptied and removed on exit.
#
# The sourcing script sets: lib_name (for messages), ours, theirs, and
# optionally keep_var (the name of an env variable that keeps the work dir).
samples=/usr/share/doc/openvpn/examples

die() {
  echo "$lib_name: $*" >&2
  exit 2
}

require_tools() {
  [ "$(id -u)" -eq 0 ] || die "needs root for network namespaces"
  [ -x "$ours" ] || die "our binary $ours is missing (build first)"
  [ -x "$theirs" ] || die "Debian's openvpn ($theirs) is missing: apt-get install openvpn"
  [ -d "$samples/sample-keys" ] || die "$samples/sample-keys missing (package openvpn)"
}

# empty_netns NS: kill everything in NS and wait until it is gone (a netns
# cannot be deleted while a dying process still holds its mount).
empty_netns() {
  local pids tries=0
  while pids=$(ip netns pids "$1" 2>/dev/null) && [ -n "$pids" ] && [ "$tries" -lt 100 ]; do
    kill -9 $pids 2>/dev/null
    sleep 0.1
    tries=$((tries + 1))
  done
}

# cleanup_netns PREFIX: empty and delete every namespace named PREFIX*.
cleanup_netns() {
  local ns tries
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$1" || true); do
    empty_netns "$ns"
    tries=0
    until ip netns del "$ns" 2>/dev/null || [ "$tries" -ge 50 ]; do
      sleep 0.2
      tries=$((tries + 1))
    done
    ip netns list | awk '{print $1}' | grep -qx "$ns" && echo "$lib_name: could not delete netns $ns" >&2
  done
}

# make_keys: Debian's sample keys plus ones generated here with 2.6's
# --genkey, under $work/keys (configs reference them as keys/<file>).
make_keys() {
  local k=$work/keys
  mkdir -p "$k"
  cp "$samples"/sample-keys/{ca.crt,server.crt,server.key,client.crt,client.key,dh2048.pem,ta.key,client.p12} "$k/"
  cp "$samples/sample-keys/server-ec.key" "$k/"
  "$theirs" --genkey secret "$k/static.key" >/dev/null || die "genkey secret failed"
  "$theirs" --genkey tls-crypt-v2-server "$k/tc2-server.key" >/dev/null || die "genkey tc2 server failed"
  "$theirs" --tls-crypt-v2 "$k/tc2-server.key" --genkey tls-crypt-v2-client "$k/tc2-client.key" >/dev/null ||
    die "genkey tc2 client failed"
  echo "not a key" >"$k/garbage.key"
  printf 'user\npass\n' >"$k/userpass.txt"
  chmod 600 "$k"/*
}

# expand_conf: a corpus file with each "@@keys/FILE@@" line replaced by that
# key file's text (inline blocks get real keys without committing them).
expand_conf() {
  awk -v dir="$work" '/^@@.*@@\r?$/ { f = $0; gsub(/@@|\r/, "", f); while ((getline l < (dir "/" f)) > 0) print l; close(dir "/" f); next } { print }' "$1"
}

header() { # header FILE KEY -> value of "# KEY: value"
  sed -n "s/^# $2: *//p" "$1" | head -1 | tr -d '\r'
}
