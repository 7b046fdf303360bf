#!/usr/bin/env bash
# tools/check-seam.sh: the data-plane seam holds (issue 9). Client, p2p and
# server hold a data::DataPlane made by session::make_data_plane and never
# learn which implementation it is:
#   1. only src/openvpn/data (the userspace plane), src/dco (the kernel
#      plane) and session/make_data_plane.* name UserspaceDataPlane or
#      KernelDataPlane in src/;
#   2. nothing outside make_data_plane and app/ (which reports the verdict)
#      branches on the DCO verdict or on the plane's name.
# Run by tools/check-format.sh; prints each offending line.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
# report: message and the offending lines (comment lines do not count).
report() {
  local lines
  lines=$(printf '%s\n' "$2" | grep -vE '^[^:]+:[0-9]+:\s*//' | grep -v '^$' || true)
  if [ -n "$lines" ]; then
    echo "check-seam: $1" >&2
    echo "$lines" >&2
    bad=1
  fi
}
named=$(git grep -nE '\b(UserspaceDataPlane|KernelDataPlane)\b' -- 'src/*' \
  ':!src/openvpn/data/*' ':!src/dco/*' ':!src/openvpn/session/make_data_plane.*' || true)
report "a data plane implementation is named outside data/, dco/ and session/make_data_plane" "$named"
branches=$(git grep -nE '(\.enabled\(\)|\bblockers\b|\bdco_verdict\(|->name\(\) *[!=]=|\.name\(\) *[!=]= *"(dco|userspace)")' -- \
  'src/openvpn/*' ':!src/openvpn/options/*' ':!src/openvpn/app/*' ':!src/openvpn/session/make_data_plane.*' || true)
report "a branch on the DCO verdict or the data plane's kind outside session/make_data_plane" "$branches"
exit $bad
