#!/bin/sh
# Stress: a generic netlink fuzzer (kstress fuzz, ../kstress/fuzz.c) over the
# ovpn-dco-v2 family for 60 s: requests built from the family's attribute
# sets with mutated values, sizes, types and nesting, on an MP and a P2P
# device, with UDP/TCP sockets and non-sockets as SOCKET, while random
# DATA_V2-like packets and stream bytes reach the attached sockets. Every
# request must be answered; afterwards the module still adds, reads and
# deletes a peer and both devices can be deleted. The seed is printed; set
# kstress.seed=N on the kernel command line (run.sh --append) to replay it,
# kstress.fuzz=SECS for a longer run by hand.
# ktest-timeout: 240
. "$KT_LIB"
kt_setup
kt_require "$KT_KSTRESS" "$KT_NLTOOL"
seed=$(date +%s)
secs=60
for arg in $(cat /proc/cmdline); do
  case "$arg" in
  kstress.seed=*) seed=${arg#kstress.seed=} ;;
  kstress.fuzz=*) secs=${arg#kstress.fuzz=} ;;
  esac
done
kt_netns kss
kt_in kss "$KT_NLTOOL" newlink ks0 mp || kt_fail "MP device"
kt_in kss "$KT_NLTOOL" newlink ks1 p2p || kt_fail "P2P device"
"$KT_IP" -n kss link set ks0 up || kt_fail "ks0 up"
"$KT_IP" -n kss link set ks1 up || kt_fail "ks1 up"
kt_kstress fuzz fuzz kss ks0,ks1 "$seed" "$secs"
"$KT_IP" -n kss link del ks0 || kt_fail "ks0 cannot be deleted after the fuzzing"
"$KT_IP" -n kss link del ks1 || kt_fail "ks1 cannot be deleted after the fuzzing"
kt_in kss "$KT_NLTOOL" newlink ks2 mp || kt_fail "no new MP device after the fuzzing"
"$KT_IP" -n kss link del ks2 || kt_fail "ks2 cannot be deleted"
kt_info "seed $seed: $(grep '^fuzz: [0-9]* requests' "$KT_WORK/fuzz.out" | cut -c1-200)"
