#!/bin/sh
# Reproducer of the 6.12 panic of issue 16, not a test: no ovpn at all. A
# TCP stream over a veth pair keeps both vCPUs in the receive path while 200
# one-shot pings (each sets SO_TIMESTAMP) flip the netstamp static key on and
# off. The guest normally holds that key on (guest-init.sh), so this passes;
# with the key free to flip, QEMU's multi-threaded TCG panics the guest with
# "Oops: int3" at netif_rx_internal+0x1e (6.12.118, within a minute):
#   tests/kernel/run.sh --module KO --kver V --kroot DIR \
#     --append "ktest.tsflip=1 ktest.script=/ktest/scenarios/hunt-tsflip.sh"
# (its name does not match [0-9]*.sh, so no stage runs it).
# ktest-timeout: 600
. "$KT_LIB"
kt_setup
kt_netns fa fb
kt_link fa 10.77.0.1/24 fb 10.77.0.2/24
kt_in fb timeout 500 "$KT_IPERF3" -s -p 5999 -B 10.77.0.2 >"$KT_WORK/s.out" 2>&1 &
echo $! >>"$KT_WORK/pids"
sleep 3
kt_in fa timeout 500 "$KT_IPERF3" -c 10.77.0.2 -p 5999 -t 200 -P 2 >"$KT_WORK/c.out" 2>&1 &
echo $! >>"$KT_WORK/pids"
sleep 3
i=0
while [ "$i" -lt 200 ]; do
  i=$((i + 1))
  kt_in fb "$KT_PING" -c 1 -W 1 10.77.0.1 >/dev/null 2>&1
  sleep 0.2
done
kt_info "200 timestamp key flips (or none, when held) under a veth TCP stream, kernel alive"
