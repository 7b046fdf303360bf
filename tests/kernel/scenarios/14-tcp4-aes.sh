#!/bin/sh
# Client and server (Debian's openvpn 2.6, DCO) over tcp/IPv4 with AES-256-GCM:
# ping and a 2 MB TCP transfer through the tunnel.
# ktest-timeout: 180
. "$KT_LIB"
kt_setup
kt_basic tcp 4 AES-256-GCM
