#!/bin/bash
# tests/packages/guest.sh: runs as pkgtest.service inside the booted package
# root (tests/stages.d/40-packages.sh, fixtures by prepare-root.sh). One line
# per check on the console, "PKGTEST <name> PASS|FAIL <detail>", output of a
# failed check as "  | ..." lines, then "PKGTEST-END", then power off.
set -u
exec </dev/null
out=/run/pkgtest
mkdir -p "$out"

fail() {
  echo "FAIL: $*"
  exit 1
}
run() { # NAME FUNCTION: the check runs in a subshell; fail() ends it
  local name=$1 detail
  shift
  if ("$@") >"$out/$name.log" 2>&1; then
    echo "PKGTEST $name PASS"
  else
    detail=$(grep '^FAIL:' "$out/$name.log" | tail -n 1 | sed 's/^FAIL: //')
    echo "PKGTEST $name FAIL ${detail:-exit status $?}"
    tail -n 40 "$out/$name.log" | sed 's/^/  | /'
  fi
}
# wait_for SECS COMMAND...: until COMMAND succeeds (journald and the kernel
# catch up asynchronously); the last try's status.
wait_for() {
  local secs=$1 i
  shift
  for ((i = 0; i < secs * 2; i++)); do
    "$@" && return 0
    sleep 0.5
  done
  "$@"
}
prop() { systemctl show -p "$2" --value "$1"; }
journal_has() { # UNIT TEXT [journalctl args]
  local unit=$1 text=$2
  shift 2
  journalctl -q -b -u "$unit" -o cat "$@" | grep -qF "$text"
}
isc='Initialization Sequence Completed'

t_boot() {
  # Boot is over when no job but ours is queued (is-system-running --wait
  # would wait for this very unit).
  wait_for 300 sh -c '! systemctl list-jobs --no-legend | grep -v pkgtest.service | grep -q .' ||
    fail "boot jobs still queued: $(systemctl list-jobs --no-legend)"
  systemctl --failed --no-legend
  [ ! -e /etc/hosts ] || fail "/etc/hosts exists: the root is not the minimal one"
  ! dpkg-query -W -f='${Status}' netbase 2>/dev/null | grep -q 'ok installed' || fail "netbase is installed"
  systemctl --failed --no-legend | grep -q openvpn && fail "an openvpn unit failed at boot"
  return 0
}

# openvpn.service (enabled by the package) wants openvpn@p2p through
# openvpn-generator (AUTOSTART="all"): --daemon ovpn-p2p, status and pid
# files under /run/openvpn, Type=notify with PIDFile=.
t_openvpn_at() {
  [ "$(systemctl is-enabled openvpn.service)" = enabled ] || fail "openvpn.service is not enabled"
  [ "$(systemctl is-active openvpn@p2p)" = active ] || fail "openvpn@p2p is $(systemctl is-active openvpn@p2p)"
  wait_for 20 journal_has openvpn@p2p "$isc" -t ovpn-p2p ||
    fail "no '$isc' from syslog ident ovpn-p2p (--daemon ovpn-%i) in the journal"
  local pid
  pid=$(cat /run/openvpn/p2p.pid) || fail "no /run/openvpn/p2p.pid"
  [ "$pid" = "$(prop openvpn@p2p MainPID)" ] || fail "pid file $pid, MainPID $(prop openvpn@p2p MainPID)"
  wait_for 15 test -s /run/openvpn/p2p.status || fail "no /run/openvpn/p2p.status (--status ... 10)"
  echo "StatusText: $(prop openvpn@p2p StatusText)"
  systemctl stop openvpn.service || fail "systemctl stop openvpn.service failed"
  [ "$(systemctl is-active openvpn@p2p)" = inactive ] ||
    fail "stopping openvpn.service left openvpn@p2p $(systemctl is-active openvpn@p2p) (PartOf=)"
}

