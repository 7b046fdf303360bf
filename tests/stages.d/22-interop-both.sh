#!/usr/bin/env bash
# Stage 22-interop-both: ours at both ends, the same scenario set
# (tests/interop/run.sh --mode both).
set -uo pipefail
exec bash "$(dirname "$0")/../interop/stage.sh" both
