#!/usr/bin/env bash
# Stage 13-corpus-daemon: every config of the options corpus (tests/config/)
# run as a daemon for a few seconds in network namespaces with no peer
# (empty, routed to nowhere, refusing), ours beside Debian's 2.6.14,
# comparing how each ends (running and retrying or waiting, refused and why,
# exited); differences fail unless tests/config/daemon-known-differences.txt
# lists them with a reason. Also checks that --check-config accepts exactly
# what the daemon admits (issue 10 item 7). Needs root and the built tree.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "13-corpus-daemon: needs root (network namespaces)" >&2; exit 1; }
[ -x build/bin/openvpn ] || { echo "13-corpus-daemon: build/bin/openvpn missing; run tools/setup.sh" >&2; exit 1; }
OURS=$PWD/build/bin/openvpn exec bash tests/config/daemon_side_by_side.sh