t_dkms() {
  local k st cloud want
  k=$(uname -r)
  st=$(dkms status ovpn-dco-ng)
  echo "$st"
  grep -q ", $k, .*: installed" <<<"$st" || fail "no ovpn-dco-ng installed for the running kernel $k"
  cloud=$(ls /lib/modules | grep -- '-cloud-' | head -n1)
  [ -n "$cloud" ] || fail "no cloud kernel in /lib/modules"
  grep -q ", $cloud, .*: installed" <<<"$st" || fail "no ovpn-dco-ng installed for $cloud"
  want=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' /usr/src/ovpn-dco-ng-*/dkms.conf)
  [ "$(modinfo -F version ovpn-dco-v2)" = "$want" ] ||
    fail "modinfo ovpn-dco-v2: version $(modinfo -F version ovpn-dco-v2), ours is $want"
  # openvpn@p2p, started at boot, had the kernel load it; unload it (no
  # daemon runs now) so that t_dco_autoload sees it come back on demand.
  if lsmod | grep -q '^ovpn_dco_v2'; then
    modprobe -r ovpn_dco_v2 || fail "cannot unload ovpn-dco-v2 with no daemon running"
  fi
  ! lsmod | grep -q '^ovpn_dco_v2' || fail "ovpn-dco-v2 is still loaded"
}

# status_text UNIT: as in 2.6.14 (init.c), READY=1 comes with STATUS=
# "Pre-connection initialization successful", before the tunnel is up, and
# STATUS= says "Initialization Sequence Completed" once it is.
status_text() {
  local u=$1 t
  t=$(prop "$u" StatusText)
  echo "$u: StatusText once active: '$t'"
  case "$t" in
  "Pre-connection initialization successful" | "$isc") ;;
  *) fail "$u: StatusText '$t' once active" ;;
  esac
  wait_for 60 sh -c "[ \"\$(systemctl show -p StatusText --value $u)\" = '$isc' ]" ||
    fail "$u: StatusText never became '$isc' (it is '$(prop "$u" StatusText)')"
}

t_server() {
  ip netns add srv || fail "ip netns add srv"
  ip link add vc type veth peer name vs netns srv
  ip addr add 192.0.2.2/24 dev vc
  ip link set vc up
  ip -n srv addr add 192.0.2.1/24 dev vs
  ip -n srv link set vs up
  ip -n srv link set lo up
  systemctl start openvpn-server@srv || {
    journalctl -b -u openvpn-server@srv --no-pager | tail -n 30
    fail "systemctl start openvpn-server@srv failed"
  }
  [ "$(systemctl is-active openvpn-server@srv)" = active ] || fail "openvpn-server@srv not active"
  wait_for 20 journal_has openvpn-server@srv "$isc" -t openvpn || fail "no '$isc' from syslog ident openvpn (--syslog)"
  local st=/run/openvpn-server/status-srv.log
  wait_for 20 grep -q '^HEADER,CLIENT_LIST' "$st" || fail "$st has no --status-version 2 HEADER,CLIENT_LIST"
  head -n 3 "$st"
  grep -q '^TITLE,' "$st" || fail "$st has no TITLE line"
}

t_client() {
  systemctl start openvpn-client@cli || {
    tail -n 30 /var/log/openvpn/cli.log
    fail "systemctl start openvpn-client@cli failed"
  }
  status_text openvpn-client@cli
  grep -qF "$isc" /var/log/openvpn/cli.log || fail "no '$isc' in /var/log/openvpn/cli.log (--log)"
  ip -4 addr show dev tun0 | grep -q 'inet 10\.8\.0\.' || fail "tun0 has no address from the pool"
  wait_for 20 grep -q '^CLIENT_LIST,' /run/openvpn-server/status-srv.log ||
    fail "the server's status file does not list the client"
}

# openvpn-systemd-resolved's script as --up/--down: it reads dev,
# script_type and foreign_option_N ("dhcp-option DNS/DOMAIN" pushed).
t_resolved() {
  resolvectl status tun0
  grep 'update-systemd-resolved' /var/log/openvpn/cli.log
  resolvectl dns tun0 | grep -q '10\.8\.0\.1' || fail "resolvectl dns tun0 lacks the pushed 10.8.0.1"
  resolvectl domain tun0 | grep -q 'vpn\.pkgtest' || fail "resolvectl domain tun0 lacks the pushed vpn.pkgtest"
}

