#!/usr/bin/env bash
# tests/kernel/build-initramfs.sh: build the guest initramfs (cpio.gz) for the
# kernel tests: busybox, Debian's openvpn/iperf3/ip/ping/kmod with their
# shared libraries, the crypto/veth/tun/udp_tunnel modules with modules.dep,
# the ovpn-dco-v2 module under test, fresh test keys, the nltool and the
# scenario scripts. Our build/bin/openvpn, build/bin/ovpn-dco-cli and
# build/bin/dco_contract_tests are added when they exist.
#
# usage: build-initramfs.sh --module KO --out FILE.cpio.gz [--kver VER] [--label real|ours]
#                           [--kroot DIR]
# --kroot: a kernel unpacked from its .deb under DIR (DIR/lib/modules/VER
# with a modules.dep from `depmod -b DIR VER`), not the installed one.
#                           [--bench-module KO]   (a second module, for bench.sh:
#                                                  /ktest/modules/bench-ovpn-dco-v2.ko)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

module=""
out=""
label="ours"
kver=""
kroot=""
bench_module=""
while [ $# -gt 0 ]; do
  case "$1" in
  --module) module=$2; shift 2 ;;
  --out) out=$2; shift 2 ;;
  --kver) kver=$2; shift 2 ;;
  --kroot) kroot=$2; shift 2 ;;
  --label) label=$2; shift 2 ;;
  --bench-module) bench_module=$2; shift 2 ;;
  *) echo "build-initramfs.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
die() { echo "build-initramfs.sh: $*" >&2; exit 1; }
[ -n "$module" ] && [ -n "$out" ] || die "need --module KO and --out FILE"
[ -f "$module" ] || die "module $module not found"
if [ -z "$kver" ]; then
  kver=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1)
fi
[ -d "$kroot/lib/modules/$kver/kernel" ] || die "no $kroot/lib/modules/$kver (install linux-image-amd64)"
for t in /bin/busybox /usr/sbin/openvpn /usr/bin/iperf3 /usr/sbin/ip /usr/bin/ping /usr/bin/kmod cpio gzip depmod openssl; do
  command -v "$t" >/dev/null || die "missing $t (see tools/deps/kernel.txt)"
done

