#!/usr/bin/env bash
# tests/kernel/run.sh: boot Debian's kernel under qemu with an initramfs that
# holds the ovpn-dco-v2 module under test, run the scenarios inside (one boot),
# and report. Exit code = number of failed scenarios (+1 if the VM did not
# finish). See tests/kernel/README.md.
#
# usage: run.sh [--real | --module KO] [--known-findings-ok] [--timeout SECS]
#               [--pending A,B] [--kver VER] [--kroot DIR] [--out DIR] [--keep]
#               [--save DIR] [--append ARGS] [--repeat N] [scenario ...]
# --kroot: boot a kernel unpacked from its .deb under DIR (DIR/boot/vmlinuz-VER,
# DIR/lib/modules/VER) instead of an installed one; --kver names it.
# --pending: scenarios NOT run with this module (known open bugs that break
# or hang the VM); printed loudly as PENDING. Everything else counts.
# --save: where a failed run keeps its whole console log (console-full.log);
# default: --out DIR, else build/kernel-tests/<label>-<kver> in the tree.
# --repeat: run the selected scenarios N times in the one boot (a hunt).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
module=""
label=""
tolerate=0
pending=""
vm_timeout=900
kver=""
kroot=""
out=""
keep=0
bench_module=""
extra_append=""
save=""
repeat=1
scenarios=()
while [ $# -gt 0 ]; do
  case "$1" in
  --real) module=real; shift ;;
  --module) module=$2; shift 2 ;;
  --known-findings-ok) tolerate=1; shift ;;
  --pending) pending=",$2,"; shift 2 ;;
  --timeout) vm_timeout=$2; shift 2 ;;
  --kver) kver=$2; shift 2 ;;
  --kroot) kroot=$2; shift 2 ;;
  --out) out=$2; shift 2 ;;
  --keep) keep=1; shift ;;
  --bench-module) bench_module=$2; shift 2 ;;
  --append) extra_append=$2; shift 2 ;;
  --save) save=$2; shift 2 ;;
  --repeat) repeat=$2; shift 2 ;;
  -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
  -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  *) scenarios+=("${1%.sh}"); shift ;;
  esac
done
die() { echo "run.sh: $*" >&2; exit 1; }

if [ -z "$kver" ]; then
  kver=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1)
fi
# build-initramfs.sh matches module paths under it: make it absolute
[ -n "$kroot" ] && kroot=$(cd "$kroot" && pwd)
kernel=$kroot/boot/vmlinuz-$kver
[ -r "$kernel" ] || die "no readable $kernel (install linux-image-amd64; run as root)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (qemu-system-x86)"

if [ -z "$module" ] || [ "$module" = real ]; then
  label=real
  module=$(ls /lib/modules/"$kver"/updates/dkms/ovpn-dco-v2.ko* 2>/dev/null | head -n1)
  [ -n "$module" ] || die "the real module is not built for $kver: dkms build/install ovpn-dco (openvpn-dco-dkms) first"
else
  label=ours
  [ -f "$module" ] || die "module $module not found"
  module=$(readlink -f "$module")
fi

