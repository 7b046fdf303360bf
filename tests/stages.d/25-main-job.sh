#!/usr/bin/env bash
# Stage 25-main-job: the README's main job (sample-config/ passes
# --check-config, then ours <-> ours over p2p TLS in two namespaces, a ping
# crosses). Needs root; fails loudly without it.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec timeout 180 bash tools/main-job.sh
