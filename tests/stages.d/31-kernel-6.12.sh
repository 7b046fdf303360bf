#!/usr/bin/env bash
# Stage 31-kernel-6.12: kernel/ on Debian's 6.12 kernel (bookworm-security's
# linux-6.12, the kernel of Debian 13), not only on the 6.1 of stage 30.
# The newest linux-headers-6.12.*+deb12-amd64, its -common part, linux-kbuild
# and the matching linux-image are downloaded and unpacked under build/
# (never installed: installing a kernel would run every dkms module's build
# for it; Debian's own openvpn-dco-dkms does not build for 6.12). The module
# is built there without warnings, then that kernel boots under qemu with it
# and runs a subset of stage 30's scenarios: Debian's 2.6 over UDP4, UDP6
# and TCP4 and as a P2MP server with three clients on our module, the DCO
# contract suite, and our daemon as a P2MP server on DCO, plain (80) and
# under the client-to-client / iroute / loop ping flood with reconnects (82)
# (dmesg clean after each). Needs root, qemu and network access to Debian's
# mirror.
set -uo pipefail
cd "$(dirname "$0")/../.."
die() { echo "31-kernel-6.12: $*" >&2; exit 1; }
work=$PWD/build/k612
mkdir -p "$work/debs"
hdr=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9.]*\+deb12-amd64$' | cut -d' ' -f1 | sort -V | tail -n1)
[ -n "$hdr" ] || die "apt knows no linux-headers-6.12.*+deb12-amd64 (apt-get update?)"
kver=${hdr#linux-headers-}
abi=${kver%-amd64}
echo "== kernel/ against $kver"
(cd "$work/debs" && apt-get -o APT::Sandbox::User=root download -q "$hdr" "linux-headers-$abi-common" \
  "linux-kbuild-$abi" "linux-image-$kver" >/dev/null) ||
  die "could not download $hdr, linux-headers-$abi-common, linux-kbuild-$abi and linux-image-$kver"
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
echo "31-kernel-6.12: ovpn-dco-v2.ko built for $kver without warnings"
# the kernel itself, with the modules.dep an install would have made
depmod -b "$root" "$kver" || die "depmod for the unpacked $kver failed"
[ -r "$root/boot/vmlinuz-$kver" ] || die "no vmlinuz-$kver in the unpacked image"
exec bash tests/kernel/run.sh --module "$work/src/ovpn-dco-v2.ko" --kver "$kver" --kroot "$root" --timeout 1500 --out "$work/run" \
  10-udp4-aes 12-udp6-aes 14-tcp4-aes 20-mp-udp-three-clients 54-dco-contract 80-our-server-udp \
  82-our-server-c2c-loop
