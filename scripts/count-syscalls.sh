#!/bin/bash
# The system calls of one first run of the diabetes pipeline (examples/diabetes), counted by
# `strace -f -c` over every thread: a figure that load on a shared machine does not move, where
# the CPU seconds of `npm run bench -- diabetes-throughput` do (each call costs 10-25 µs here).
#
#   scripts/count-syscalls.sh DIST [FILES] [LINES]    (DIST: a built dist/, e.g. ./dist)
#
# The data is bench/diabetes-data.ts's (made by `npm run bench -- diabetes-throughput` with the
# same FILES and LINES, default 700 and 700000); outputs go to /dev/shm as the bench's do.
set -euo pipefail
dist=$(cd "$1" && pwd)
files=${2:-700}
lines=${3:-700000}
data=$(ls -d "${TMPDIR:-/tmp}"/sluice-bench-diabetes-"$files"-"$lines"-0 2>/dev/null) || {
  echo "no data in ${TMPDIR:-/tmp}/sluice-bench-diabetes-$files-$lines-0: run npm run bench -- diabetes-throughput --set lines=$lines --set files=$files first" >&2
  exit 2
}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
out=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$work" "$out"' EXIT
cp -r "$root/examples/diabetes/pipeline.ts" "$root/examples/diabetes/lib" "$work/"
strace -f -c -o "$work/counts" node "$dist/cli/main.js" run -q -f "$work/pipeline.ts" -j 2 --param "data=$data" --param "out=$out"
awk 'NR > 2 && $1 !~ /^-/ { calls = ($4 ~ /^[0-9]+$/) ? $4 : 0; name = $NF; if (name == "total") total = calls; else if (calls >= 500) printf "%s %d\n", name, calls } END { printf "total %d\n", total }' "$work/counts" | sort -k2 -nr | tr '\n' ' '
echo
