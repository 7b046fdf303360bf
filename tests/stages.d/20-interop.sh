#!/usr/bin/env bash
# Stage 20-interop: our openvpn as the client (and as the connecting p2p
# peer, and the listening one in the *-rev scenarios) against Debian's
# OpenVPN 2.6 in network namespaces (tests/interop/run.sh --mode client):
# per scenario a ping and a 20 MiB TCP transfer checked by sha256 on the far
# side; every scenario of run.sh runs.
# Needs root and build/bin/openvpn; fails loudly without either.
set -uo pipefail
exec bash "$(dirname "$0")/../interop/stage.sh" client
