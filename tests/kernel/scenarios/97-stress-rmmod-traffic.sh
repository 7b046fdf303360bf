#!/bin/sh
# Stress: the module is unloaded while 300 MP peers exist (keepalive timers
# armed, 1 s interval) and traffic flows to a steady peer on the same device
# (50 pings/s and iperf3). rmmod must succeed (a few retries while a
# netlink request is in flight), every ovpn-dco device must be gone, and the
# module must load again and carry a packet each way for a new peer.
# (Runs last: it reloads the module.)
# ktest-timeout: 240
. "$KT_LIB"
kt_setup
kt_stress_topo
kt_stress_steady
kt_kstress many many kss ksc ks0 300 keep
kt_stress_ping_start steady ksp 10.99.0.1
kt_stress_iperf_start kss 10.99.0.1 ksp
sleep 3
ok=0
i=0
while [ "$i" -lt 10 ]; do
  if out=$(rmmod ovpn_dco_v2 2>&1); then
    ok=1
    break
  fi
  kt_log "rmmod: $out"
  i=$((i + 1))
  sleep 1
done
[ "$ok" -eq 1 ] || kt_fail "rmmod ovpn_dco_v2 with 301 peers and traffic failed: $out"
grep -q '^ovpn_dco_v2 ' /proc/modules && kt_fail "module still listed after rmmod"
kt_log "unloaded after $i retries"
sleep 3
touch "$KT_WORK/iperf.stop"
kt_log "pings after the unload: $(kt_stress_ping_stop steady)"
for n in kss ksp; do
  "$KT_IP" -n $n link show ks0 >/dev/null 2>&1 && kt_fail "ks0 in $n survived the unload"
done
kt_log "devices gone"
/sbin/modprobe ovpn-dco-v2 || kt_fail "module does not load again"
kt_log "module loaded again"
kt_in kss "$KT_NLTOOL" newlink ks0 mp || kt_fail "MP device after the reload"
"$KT_IP" -n kss addr add 10.99.0.1/16 dev ks0 || kt_fail "address on the new ks0"
"$KT_IP" -n kss link set ks0 up || kt_fail "new ks0 up"
kt_kstress after many kss ksc ks0 20
kt_info "rmmod with 301 peers under traffic after $i retries; reloaded module carries 20 new peers"
