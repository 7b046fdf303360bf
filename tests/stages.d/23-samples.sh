#!/usr/bin/env bash
# Stage 23-samples: Debian's sample configs (server.conf/client.conf with the
# sample keys, and the loopback pair), unmodified, with ours as the client,
# as the server, and at both ends (tests/samples/run.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "23-samples: needs root (network namespaces)" >&2; exit 1; }
[ -x build/bin/openvpn ] || { echo "23-samples: build/bin/openvpn missing; run tools/setup.sh" >&2; exit 1; }
rc=0
for mode in client server both; do
  bash tests/samples/run.sh --mode "$mode" --ours "$PWD/build/bin/openvpn" --ref /usr/sbin/openvpn || rc=1
done
exit $rc