if [ -n "$out" ]; then
  work=$out
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/kvmt-run.XXXXXX)
fi
cleanup() {
  [ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null
  [ "$keep" -eq 1 ] || [ -n "$out" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== kernel tests: module $module ($label), kernel $kver"
bench_args=()
[ -n "$bench_module" ] && bench_args=(--bench-module "$bench_module")
"$here/build-initramfs.sh" --module "$module" --out "$work/initrd.cpio.gz" --kver "$kver" --label "$label" \
  ${kroot:+--kroot "$kroot"} \
  "${bench_args[@]}" || die "initramfs build failed"

# no_timer_check: under TCG on a loaded host the boot-time IO-APIC timer
# check can fail and panic ("IO-APIC + timer doesn't work"); skip it.
# The guest keeps kernel messages off the console (dmesg -n 1), so a stack
# printed at the default level (a soft lockup's, a WARNING's) would never
# reach the host if the VM dies: panic_print=0x20 replays the whole kernel
# log on the console when the kernel panics; softlockup_all_cpu_backtrace
# adds the other CPU's stack to a lockup report. With our module a soft
# lockup also panics (softlockup_panic=1): the VM ends with every stack on
# the console instead of hanging until the timeout with none (issue 16:
# scenario 80 once hung with "soft lockup [ping]" and nothing else). The
# control group keeps running after a lockup (its dmesg scan reports it).
append="console=ttyS0 quiet panic=-1 loglevel=3 no_timer_check panic_print=0x20 softlockup_all_cpu_backtrace=1"
[ "$label" = ours ] && append="$append softlockup_panic=1"
[ "$repeat" -gt 1 ] && append="$append ktest.repeat=$repeat"
append="$append${extra_append:+ $extra_append}"
pendings=0
if [ -n "$pending" ]; then
  [ "${#scenarios[@]}" -gt 0 ] || for f in "$here"/scenarios/[0-9]*.sh; do scenarios+=("$(basename "$f" .sh)"); done
  keep_list=()
  for n in "${scenarios[@]}"; do
    if [ "${pending#*,"$n",}" != "$pending" ]; then
      pendings=$((pendings + 1))
      echo "PENDING (not run with this module, known open bug): $n"
    else
      keep_list+=("$n")
    fi
  done
  scenarios=("${keep_list[@]}")
fi
if [ "${#scenarios[@]}" -gt 0 ]; then
  only=$(IFS=,; echo "${scenarios[*]}")
  append="$append ktest.only=$only"
fi

log=$work/console.log
boot_vm() {
  : >"$log"
  timeout --foreground -k 10 "$vm_timeout" qemu-system-x86_64 \
    -machine q35 -accel tcg,thread=multi -cpu max -smp 2 -m 1024 \
    -nodefaults -display none -monitor none -serial stdio -no-reboot -net none \
    -kernel "$kernel" -initrd "$work/initrd.cpio.gz" -append "$append" \
    </dev/null 2>&1 | sed -u 's/\r$//' | tee "$log" | grep --line-buffered -E '^(KTEST|  \|)' &
  qpid=$!
  wait "$qpid"
  qpid=""
}
t0=$SECONDS
boot_vm
# A kernel that panicked before the guest init printed anything never ran a
# scenario: that is the emulator, not the module under test. Boot once more.
if ! grep -q '^KTEST' "$log" && grep -q 'Kernel panic' "$log"; then
  echo "== the VM panicked before any scenario ran; console tail, then one more boot:"
  tail -n 20 "$log" | sed 's/^/  > /'
  boot_vm
fi
echo "== VM ran $((SECONDS - t0)) s"

fails=0
findings=0
passes=0
while IFS= read -r line; do
  read -r _ name res detail <<<"$line"
  case "$res" in
  PASS) passes=$((passes + 1)) ;;
  FAIL)
    if [ "$tolerate" -eq 1 ] && [ "${detail#dmesg: }" != "$detail" ]; then
      findings=$((findings + 1))
      echo "FINDING (control group, not counted): $name: $detail"
    else
      fails=$((fails + 1))
      echo "FAILED: $name: $detail"
    fi
    ;;
  esac
done < <(grep -E '^KTEST [^ ]+ (PASS|FAIL)' "$log")

if ! grep -q '^KTEST-END' "$log"; then
  fails=$((fails + 1))
  last=$(grep '^KTEST-INFO start ' "$log" | tail -n1 | awk '{print $3}')
  echo "FAILED: the VM did not finish (timeout ${vm_timeout}s, panic or hang) during ${last:-boot}; console tail:"
  tail -n 30 "$log" | sed 's/^/  > /'
fi
if [ "$passes" -eq 0 ] && [ "$fails" -eq 0 ] && [ "$findings" -eq 0 ]; then
  fails=1
  echo "FAILED: no scenario ran"
fi
# A failed run keeps the whole console log and prints every kernel report
# in it whole (a tail loses the top of a panic: the faulting frame).
if [ "$fails" -gt 0 ] || [ "$findings" -gt 0 ]; then
  if [ -z "$save" ]; then
    save=${out:-$here/../../build/kernel-tests/$label-$kver}
  fi
  if mkdir -p "$save" && cp "$log" "$save/console-full.log"; then
    echo "== whole console log: $(cd "$save" && pwd)/console-full.log"
  else
    echo "== could not keep the console log in $save" >&2
  fi
  if "$here/console-report.sh" "$log" >"$work/reports.txt"; then
    echo "== kernel reports on the console:"
    sed 's/^/  > /' "$work/reports.txt"
  fi
fi
if [ "$findings" -gt 0 ]; then
  echo "== $findings dmesg finding(s) in the control group ($label module); excerpts above (KTEST-DMESG)."
fi
[ "$pendings" -gt 0 ] && echo "== $pendings scenario(s) PENDING, NOT RUN with this module (known open bugs): fix them and drop them from --pending."
echo "== kernel tests ($label): $passes passed, $fails failed, $findings findings, $pendings pending"
[ "$keep" -eq 1 ] && echo "== work dir kept: $work"
exit "$fails"
