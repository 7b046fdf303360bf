#!/usr/bin/env bash
# tools/build-packages.sh: build the Debian packages (as root on Debian 12):
#   openvpn-ng        /usr/sbin/openvpn, units, /etc/openvpn layout
#   ovpn-dco-ng-dkms  kernel/ as DKMS source
# into build/packages/ (or OUTDIR). Installs the build dependencies that
# debian/control names, then runs dpkg-buildpackage on a copy of the tree
# (build/deb-src/), so nothing is written next to the sources or above them.
# Install the result with: apt install ./build/packages/*.deb
#
# usage: tools/build-packages.sh [OUTDIR]
# OVPN_DEB_SRC=DIR builds in DIR instead of build/deb-src (a fixed path keeps
# ccache's hits across checkouts: the compiler flags name the source path).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=$(realpath -m "${1:-build/packages}")
work=$(realpath -m "${OVPN_DEB_SRC:-build/deb-src}")
# debhelper gives the build its own HOME: point ccache at the usual cache.
if command -v ccache >/dev/null; then
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  CCACHE_DIR=${CCACHE_DIR:-$(ccache -k cache_dir)}
  export CCACHE_DIR
fi

if ! dpkg-checkbuilddeps debian/control >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || { echo "build-packages: build dependencies missing; run as root to install them" >&2; exit 1; }
  echo "== installing the build dependencies of debian/control"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -qq
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends dpkg-dev
  apt-get -o DPkg::Lock::Timeout=900 build-dep -y -qq --no-install-recommends "$repo"
fi

src=$work/openvpn-ng
rm -rf "$work"
mkdir -p "$src" "$out"
# The files git knows (committed or not), not build trees or other output.
git ls-files -z --cached --others --exclude-standard |
  grep -zv '^build/' | tar -c --null -T - | tar -x -C "$src"
echo "== dpkg-buildpackage in $src"
(cd "$src" && dpkg-buildpackage -b -uc -us -j"$(nproc)") >"$work/build.log" 2>&1 || {
  tail -n 40 "$work/build.log" >&2
  echo "build-packages: dpkg-buildpackage failed; full log: $work/build.log" >&2
  exit 1
}
rm -f "$out"/openvpn-ng_*.deb "$out"/openvpn-ng-dbgsym_*.deb "$out"/ovpn-dco-ng-dkms_*.deb
mv "$work"/*.deb "$out"/
ls -1 "$out"/*.deb
