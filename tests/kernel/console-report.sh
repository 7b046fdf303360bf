#!/usr/bin/env bash
# tests/kernel/console-report.sh LOG: print every kernel fault report found
# in a VM's serial console log (run.sh calls it when a run fails), whole:
# from its first line ("------------[ cut here ]", "BUG:", "Oops",
# "watchdog:", "WARNING:", "general protection", "Kernel panic", ...)
# to its end ("---[ end trace", "Kernel panic - not syncing", the next
# KTEST line, or 400 lines). A report printed twice (run.sh boots with
# panic_print=0x20, which replays the whole kernel log on a panic: that
# replay holds the stacks that the guest's console level kept off the
# console the first time) is shown once, in its longest copy.
# Exit status: 0 if a report was found, 1 if none.
set -uo pipefail
[ $# -eq 1 ] && [ -r "$1" ] || {
  echo "usage: console-report.sh CONSOLE_LOG" >&2
  exit 2
}

awk '
function flush() {
  if (n == 0) return
  if (key == "") key = buf
  if (!(key in len)) order[++nkeys] = key
  if (n > len[key]) { len[key] = n; text[key] = buf }
  n = 0; buf = ""; key = ""
}
{
  line = $0
  body = line
  sub(/^\[ *[0-9]+\.[0-9]+\] /, "", body)
  if (n > 0) {
    if (line ~ /^(KTEST|  \|)/) {
      flush()
    } else {
      buf = buf "\n" line
      n++
      if (key == "") key = body
      if (body ~ /^---\[ end / || body ~ /^Kernel panic - not syncing/ || n >= 400) flush()
      next
    }
  }
  if (body ~ /^(-+\[ cut here \]-+|BUG:|Oops|watchdog:|WARNING:|kernel BUG at|general protection fault|Unable to handle|Kernel panic|rcu: INFO:|INFO: task .* blocked|INFO: rcu_|refcount_t:|stack guard page|kernel stack overflow|unregister_netdevice: waiting)/) {
    n = 1
    buf = line
    # after a cut-here line the next line names the report
    key = body ~ /cut here/ ? "" : body
    if (body ~ /^Kernel panic - not syncing/) flush()
  }
}
END {
  flush()
  for (i = 1; i <= nkeys; i++) {
    k = order[i]
    printf "---- kernel report %d of %d (%d lines) ----\n%s\n", i, nkeys, len[k], text[k]
  }
  exit nkeys > 0 ? 0 : 1
}' "$1"
