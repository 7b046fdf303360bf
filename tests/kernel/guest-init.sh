#!/bin/sh
# tests/kernel/guest-init.sh: /init of the test VM (busybox sh). Loads the
# module under test, runs every scenario in /ktest/scenarios in name order
# (or those named by ktest.only=a,b on the kernel command line), prints one
# "KTEST <name> PASS|FAIL <detail>" line per scenario on the console, then
# "KTEST-END passed=N failed=M" and powers off.

export PATH=/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /run/netns
exec </dev/null >/dev/console 2>&1
# Keep kernel messages off the console: the scenarios scan dmesg themselves.
dmesg -n 1
hostname ktest
/usr/sbin/ip link set lo up

export KT_DIR=/ktest
export KT_LIB=/ktest/scenarios/lib.sh
export KT_KEYS=/ktest/keys
export KT_OPENVPN=/usr/sbin/openvpn
export KT_OUR_OPENVPN=/ktest/bin/openvpn
export KT_DCO_CLI=/ktest/bin/ovpn-dco-cli
export KT_CONTRACT=/ktest/bin/dco_contract_tests
export KT_STRACE=/usr/bin/strace
export KT_NLTOOL=/ktest/bin/nltool
export KT_MODULE=ovpn-dco-v2
export KT_LABEL="$(cat /ktest/label)"
export KT_IP=/usr/sbin/ip
export KT_PING=/usr/bin/ping
export KT_IPERF3=/usr/bin/iperf3

finish() {
  echo "KTEST-END passed=$passed failed=$failed"
  sync
  poweroff -f
  echo o >/proc/sysrq-trigger
  sleep 30
}

