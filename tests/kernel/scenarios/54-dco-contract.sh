#!/bin/sh
# The DataPlane contract suite (tests/contract/) against KernelDataPlane on
# the module under test: the same cases that run against UserspaceDataPlane
# on the host (UDP and TCP, P2P and MP: traffic and counters, rekey, unknown
# peers, del_peer, keepalive expiry, control packets after add_peer, the TCP
# hand-over, iroutes, stats_all), plus KernelDataPlane's own (2.6's device
# naming and reuse, iroutes as kernel routes, DATA_V1, EPERM). Each case
# builds its own namespaces; the binary is our build/bin/dco_contract_tests.
# On failure every failed case's messages go to the console log.
# ktest-timeout: 1500
. "$KT_LIB"
kt_setup
kt_require "$KT_CONTRACT"
/sbin/modprobe "${KT_MODULE:-ovpn-dco-v2}" || kt_fail "modprobe ${KT_MODULE:-ovpn-dco-v2}"

"$KT_CONTRACT" --gtest_color=no >"$KT_WORK/contract.txt" 2>&1
rc=$?
passed=$(grep -c '^\[       OK \]' "$KT_WORK/contract.txt")
if [ "$rc" -ne 0 ]; then
  # the messages of every failed case, on the console (the output tail is short)
  awk '/^\[ RUN /{buf=""; keep=0} {buf=buf $0 "\n"} /Failure$/{keep=1} /^\[  FAILED  \] .*\(/{if (keep) printf "%s", buf}' \
    "$KT_WORK/contract.txt" >"$KT_WORK/failures.txt"
  sed 's/^/  | /' "$KT_WORK/failures.txt" | head -n 400 >/dev/console
  grep '^\[  FAILED  \] .*([0-9]* ms)$' "$KT_WORK/contract.txt" | sed 's/, where TypeParam.*//; s/ (.*//' >&2
  kt_fail "contract suite: $(grep -c '^\[  FAILED  \] .*([0-9]* ms)$' "$KT_WORK/contract.txt") failed, $passed passed (messages in the console log)"
fi
[ "$passed" -ge 20 ] || kt_fail "contract suite ran only $passed cases"
kt_info "contract suite on $KT_LABEL: $passed cases passed (DataPlaneContract, TcpContract, MultiPeerContract, KernelDataPlane*)"
