#!/bin/sh
# tests/kernel/bench-guest.sh: the guest half of bench.sh. Loads the real
# module and ours in turn (same VM, so the numbers are comparable), runs an
# iperf3 TCP stream for 10 s through a Debian openvpn 2.6 DCO tunnel (UDP
# IPv4) per cipher, in the order real, ours, ours, real, and prints
# "KTEST-BENCH <module> <cipher> <Mbit/s>" lines on the console.
# ktest-timeout: 900
. "$KT_LIB"
kt_setup
ours=/lib/modules/$(uname -r)/extra/ovpn-dco-v2.ko
real=/ktest/modules/bench-ovpn-dco-v2.ko
[ -f "$ours" ] || kt_fail "no module under test at $ours"
[ -f "$real" ] || kt_fail "no reference module at $real (build-initramfs --bench-module)"
secs=${KT_BENCH_SECS:-10}

measure() {
  local label=$1 ko=$2 cipher=$3 rate
  kt_cleanup
  if grep -q '^ovpn_dco_v2 ' /proc/modules; then
    rmmod ovpn_dco_v2 || kt_fail "rmmod before $label"
  fi
  insmod "$ko" || kt_fail "insmod $ko"
  kt_netns kts ktc1
  kt_link kts 10.200.0.1/24 ktc1 10.200.0.2/24
  kt_server_conf "$KT_WORK/server.conf" udp4 "$cipher"
  kt_client_conf "$KT_WORK/client1.conf" udp4 10.200.0.1 "$cipher" 1
  kt_openvpn server kts --config "$KT_WORK/server.conf"
  kt_wait_dco server kts
  kt_openvpn client1 ktc1 --config "$KT_WORK/client1.conf"
  kt_wait_dco client1 ktc1
  kt_ping ktc1 10.8.0.1
  kt_tcp_transfer kts 10.8.0.1 ktc1 "-t $secs -f m"
  rate=$(echo "$kt_last_rate" | awk '{print $1}')
  echo "KTEST-BENCH $label $cipher $rate" >/dev/console
  kt_info "$label $cipher $rate Mbit/s"
}

for cipher in AES-256-GCM CHACHA20-POLY1305; do
  measure real "$real" "$cipher"
  measure ours "$ours" "$cipher"
  measure ours "$ours" "$cipher"
  measure real "$real" "$cipher"
done
kt_cleanup
rmmod ovpn_dco_v2 2>/dev/null
insmod "$ours" || kt_fail "reload of the module under test"
kt_info "bench done"
