#!/usr/bin/env bash
# tests/stages.d/40-packages.sh: the Debian packages, installed as a user
# would, under a real systemd (see tests/packages/README.md).
#  1. tools/build-packages.sh builds openvpn-ng and ovpn-dco-ng-dkms;
#  2. a fresh Debian 12 root (debootstrap --variant=minbase bookworm, plus a
#     kernel, its headers and systemd to boot it; no netbase, no /etc/hosts)
#     gets them with "apt-get install ./*.deb" and nothing else by hand: dkms
#     builds the module for the installed kernel; then a second kernel
#     (linux-image-cloud-amd64 + headers) is installed and must get it too;
#  3. qemu (software emulation) boots that root with Debian's kernel and
#     systemd as PID 1; tests/packages/guest.sh runs the Debian units there
#     (server, client, openvpn@), traffic across, logs and status paths,
#     update-systemd-resolved, the README's main job, then dpkg -r/--purge.
# The base root (before our packages) is cached in $OVPN_PKGTEST_CACHE
# under a key of its recipe; a cached root is used only while "apt-get
# upgrade" inside it has nothing to do, otherwise it is rebuilt.
# Needs root. Fails loudly when anything it needs is missing.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
t0=$SECONDS

say() { echo "== 40-packages: $* ($((SECONDS - t0)) s)"; }
die() {
  echo "== 40-packages: FAIL: $*" >&2
  exit 1
}
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, qemu)"

mapfile -t pkgs < <(sed 's/#.*//' tools/deps/packaging.txt | tr -s ' \t' '\n' | grep -v '^$')
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -qq || die "apt-get update failed"
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" ||
    die "cannot install ${missing[*]}"
fi

# Debian's mirrors, as this machine's apt reaches them.
mirror_of() { # SUITE-PATH (debian or debian-security)
  grep -rhoE "https?://[^ ]+/$1/?( |$)" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
    head -n1 | tr -d ' ' | sed 's|/$||'
}
mirror=${OVPN_DEBIAN_MIRROR:-$(mirror_of debian)}
secmirror=${OVPN_DEBIAN_SECURITY_MIRROR:-$(mirror_of debian-security)}
[ -n "$mirror" ] && [ -n "$secmirror" ] || die "no Debian mirror in /etc/apt/sources.list*"

out=$repo/build/pkgtest
cache=${OVPN_PKGTEST_CACHE:-/var/cache/openvpn-ng-pkgtest}
debs=$cache/debs # downloaded .debs, shared by debootstrap and apt in the root
mkdir -p "$out" "$debs"
root=$out/root

