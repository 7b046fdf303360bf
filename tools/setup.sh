#!/usr/bin/env bash
# tools/setup.sh: install what the project needs on a fresh Debian 12 (as
# root), then configure and build. Package lists live in tools/deps/*.txt so
# each test layer names its own needs. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (it installs Debian packages)" >&2
  exit 1
fi

mapfile -t pkgs < <(cat tools/deps/*.txt | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js and npm for the management stage's real client (npm's
# node-openvpn): Debian's packages, unless the machine has its own npm
# (installing Debian's npm beside another Node.js would replace it).
command -v npm >/dev/null || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -qq
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
fi

werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B build -G Ninja -DOVPN_WERROR=$werror >/dev/null
cmake --build build -j"$(nproc)"
echo "== built: build/bin/openvpn"
