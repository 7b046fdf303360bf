#!/usr/bin/env bash
# Stage 10-config: our --check-config against Debian's OpenVPN 2.6 over the
# config corpus (same accept/reject verdict, same first DCO blocker, named
# deliberate differences), plus Debian's sample configs. Needs root and the
# built tree (build/bin/openvpn); fails loudly when either is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x build/bin/openvpn ] || { echo "10-config: build/bin/openvpn missing; run tools/setup.sh" >&2; exit 1; }
OURS=$PWD/build/bin/openvpn exec bash tests/config/side_by_side.sh
