#!/bin/sh
# MP server (TCP IPv4, CHACHA20-POLY1305) with three clients, one TCP socket
# per peer; clients reach each other through the server; TCP transfers
# client to client.
# ktest-timeout: 240
. "$KT_LIB"
kt_setup
kt_mp tcp CHACHA20-POLY1305
