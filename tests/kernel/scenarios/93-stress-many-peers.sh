#!/bin/sh
# Stress: 1,000 peers on one MP device, each with an ICMP echo through the
# module each way (kstress plays the clients: DATA_V2 with AES-256-GCM from
# 16 client sockets; the server's kernel answers the pings and the module
# encrypts each answer for the peer that owns the address). GET_PEER's dump
# lists all of them; every DEL_PEER brings exactly one USERSPACE
# notification and the dump is empty after.
# ktest-timeout: 300
. "$KT_LIB"
kt_setup
kt_stress_topo
kt_kstress many many kss ksc ks0 1000
kt_info "$(grep -E '^ok  many-(install|traffic)' "$KT_WORK/many.out" | sed 's/^ok  //' | tr '\n' ' ')"
