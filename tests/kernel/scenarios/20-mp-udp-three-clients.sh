#!/bin/sh
# MP server (UDP IPv4, AES-256-GCM) with three clients; clients reach each
# other through the server; TCP transfers client to client.
# ktest-timeout: 240
. "$KT_LIB"
kt_setup
kt_mp udp AES-256-GCM
