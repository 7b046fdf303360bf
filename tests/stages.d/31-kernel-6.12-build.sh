#!/usr/bin/env bash
# Stage 31-kernel-6.12-build: kernel/ builds for Debian's 6.12 kernel
# (bookworm-security's linux-6.12, the kernel of Debian 13), not only for
# the 6.1 the VM tests boot. The newest linux-headers-6.12.*+deb12-amd64,
# its -common part and linux-kbuild are downloaded and unpacked under
# build/ (never installed: installing a kernel would run every dkms module's
# build for it), and the module is built there. The built module's vermagic
# must name that kernel. Needs network access to Debian's mirror.
set -uo pipefail
cd "$(dirname "$0")/../.."
die() { echo "31-kernel-6.12-build: $*" >&2; exit 1; }
work=$PWD/build/k612
mkdir -p "$work/debs"
hdr=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9.]*\+deb12-amd64$' | cut -d' ' -f1 | sort -V | tail -n1)
[ -n "$hdr" ] || die "apt knows no linux-headers-6.12.*+deb12-amd64 (apt-get update?)"
kver=${hdr#linux-headers-}
abi=${kver%-amd64}
echo "== kernel/ against $kver"
(cd "$work/debs" && apt-get -o APT::Sandbox::User=root download -q "$hdr" "linux-headers-$abi-common" "linux-kbuild-$abi" >/dev/null) ||
  die "could not download $hdr, linux-headers-$abi-common and linux-kbuild-$abi"
root=$work/root
rm -rf "$root" "$work/src"
for d in "$work"/debs/*"$abi"*.deb; do dpkg-deb -x "$d" "$root" || die "dpkg-deb -x $d failed"; done
ksrc=$root/usr/src/linux-headers-$kver
[ -f "$ksrc/Makefile" ] || die "no $ksrc/Makefile in the unpacked headers"
# the headers' Makefile includes the -common part by its absolute path
sed -i "s|/usr/src/|$root/usr/src/|" "$ksrc/Makefile"
cp -r kernel "$work/src"
# BTF for modules needs pahole, which only a real install pulls in
if ! make -C "$work/src" KERNEL_SRC="$ksrc" CONFIG_DEBUG_INFO_BTF_MODULES= >"$work/build.log" 2>&1; then
  grep -E 'error|warning' "$work/build.log" | head -20
  die "kernel/ does not build for $kver (log: $work/build.log)"
fi
if grep -E '(warning|error):' "$work/build.log"; then die "the $kver build warns"; fi
vm=$(modinfo -F vermagic "$work/src/ovpn-dco-v2.ko")
case "$vm" in "$kver "*) ;; *) die "built module's vermagic '$vm' is not $kver" ;; esac
echo "31-kernel-6.12-build: ovpn-dco-v2.ko built for $kver without warnings"
