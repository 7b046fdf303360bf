#!/usr/bin/env bash
# Stage 21-interop-server: our openvpn as the P2MP server (and the listening
# p2p peer) with Debian's OpenVPN 2.6 as the client: every scenario of
# tests/interop/run.sh with --mode server.
set -uo pipefail
exec bash "$(dirname "$0")/../interop/stage.sh" server
