#!/bin/sh
# tests/kernel/bench-daemon-guest.sh: the guest half of bench-daemon.sh.
# One module (the one under test), Debian's 2.6 server on DCO, and three
# clients in turn: Debian's 2.6 on DCO ("2.6-dco"), ours on DCO
# ("ours-dco"), ours with --disable-dco ("ours-user", the userspace data
# plane). An iperf3 TCP stream from the client's side for KT_BENCH_SECS
# (10) seconds through the tunnel (UDP IPv4), per cipher, in the order
# 2.6-dco ours-dco ours-user ours-user ours-dco 2.6-dco; each result is a
# "KTEST-BENCH <client> <cipher> <Mbit/s>" line on the console.
# ktest-timeout: 1100
. "$KT_LIB"
kt_setup
kt_require "$KT_OUR_OPENVPN"
secs=${KT_BENCH_SECS:-10}

measure() { # LABEL CIPHER
  local label=$1 cipher=$2 rate
  kt_cleanup
  kt_netns kts ktc1
  kt_link kts 10.200.0.1/24 ktc1 10.200.0.2/24
  kt_server_conf "$KT_WORK/server.conf" udp4 "$cipher"
  kt_client_conf "$KT_WORK/client1.conf" udp4 10.200.0.1 "$cipher" 1
  kt_openvpn server kts --config "$KT_WORK/server.conf"
  kt_wait_dco server kts
  case "$label" in
  2.6-dco) kt_openvpn client1 ktc1 --config "$KT_WORK/client1.conf" ;;
  ours-dco) kt_our_openvpn client1 ktc1 --config "$KT_WORK/client1.conf" ;;
  ours-user) kt_our_openvpn client1 ktc1 --config "$KT_WORK/client1.conf" --disable-dco ;;
  esac
  kt_wait_log client1 'Initialization Sequence Completed'
  if [ "$label" = ours-user ]; then
    grep -q 'Data channel offload: off (--disable-dco)' "$KT_WORK/client1.log" || kt_fail "ours-user is not on tun"
  else
    grep -q 'DCO device' "$KT_WORK/client1.log" || kt_fail "$label is not on DCO"
  fi
  kt_ping ktc1 10.8.0.1
  kt_tcp_transfer kts 10.8.0.1 ktc1 "-t $secs -f m"
  rate=$(echo "$kt_last_rate" | awk '{print $1}')
  echo "KTEST-BENCH $label $cipher $rate" >/dev/console
  kt_info "$label $cipher $rate Mbit/s"
}

for cipher in AES-256-GCM CHACHA20-POLY1305; do
  for label in 2.6-dco ours-dco ours-user ours-user ours-dco 2.6-dco; do
    measure "$label" "$cipher"
  done
done
kt_cleanup
kt_info "bench done"
