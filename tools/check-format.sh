#!/usr/bin/env bash
# tools/check-format.sh: fail when a C++ file differs from clang-format's view
# (and when the data-plane seam is broken: tools/check-seam.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
while IFS= read -r f; do
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "not clang-formatted: $f"
    bad=1
  fi
done < <(git ls-files '*.cpp' '*.hpp' '*.h' | grep -v '^kernel/')
# The data-plane seam: only session/make_data_plane chooses an implementation.
bash tools/check-seam.sh || bad=1
exit $bad