t_traffic() {
  ping -c 3 -W 5 10.8.0.1 || fail "no ping across the tunnel"
  head -c 4M /dev/urandom >"$out/send"
  ip netns exec srv nc -l 10.8.0.1 5001 >"$out/recv" &
  local lpid=$!
  wait_for 20 sh -c 'ip netns exec srv ss -ltn | grep -q 10.8.0.1:5001' || fail "nc did not listen"
  timeout 300 nc -N 10.8.0.1 5001 <"$out/send" || fail "nc could not send across the tunnel"
  timeout 60 sh -c "while kill -0 $lpid 2>/dev/null; do sleep 0.5; done"
  [ "$(sha256sum <"$out/send")" = "$(sha256sum <"$out/recv")" ] ||
    fail "the 4 MiB TCP transfer arrived different ($(stat -c %s "$out/recv") bytes)"
  echo "4 MiB crossed, sha256 equal"
}

# The 2.6 units hold no CAP_SYS_MODULE: the kernel loads the module itself
# when the daemon asks for the "ovpn-dco-v2" generic netlink family.
t_dco_autoload() {
  lsmod | grep -q '^ovpn_dco_v2' || fail "ovpn-dco-v2 was not loaded on demand by the daemons' family lookup"
}

t_restart() {
  local old
  old=$(prop openvpn-server@srv MainPID)
  kill -9 "$old"
  wait_for 60 sh -c '[ "$(systemctl show -p NRestarts --value openvpn-server@srv)" -ge 1 ] &&
    [ "$(systemctl is-active openvpn-server@srv)" = active ]' ||
    fail "openvpn-server@srv did not come back after SIGKILL (Restart=on-failure)"
  [ "$(prop openvpn-server@srv MainPID)" != "$old" ] || fail "same MainPID after the restart"
}

t_stop() {
  local u
  for u in openvpn-client@cli openvpn-server@srv; do
    systemctl stop "$u" || fail "systemctl stop $u failed"
    [ "$(systemctl is-active "$u")" = inactive ] || fail "$u is $(systemctl is-active "$u") after stop"
    [ "$(prop "$u" Result)" = success ] || fail "$u: Result=$(prop "$u" Result) after stop"
  done
  ! ip link show tun0 2>/dev/null || fail "tun0 still there after the client stopped"
}

t_main_job() {
  cd /root/openvpn-ng && OPENVPN_BIN=/usr/sbin/openvpn bash tools/main-job.sh || fail "tools/main-job.sh failed"
}

t_remove() {
  local p f
  for p in openvpn-ng ovpn-dco-ng-dkms; do dpkg -L "$p" >"$out/files.$p"; done
  dpkg -r openvpn-systemd-resolved openvpn-ng ovpn-dco-ng-dkms || fail "dpkg -r failed"
  dkms status
  dkms status | grep -q ovpn-dco-ng && fail "dkms still lists ovpn-dco-ng"
  ls /lib/modules/*/updates/dkms/ovpn-dco-v2.ko* 2>/dev/null && fail "a built module is left behind"
  [ ! -e /var/lib/dkms/ovpn-dco-ng ] || fail "/var/lib/dkms/ovpn-dco-ng is left behind"
  while read -r f; do
    [ -d "$f" ] && continue
    [ "$f" = /etc/default/openvpn ] && continue # a conffile: stays until --purge
    [ ! -e "$f" ] || fail "$f is left behind by dpkg -r"
  done < <(cat "$out"/files.*)
  dpkg --purge openvpn-systemd-resolved openvpn-ng ovpn-dco-ng-dkms || fail "dpkg --purge failed"
  [ ! -e /etc/default/openvpn ] || fail "/etc/default/openvpn is left behind by dpkg --purge"
  systemctl daemon-reload
  systemctl list-unit-files --no-legend 'openvpn*' | grep . && fail "openvpn units are still known to systemd"
  return 0
}

run boot t_boot
run openvpn-at t_openvpn_at
run dkms t_dkms
run server-unit t_server
run server-status-text status_text openvpn-server@srv
run client-unit t_client
run resolved-script t_resolved
run traffic t_traffic
run dco-autoload t_dco_autoload
run restart-on-failure t_restart
run stop t_stop
run main-job t_main_job
run remove t_remove
echo "PKGTEST-END"
systemctl poweroff --no-block
