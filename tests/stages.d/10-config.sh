#!/usr/bin/env bash
# Stage 10-config: our --check-config against Debian's OpenVPN 2.6 over the
# config corpus (same accept/reject verdict, same first DCO blocker, named
# deliberate differences), plus Debian's sample configs, and --show-gateway
# beside 2.6's in a network namespace. Needs root and the
# built tree (build/bin/openvpn); fails loudly when either is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x build/bin/openvpn ] || { echo "10-config: build/bin/openvpn missing; run tools/setup.sh" >&2; exit 1; }
# --show-gateway against 2.6's in a namespace (its own lines and status)
[ "$(id -u)" -eq 0 ] || { echo "10-config: needs root (--show-gateway runs in a network namespace)" >&2; exit 1; }
OURS=$PWD/build/bin/openvpn bash tests/config/show_gateway.sh
OURS=$PWD/build/bin/openvpn exec bash tests/config/side_by_side.sh
