#!/bin/sh
# Stress: DEL_PEER racing keepalive expiry. 15 rounds of 40 peers with a
# 1-second keepalive timeout (no traffic, so they all expire about 1 s after
# SET_PEER); kstress deletes the 40 one after another starting 0.88-1.03 s
# after the first SET_PEER, so the deletions sweep across the expiry moment.
# Each DEL_PEER answers 0 (it won) or ENOENT (expiry won); each peer must
# bring exactly one DEL_PEER notification, USERSPACE where DEL_PEER won and
# EXPIRED where it got ENOENT; the server socket is released after.
# ktest-timeout: 200
. "$KT_LIB"
kt_setup
kt_stress_topo
kt_kstress race race kss ksc ks0 15 40
kt_info "$(grep '^race:' "$KT_WORK/race.out")"