only=""
tsflip=0
repeat=1
scripts=/ktest/scenarios/[0-9]*.sh
for arg in $(cat /proc/cmdline); do
  case "$arg" in
  ktest.only=*) only=$(echo "${arg#ktest.only=}" | tr ',' ' ') ;;
  ktest.script=*) scripts=${arg#ktest.script=} ;;
  ktest.tsflip=1) tsflip=1 ;;
  ktest.repeat=*) repeat=${arg#ktest.repeat=} ;;
  esac
done

passed=0
failed=0
echo "KTEST-INFO kernel $(uname -r) label $KT_LABEL cpus $(grep -c ^processor /proc/cpuinfo)"

dmesg_pat='(^|[^A-Za-z])BUG[: ]|WARNING:|Oops|refcount_t|general protection|unregister_netdevice: waiting'

# Load the module under test and the drivers every scenario needs.
if ! out=$(/sbin/modprobe -v "$KT_MODULE" 2>&1) || ! grep -q '^ovpn_dco_v2 ' /proc/modules; then
  echo "KTEST module-load FAIL modprobe $KT_MODULE: $out"
  failed=1
  finish
fi
echo "KTEST-INFO module $(cat /sys/module/ovpn_dco_v2/version 2>/dev/null || echo '?') srcversion $(cat /sys/module/ovpn_dco_v2/srcversion 2>/dev/null || echo '?')"
/sbin/modprobe veth
/sbin/modprobe tun
if dmesg | grep -E "$dmesg_pat" >/tmp/load.dmesg; then
  echo "KTEST module-load FAIL dmesg: $(head -n1 /tmp/load.dmesg)"
  sed 's/^/  | /' /tmp/load.dmesg | head -n 60
  failed=1
  finish
fi

# Keep the kernel's packet-timestamp static key (netstamp_needed_key) on for
# the whole boot. Every ping sets SO_TIMESTAMP, so each ping a scenario
# starts or ends while no other timestamping socket exists flips the key,
# and the kernel live-patches every net_timestamp_check() site with int3
# (text_poke_bp) while the other vCPU runs packets through them. Under
# QEMU's multi-threaded TCG a vCPU then sometimes executes the transient
# int3 after the patch completed: "Oops: int3" at __netif_receive_skb_core
# +0x3f or netif_rx_internal+0x1e (the byte after each function's first
# static-key site; the Code: line already shows the finished jmp), "Fatal
# exception in interrupt" -- the 6.12 panic in scenario 80 of issue 16,
# reproduced on 6.12.118 by the second run of 80 in one boot. One ping that
# lives as long as the boot holds the key on, so no scenario flips it.
# ktest.tsflip=1 on the kernel command line leaves it off (to reproduce).
if [ "$tsflip" -eq 0 ]; then
  /usr/bin/ping -q -i 60 127.0.0.1 >/dev/null 2>&1 &
  echo "KTEST-INFO timestamp key held on by ping pid $!"
fi

# Kill what a scenario left behind (only inside this VM) and drop its netns.
scrub() {
  for pf in /tmp/kt/*/pids; do
    [ -f "$pf" ] || continue
    for p in $(cat "$pf"); do kill -9 "$p" 2>/dev/null; done
    rm -f "$pf"
  done
  for n in $(/usr/sbin/ip netns list 2>/dev/null | awk '{print $1}'); do
    /usr/sbin/ip netns delete "$n" 2>/dev/null
  done
}

# ktest.repeat=N runs the whole selection N times in this boot (a hunt).
round=0
while [ "$round" -lt "$repeat" ]; do
  round=$((round + 1))
  for s in $scripts; do
    [ -f "$s" ] || continue
    name=$(basename "$s" .sh)
    if [ -n "$only" ]; then
      case " $only " in *" $name "*) ;; *) continue ;; esac
    fi
    t=$(sed -n 's/^# ktest-timeout: *\([0-9][0-9]*\).*/\1/p' "$s" | head -n1)
    [ -n "$t" ] || t=240
    export KT_WORK="/tmp/kt/$name"
    rm -rf "$KT_WORK"
    mkdir -p "$KT_WORK"
    echo "KTEST-INFO start $name (timeout ${t}s) $(date +%s) round $round/$repeat"
    dmesg -c >/dev/null
    timeout "$t" sh "$s" >"$KT_WORK/output" 2>&1
    rc=$?
    scrub
    # Teardown work (peer release, RCU callbacks) finishes asynchronously.
    sleep 2
    dmesg >"$KT_WORK/dmesg"
    detail=$(grep '^FAIL:' "$KT_WORK/output" | tail -n1 | sed 's/^FAIL: *//')
    finding=$(grep -E "$dmesg_pat" "$KT_WORK/dmesg" | head -n1)
    if [ "$rc" -eq 0 ] && [ -z "$finding" ]; then
      passed=$((passed + 1))
      echo "KTEST $name PASS $(grep '^INFO:' "$KT_WORK/output" | tail -n1 | sed 's/^INFO: *//')"
      continue
    fi
    failed=$((failed + 1))
    if [ "$rc" -eq 0 ]; then
      echo "KTEST $name FAIL dmesg: $finding"
      # what the scenario reported (e.g. the fuzzer's seed, to replay it)
      grep '^INFO:' "$KT_WORK/output" | tail -n1 | sed 's/^/  | /'
    else
      [ "$rc" -eq 143 ] && [ -z "$detail" ] && detail="timed out after ${t}s"
      [ -n "$detail" ] || detail="exit $rc"
      [ -n "$finding" ] && detail="$detail (and dmesg: $finding)"
      echo "KTEST $name FAIL $detail"
      echo "KTEST-LOG $name output (tail):"
      tail -n 40 "$KT_WORK/output" | sed 's/^/  | /'
      for l in "$KT_WORK"/*.log; do
        [ -f "$l" ] || continue
        echo "KTEST-LOG $name $(basename "$l") (tail):"
        tail -n 25 "$l" | sed 's/^/  | /'
      done
    fi
    if [ -n "$finding" ]; then
      echo "KTEST-DMESG $name:"
      grep -n -E -A 60 "$dmesg_pat" "$KT_WORK/dmesg" | head -n 200 | sed 's/^/  | /'
    fi
  done
done

finish
