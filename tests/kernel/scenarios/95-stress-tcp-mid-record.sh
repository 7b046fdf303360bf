#!/bin/sh
# Stress: TCP peers whose stream ends in the middle of a record. 12 TCP peers
# on the MP device, one after the other, each proved with an echo over its
# stream, then cut in one of four ways: half a record then FIN; half a
# record then RST; half a record, the server's process closes its fd (the
# module keeps the socket), then the rest of the record and another echo;
# one byte of a length prefix, the server's fd closed, then FIN. DEL_PEER
# after may answer 0 or ENOENT; every peer brings exactly one notification.
# ktest-timeout: 200
. "$KT_LIB"
kt_setup
kt_stress_topo
kt_kstress tcp tcp-close kss ksc ks0 12
kt_info "$(grep '^ok  tcp-close' "$KT_WORK/tcp.out" | sed 's/^ok  //')"
