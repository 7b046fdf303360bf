#!/usr/bin/env bash
# tests/stages.d/30-kernel.sh: the kernel tests under qemu (tests/kernel).
# Builds the real ovpn-dco-v2 (Debian's openvpn-dco-dkms, the control group)
# and ours (kernel/), then boots one VM per module (both at once) and runs
# every scenario in tests/kernel/scenarios in each. The control group's dmesg
# findings (known WARNING / refcount underflow in its TCP path) are printed
# but do not fail the stage; every failure with our module does. Scenarios
# in ours_pending (known open bugs of kernel/) are not run with ours yet and
# are listed loudly.
# Needs root. Fails loudly when anything it needs is missing.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

say() { echo "== 30-kernel: $*"; }
die() {
  echo "== 30-kernel: FAIL: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (qemu, dkms, module builds)"

# Packages (tools/setup.sh installs them already; this makes the stage
# self-sufficient on a fresh machine).
mapfile -t pkgs < <(sed 's/#.*//' tools/deps/kernel.txt | tr -s ' \t' '\n' | grep -v '^$')
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

kver=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1)
[ -n "$kver" ] || die "no /boot/vmlinuz-* (linux-image-amd64)"
[ -d "/lib/modules/$kver/build" ] || die "no headers for $kver (linux-headers-amd64)"
say "kernel $kver"

# The control group: Debian's module, built by dkms for these headers.
real=$(ls /lib/modules/"$kver"/updates/dkms/ovpn-dco-v2.ko* 2>/dev/null | head -n1)
if [ -z "$real" ]; then
  dver=$(ls -d /usr/src/ovpn-dco-* 2>/dev/null | sed 's|/usr/src/ovpn-dco-||' | sort -V | tail -n1)
  [ -n "$dver" ] || die "openvpn-dco-dkms sources not in /usr/src"
  say "dkms build/install ovpn-dco/$dver for $kver"
  dkms install -m ovpn-dco -v "$dver" -k "$kver" >/tmp/kvmt-dkms.$$.log 2>&1 || {
    cat /tmp/kvmt-dkms.$$.log
    die "dkms could not build the real module"
  }
  rm -f /tmp/kvmt-dkms.$$.log
  real=$(ls /lib/modules/"$kver"/updates/dkms/ovpn-dco-v2.ko* 2>/dev/null | head -n1)
  [ -n "$real" ] || die "dkms installed no ovpn-dco-v2.ko for $kver"
fi

out=$repo/build/kernel-tests
rm -rf "$out"
mkdir -p "$out"

# Ours.
say "building kernel/ (make -C kernel)"
make -C kernel KERNEL_SRC="/lib/modules/$kver/build" >"$out/make-kernel.log" 2>&1 || {
  tail -n 40 "$out/make-kernel.log"
  die "our module does not build (make -C kernel), full log in $out/make-kernel.log"
}
ours=$repo/kernel/ovpn-dco-v2.ko
[ -f "$ours" ] || die "make -C kernel produced no kernel/ovpn-dco-v2.ko"

# Scenarios NOT run with our module: known open bugs of kernel/ that break
# or hang the VM (reported to its owner), listed loudly as PENDING in the
# output; everything else gates. Comma-separated names; KVMT_OURS_PENDING
# overrides it. Empty now: the TCP scenarios (stream framing broke after the
# hand-over, MP-over-TCP kworker lockup) were pending until kernel/ 94a9583,
# with which all of them passed twice in a row.
ours_pending=${KVMT_OURS_PENDING-}

# Both VMs at once (each scenario is mostly waiting under emulation).
say "booting two VMs: real module (control group) and ours"
tests/kernel/run.sh --real --known-findings-ok --timeout 1800 --out "$out/real" >"$out/real.txt" 2>&1 &
rpid=$!
pend_args=()
[ -n "$ours_pending" ] && pend_args=(--pending "$ours_pending")
tests/kernel/run.sh --module "$ours" "${pend_args[@]}" --timeout 1800 --out "$out/ours" >"$out/ours.txt" 2>&1 &
opid=$!
wait "$rpid"
rrc=$?
wait "$opid"
orc=$?

echo "---------------- control group: Debian's ovpn-dco-v2 ----------------"
cat "$out/real.txt"
if grep -q '^FINDING' "$out/real.txt"; then
  echo "!! control group findings (known bugs of the real module, not counted):"
  grep '^FINDING' "$out/real.txt" | sed 's/^/!!   /'
fi
echo "---------------- ours: kernel/ovpn-dco-v2.ko ----------------"
cat "$out/ours.txt"
if grep -q '^PENDING' "$out/ours.txt"; then
  echo "!! OUR MODULE IS NOT YET TESTED in these scenarios (known open bugs, PENDING):"
  grep '^PENDING' "$out/ours.txt" | sed 's/^/!!   /'
fi
echo "---------------------------------------------------------------------"
say "control group: exit $rrc; ours: exit $orc (console logs in $out/*/console.log)"
[ "$rrc" -eq 0 ] || echo "== 30-kernel: the control group failed: a scenario or the runner is broken" >&2
[ "$orc" -eq 0 ] || echo "== 30-kernel: our module failed" >&2
[ "$rrc" -eq 0 ] && [ "$orc" -eq 0 ]
