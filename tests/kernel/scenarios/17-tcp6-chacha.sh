#!/bin/sh
# Client and server (Debian's openvpn 2.6, DCO) over tcp/IPv6 with CHACHA20-POLY1305:
# ping and a 2 MB TCP transfer through the tunnel.
# ktest-timeout: 180
. "$KT_LIB"
kt_setup
kt_basic tcp 6 CHACHA20-POLY1305
