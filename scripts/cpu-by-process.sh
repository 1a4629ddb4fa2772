#!/bin/bash
# Whose CPU a command used, from `perf record` samples (4,000 a second of CPU, every thread and
# child): CPU seconds by program name, and of those the largest process (with its threads) apart
# from the others of that name, so that sluice's Node process, its launcher and the tasks it
# starts can be told apart. A process started with posix_spawn or fork is counted under its
# parent's name until it calls exec, under its own after: the cost of starting a program shows
# as the spawner's name in the other processes.
#
#   scripts/cpu-by-process.sh COMMAND [ARG ...]
#   e.g. scripts/cpu-by-process.sh node dist/cli/main.js map -j 2 -- true ::: $(seq 10000)
#        scripts/cpu-by-process.sh sh -c 'seq 10000 | xargs -P2 -n1 true'
#
# Needs perf (linux-perf) and permission to use it (root, or kernel.perf_event_paranoid <= 1).
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: scripts/cpu-by-process.sh COMMAND [ARG ...]" >&2
  exit 2
fi
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
perf record -q -F 4000 -o "$work/perf.data" -- "$@" > /dev/null
# One line per sample: the program's name and the pid/tid.
perf script -i "$work/perf.data" -F comm,pid,tid 2>/dev/null > "$work/samples"
awk -v hz=4000 '
  { comm = $1; for (i = 2; i < NF; i++) comm = comm " " $i; split($NF, ids, "/")
    key = comm SUBSEP ids[1]; if (!(key in byPid)) pids[comm]++; byPid[key]++; byComm[comm]++; total++ }
  END {
    printf "%.2f s of CPU in all (%d samples)\n", total / hz, total
    for (key in byPid) { split(key, k, SUBSEP); if (byPid[key] > top[k[1]]) { top[k[1]] = byPid[key]; topPid[k[1]] = k[2] } }
    for (c in byComm) {
      rest = byComm[c] - top[c]
      line = sprintf("%8.2f s  %5.1f %%  %s: pid %s %.2f s", byComm[c] / hz, 100 * byComm[c] / total, c, topPid[c], top[c] / hz)
      if (pids[c] > 1) line = line sprintf(", %d other processes %.2f s", pids[c] - 1, rest / hz)
      print line | "sort -rn"
    }
    close("sort -rn")
  }' "$work/samples"
