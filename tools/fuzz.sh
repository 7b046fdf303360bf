#!/bin/bash
# Runs the libFuzzer targets of tests/fuzz/ at nice 19, one after another,
# each for a given number of seconds, starting from its committed corpus.
#
#   tools/fuzz.sh [-t SECONDS] [-m] [target ...]
#
#   -t SECONDS  time per target (default 60)
#   -m          merge what a run found into tests/fuzz/corpus/<target>
#               (libFuzzer -merge=1: only inputs that add coverage)
#   target      names without the fuzz_ prefix (default: every target)
#
# Builds build-fuzz/ with clang and -DOVPN_FUZZ=ON when it is missing.
# Every run appends "date target seconds runs result" to
# build-fuzz/fuzz-runs.tsv; the totals per target are printed at the end.
# A crash leaves its input as build-fuzz/fuzz-work/crash-<target>-* and
# makes the script exit 1 (after the other targets have run).
set -u
cd "$(dirname "$0")/.."

secs=60
merge=0
while getopts "t:m" o; do
  case "$o" in
    t) secs=$OPTARG ;;
    m) merge=1 ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

bdir=build-fuzz
if [ ! -f "$bdir/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$bdir" -G Ninja -DOVPN_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/*.cpp; do
    n=$(basename "$f" .cpp)
    [ "$n" = replay_main ] || targets+=("$n")
  done
fi
cmake --build "$bdir" -j"$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null || {
  echo "fuzz: build failed (cmake --build $bdir)" >&2
  exit 1
}

work=$bdir/fuzz-work
log=$bdir/fuzz-runs.tsv
mkdir -p "$work"
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t" "tests/fuzz/corpus/$t"
  out=$work/$t.log
  nice -n 19 "$bdir/bin/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
    -artifact_prefix="$work/crash-$t-" "$work/$t" "tests/fuzz/corpus/$t" >"$out" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -n1)
  result=ok
  if [ "$rc" -ne 0 ]; then
    result=CRASH
    failed=1
    grep -m3 -E 'ERROR|==[0-9]+==|Test unit written' "$out" >&2
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$secs" "${runs:-0}" "$result" >>"$log"
  printf 'fuzz %-22s %6ss %12s runs  %s\n' "$t" "$secs" "${runs:-0}" "$result"
  if [ "$merge" = 1 ] && [ "$rc" -eq 0 ]; then
    nice -n 19 "$bdir/bin/fuzz_$t" -merge=1 "tests/fuzz/corpus/$t" "$work/$t" >/dev/null 2>&1
  fi
done

echo "totals in $log (runs per target, all recorded runs):"
awk -F'\t' '{ runs[$2] += $4; if ($5 != "ok") bad[$2]++ }
  END { for (t in runs) printf "  %-22s %14d%s\n", t, runs[t], (bad[t] ? "  CRASHED " bad[t] "x" : "") }' \
  "$log" | sort
exit "$failed"
