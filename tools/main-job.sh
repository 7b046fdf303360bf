#!/usr/bin/env bash
# tools/main-job.sh: the main job. Until the tunnel exists it validates every
# config in sample-config/ with --check-config (test keys are generated into a
# temporary directory); the client issue turns it into a server and a client
# in two namespaces with a ping through the tunnel.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${OPENVPN_BIN:-$PWD/build/bin/openvpn}
[ -x "$bin" ] || { echo "main-job: $bin missing; run tools/setup.sh first" >&2; exit 1; }
"$bin" --version
work=$(mktemp -d /tmp/main-job.XXXXXX)
trap 'rm -rf "$work"' EXIT
bash sample-config/make-keys.sh "$work/keys" "$bin" >/dev/null
status=0
for c in sample-config/*.conf; do
  name=$(basename "$c")
  cp "$c" "$work/$name"
  echo "== $name"
  if ! (cd "$work" && "$bin" --check-config --config "$name"); then
    echo "main-job: $name FAILED --check-config" >&2
    status=1
  fi
done
exit $status
