#!/usr/bin/env bash
# tests/interop/stage.sh MODE [SCENARIO...]: what the 2x-interop stages run.
# Checks that the stage can run (root, our build, Debian's openvpn) and fails
# loudly when it cannot, then runs the SCENARIOs of run.sh (default: all of
# ALL) in MODE.
set -uo pipefail
cd "$(dirname "$0")/../.."
mode=${1:?usage: stage.sh client|server|both [SCENARIO...]}
shift
[ "$(id -u)" -eq 0 ] || { echo "interop ($mode): needs root (network namespaces)" >&2; exit 1; }
[ -x build/bin/openvpn ] || { echo "interop ($mode): build/bin/openvpn missing; run tools/setup.sh" >&2; exit 1; }
[ -x /usr/sbin/openvpn ] || { echo "interop ($mode): Debian's openvpn missing (tools/deps)" >&2; exit 1; }
exec bash tests/interop/run.sh --mode "$mode" --ours "$PWD/build/bin/openvpn" --ref /usr/sbin/openvpn "$@"