mounted=()
mount_root() { # DIR: what apt, dkms and initramfs-tools need in a chroot
  local d=$1
  mount -t proc proc "$d/proc" && mounted+=("$d/proc")
  mount --rbind /sys "$d/sys" && mount --make-rslave "$d/sys" && mounted+=("$d/sys")
  mount --rbind /dev "$d/dev" && mount --make-rslave "$d/dev" && mounted+=("$d/dev")
  mkdir -p "$d/var/cache/apt/archives"
  mount --bind "$debs" "$d/var/cache/apt/archives" && mounted+=("$d/var/cache/apt/archives")
}
umount_root() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -R "${mounted[$i]}" 2>/dev/null || umount -lR "${mounted[$i]}" 2>/dev/null
  done
  mounted=()
}
cleanup() {
  umount_root
  [ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_root() { # COMMAND...: run in the root, as apt would from a root shell
  chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}

# The base root: Debian 12 minbase, a kernel with headers, systemd to boot,
# and the tools the guest test uses. Nothing of ours.
base_packages="systemd-sysv udev kmod linux-image-amd64 linux-headers-amd64 initramfs-tools
  iproute2 iputils-ping netcat-openbsd openssl procps"
make_base_root() {
  debootstrap --variant=minbase --cache-dir="$debs" bookworm "$root" "$mirror" >"$out/debootstrap.log" 2>&1 || {
    tail -n 20 "$out/debootstrap.log"
    die "debootstrap failed (log: $out/debootstrap.log)"
  }
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
    "$mirror" "$mirror" "$secmirror" >"$root/etc/apt/sources.list"
  echo pkgtest >"$root/etc/hostname"
  mount_root "$root"
  # debootstrap took bookworm; upgrade to bookworm-updates/-security too, so
  # that the cache is current ("apt-get -s upgrade" empty) when made.
  in_root apt-get update -qq >"$out/base-apt.log" 2>&1 &&
    in_root apt-get upgrade -y >>"$out/base-apt.log" 2>&1 &&
    # shellcheck disable=SC2086
    in_root apt-get install -y --no-install-recommends $base_packages >>"$out/base-apt.log" 2>&1 || {
    tail -n 30 "$out/base-apt.log"
    die "the base root's packages did not install (log: $out/base-apt.log)"
  }
  umount_root
}

key=$( {
  declare -f make_base_root mount_root
  echo "$base_packages $mirror $secmirror"
} | sha256sum | cut -c1-16)
cached=$cache/base-$key

# OVPN_PKGTEST_VM_ONLY=1: boot the root that the last run left in
# build/pkgtest/root again, with the tree's guest test (for working on it).
if [ "${OVPN_PKGTEST_VM_ONLY:-0}" = 1 ]; then
  [ -x "$root/usr/sbin/openvpn" ] || die "OVPN_PKGTEST_VM_ONLY=1 but no installed root in $root"
  kver=$(ls "$root"/lib/modules | grep -v -- -cloud- | head -n1)
else
# 1. The packages.
say "building the packages (tools/build-packages.sh)"
OVPN_DEB_SRC=${OVPN_DEB_SRC:-/var/tmp/openvpn-ng-deb-src} tools/build-packages.sh "$out/debs" >"$out/build-packages.log" 2>&1 || {
  tail -n 40 "$out/build-packages.log"
  die "tools/build-packages.sh failed"
}
deb_daemon=$(ls "$out"/debs/openvpn-ng_*.deb)
deb_dkms=$(ls "$out"/debs/ovpn-dco-ng-dkms_*.deb)

# 2. The root: from the cache while it is current, else built afresh.
rm -rf "$root"
if [ -d "$cached" ]; then
  say "base root from the cache ($cached)"
  cp -a "$cached" "$root"
  mount_root "$root"
  if ! in_root apt-get update -qq >"$out/base-apt.log" 2>&1; then
    die "apt-get update in the cached root failed (log: $out/base-apt.log)"
  fi
  upgradable=$(in_root apt-get -s -q upgrade | grep -c '^Inst ' || true)
  umount_root
  if [ "$upgradable" -ne 0 ]; then
    say "the archive moved on ($upgradable upgrades): rebuilding the base root"
    rm -rf "$root" "$cached"
  fi
fi
if [ ! -d "$root" ]; then
  say "debootstrap --variant=minbase bookworm ($mirror)"
  rm -rf "$cache"/base-*
  make_base_root
  cp -a "$root" "$cached.tmp" && mv "$cached.tmp" "$cached"
fi
[ ! -e "$root/etc/hosts" ] || die "the minimal root has /etc/hosts: the test would not show that we do without"
in_root dpkg-query -W -f='${Status}' netbase 2>/dev/null | grep -q 'ok installed' && die "the minimal root has netbase"
kernels=$(ls "$root"/lib/modules)
[ "$(echo "$kernels" | wc -l)" -eq 1 ] || die "the base root should have one kernel: $kernels"
kver=$kernels

say "apt-get install ./openvpn-ng ./ovpn-dco-ng-dkms in the root (kernel $kver)"
mount_root "$root"
mkdir -p "$root/root/debs"
cp "$deb_daemon" "$deb_dkms" "$root/root/debs/"
in_root sh -c 'cd /root/debs && apt-get install -y --no-install-recommends ./*.deb' >"$out/install.log" 2>&1 || {
  tail -n 40 "$out/install.log"
  die "apt-get install of our packages failed (log: $out/install.log)"
}
in_root dkms status >"$out/dkms-status-1.txt" 2>&1
cat "$out/dkms-status-1.txt"
grep -q "^ovpn-dco-ng/.*, $kver, x86_64: installed" "$out/dkms-status-1.txt" ||
  die "dkms did not build our module for the installed kernel $kver (log: $out/install.log)"

say "a kernel installed afterwards: linux-image-cloud-amd64 + headers"
in_root apt-get install -y --no-install-recommends linux-image-cloud-amd64 linux-headers-cloud-amd64 \
  >"$out/install-kernel2.log" 2>&1 || {
  tail -n 40 "$out/install-kernel2.log"
  die "installing a second kernel failed (log: $out/install-kernel2.log)"
}
kver2=$(ls "$root"/lib/modules | grep -v "^$kver\$" | head -n1)
[ -n "$kver2" ] || die "no second kernel in /lib/modules"
in_root dkms status >"$out/dkms-status-2.txt" 2>&1
cat "$out/dkms-status-2.txt"
grep -q "^ovpn-dco-ng/.*, $kver2, x86_64: installed" "$out/dkms-status-2.txt" ||
  die "the kernel installed afterwards ($kver2) did not get our module (log: $out/install-kernel2.log)"

say "openvpn-systemd-resolved (Debian's) on top: it depends on openvpn, which openvpn-ng provides"
in_root apt-get install -y --no-install-recommends openvpn-systemd-resolved >"$out/install-resolved.log" 2>&1 || {
  tail -n 40 "$out/install-resolved.log"
  die "openvpn-systemd-resolved did not install beside openvpn-ng (log: $out/install-resolved.log)"
}
umount_root
fi
# The guest test, its fixtures and the README's main job (the tree's files).
mount_root "$root"
bash tests/packages/prepare-root.sh "$root" "$repo" || die "tests/packages/prepare-root.sh failed"
umount_root

# 3. Boot it.
img=$out/root.img
rm -f "$img"
truncate -s 4G "$img"
mkfs.ext4 -q -F -L pkgroot -d "$root" "$img" || die "mkfs.ext4 -d failed"
[ -r "$root/boot/vmlinuz-$kver" ] && [ -r "$root/boot/initrd.img-$kver" ] ||
  die "no /boot/vmlinuz-$kver or initrd in the root"
say "booting $kver under qemu (systemd as PID 1)"
log=$out/console.log
# results: the guest's lines without the console's "[time] unit[pid]: ".
results() { sed -u 's/^\[ *[0-9.]*\] pkgtest-guest.sh\[[0-9]*\]: //'; }
append="root=/dev/vda rw console=ttyS0 no_timer_check panic=-1 loglevel=3 systemd.show_status=0"
timeout --foreground -k 10 "${OVPN_PKGTEST_VM_TIMEOUT:-1500}" qemu-system-x86_64 \
  -machine q35 -accel tcg,thread=multi -cpu max -smp 2 -m 1536 \
  -nodefaults -display none -monitor none -serial stdio -no-reboot -net none \
  -kernel "$root/boot/vmlinuz-$kver" -initrd "$root/boot/initrd.img-$kver" -append "$append" \
  -drive file="$img",if=virtio,format=raw \
  </dev/null 2>&1 | sed -u 's/\r$//' | tee "$log" | results | grep --line-buffered -E '^(PKGTEST|  \|)' &
qpid=$!
wait "$qpid"
qpid=""
say "VM done"

# Checks that fail because of a known open gap in the daemon (not in the
# packaging), listed loudly and not counted; OVPN_PKGTEST_PENDING overrides.
# Empty: server-status-text passes since the server completes its start
# through session::initialization_completed (f7d2f23).
pending=",${OVPN_PKGTEST_PENDING-},"
fails=0
passes=0
while IFS= read -r line; do
  read -r _ name res detail <<<"$line"
  case "$res" in
  PASS)
    passes=$((passes + 1))
    [ "${pending#*,"$name",}" != "$pending" ] && echo "!! PENDING check $name PASSES now: take it off the pending list"
    ;;
  FAIL)
    if [ "${pending#*,"$name",}" != "$pending" ]; then
      echo "!! PENDING (known open gap, not counted): $name: $detail"
    else
      fails=$((fails + 1))
      echo "FAILED: $name: $detail"
    fi
    ;;
  esac
done < <(results <"$log" | grep -E '^PKGTEST [^ ]+ (PASS|FAIL)')
# grep -q reads from a process substitution, not a pipe: with pipefail, a
# pipe's writer killed by SIGPIPE after grep -q's early exit fails the test.
if ! grep -q '^PKGTEST-END' < <(results <"$log"); then
  fails=$((fails + 1))
  echo "FAILED: the VM did not finish; console tail:"
  tail -n 60 "$log" | sed 's/^/  > /'
fi
[ "$passes" -gt 0 ] || fails=$((fails + 1))
say "$passes passed, $fails failed (console: $log)"
[ "$fails" -eq 0 ]