root=$(mktemp -d /tmp/kvmt-initramfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root" # the guest's /: mktemp made it 0700, closed to a daemon running as nobody

# Merged-/usr layout like Debian 12.
mkdir -p "$root"/usr/{bin,sbin,lib/x86_64-linux-gnu,lib64} "$root"/{dev,proc,sys,tmp,run,etc,root,var}
ln -s usr/bin "$root/bin"
ln -s usr/sbin "$root/sbin"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
ln -s ../run "$root/var/run"

cp /bin/busybox "$root/usr/bin/busybox"
for a in $(/bin/busybox --list); do
  [ -e "$root/usr/bin/$a" ] || ln -s busybox "$root/usr/bin/$a"
done

# Copy an ELF binary to the same path in the guest, with what ldd lists.
copy_elf() {
  local src=$1 dst=${2:-$1}
  rm -f "$root$dst"
  mkdir -p "$(dirname "$root$dst")"
  cp -L "$src" "$root$dst"
  local lib
  for lib in $(ldd "$src" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
    local real
    real=$(readlink -f "$lib")
    # keep the path the loader asks for (/lib64/..., /lib/x86_64-linux-gnu/...)
    local d=$lib
    case "$d" in /lib/* | /lib64/*) d=/usr$d ;; esac
    [ -e "$root$d" ] && continue
    mkdir -p "$(dirname "$root$d")"
    cp -L "$real" "$root$d"
  done
}
copy_elf /usr/sbin/openvpn
copy_elf /usr/bin/iperf3
copy_elf /usr/sbin/ip /usr/sbin/ip
copy_elf /usr/bin/ping
copy_elf /usr/bin/kmod /usr/bin/kmod
# strace: proves our daemon sees no data packets under DCO (lib.sh)
if command -v strace >/dev/null; then
  copy_elf "$(command -v strace)" /usr/bin/strace
fi
for a in modprobe insmod rmmod lsmod depmod modinfo; do
  rm -f "$root/usr/sbin/$a"
  ln -s ../bin/kmod "$root/usr/sbin/$a"
done

mkdir -p "$root/ktest/bin"
# Ours, when built (the dco helper's scenarios need them).
for b in openvpn ovpn-dco-cli dco_contract_tests; do
  if [ -x "$repo/build/bin/$b" ]; then
    copy_elf "$repo/build/bin/$b" "/ktest/bin/$b"
  fi
done

# nltool: statically linked when possible (libnl static archives), else with
# its shared libraries.
nlsrc="$here/nltool.c"
if [ -f "$nlsrc" ]; then
  nlbin=$(mktemp /tmp/kvmt-nltool.XXXXXX)
  cflags=$(pkg-config --cflags libnl-genl-3.0)
  libs=$(pkg-config --libs libnl-genl-3.0)
  if ! gcc -O2 -Wall -Wextra -Werror $cflags -o "$nlbin" "$nlsrc" $libs; then
    rm -f "$nlbin"
    die "nltool.c does not build"
  fi
  copy_elf "$nlbin" /ktest/bin/nltool
  rm -f "$nlbin"
fi

# kstress: the stress driver of scenarios 91-97 (kstress/, libnl + OpenSSL).
ksbin=$(mktemp /tmp/kvmt-kstress.XXXXXX)
# shellcheck disable=SC2046
if ! gcc -O2 -Wall -Wextra -Werror $(pkg-config --cflags libnl-genl-3.0 libcrypto) -o "$ksbin" "$here"/kstress/*.c \
  $(pkg-config --libs libnl-genl-3.0 libcrypto); then
  rm -f "$ksbin"
  die "kstress/*.c does not build"
fi
copy_elf "$ksbin" /ktest/bin/kstress
rm -f "$ksbin"

# Kernel modules: the whole crypto directories (the kernel asks for algorithm
# templates on demand), the tunnel/veth/tun drivers, with their dependencies.
mdir=$kroot/lib/modules/$kver
gmdir=$root/usr/lib/modules/$kver
mkdir -p "$gmdir/extra"
for d in kernel/crypto kernel/arch/x86/crypto kernel/lib/crypto; do
  mkdir -p "$gmdir/$d"
  cp -a "$mdir/$d/." "$gmdir/$d/"
done
want="veth tun udp_tunnel ip6_udp_tunnel"
for dep in $(modinfo -F depends "$module" | tr ',' ' '); do
  want="$want $dep"
done
for m in $want; do
  for f in $(modprobe ${kroot:+-d "$kroot"} -S "$kver" -D "$m" 2>/dev/null | awk '$1 == "insmod" {print $2}'); do
    rel=${f#"$mdir"/}
    [ "$rel" != "$f" ] || continue
    case "$rel" in updates/*) continue ;; esac
    mkdir -p "$gmdir/$(dirname "$rel")"
    cp -a "$f" "$gmdir/$rel"
  done
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
  [ -f "$mdir/$f" ] && cp "$mdir/$f" "$gmdir/$f"
done
case "$module" in
*.ko.xz) cp "$module" "$gmdir/extra/ovpn-dco-v2.ko.xz" ;;
*.ko.zst) cp "$module" "$gmdir/extra/ovpn-dco-v2.ko.zst" ;;
*) cp "$module" "$gmdir/extra/ovpn-dco-v2.ko" ;;
esac
depmod -b "$root" "$kver"
[ -s "$gmdir/modules.dep" ] || die "depmod produced no modules.dep"
grep -q '^extra/ovpn-dco-v2.ko' "$gmdir/modules.dep" || die "module under test missing from modules.dep"

# Test keys: a fresh EC P-256 PKI every build (never reused, never secret).
keys=$root/ktest/keys
mkdir -p "$keys"
(
  cd "$keys"
  exec >/dev/null 2>&1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout ca.key -out ca.crt -days 30 -subj /CN=kvmt-ca \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
  mk() {
    local name=$1 eku=$2
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$name.key" -out "$name.csr" -subj "/CN=$name"
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=%s\n' "$eku" >"$name.ext"
    openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
      -out "$name.crt" -days 30 -extfile "$name.ext"
    rm -f "$name.csr" "$name.ext"
  }
  mk server serverAuth
  mk client1 clientAuth
  mk client2 clientAuth
  mk client3 clientAuth
  /usr/sbin/openvpn --genkey tls-crypt ta.key
  rm -f ca.key ca.srl
)
for f in ca.crt server.crt server.key client1.crt client3.key ta.key; do
  [ -s "$keys/$f" ] || die "key generation failed ($f)"
done

if [ -n "$bench_module" ]; then
  mkdir -p "$root/ktest/modules"
  cp "$bench_module" "$root/ktest/modules/bench-ovpn-dco-v2.ko"
fi

# Scenarios and the init.
cp -a "$here/scenarios" "$root/ktest/scenarios"
cp "$here"/bench*-guest.sh "$root/ktest/"
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init"
echo "$label" >"$root/ktest/label"
echo "$kver" >"$root/ktest/kver"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
echo "build-initramfs.sh: $out ($(du -h "$out" | cut -f1), kernel $kver, module $module as $label)"
