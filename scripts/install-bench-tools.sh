#!/usr/bin/env bash
# The outside programs `npm run bench` measures sluice against: ninja (no-op re-run), GNU
# Parallel (spawn overhead, the lesson's converter), mawk (conversion throughput). Without them
# those contenders are skipped with a note. Debian/Ubuntu, as root (or with sudo).
set -euo pipefail
need=()
command -v ninja >/dev/null || need+=(ninja-build)
command -v parallel >/dev/null || need+=(parallel)
command -v mawk >/dev/null || need+=(mawk)
if [ ${#need[@]} -eq 0 ]; then
  echo "bench tools: all present"
  exit 0
fi
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need[@]}"
echo "bench tools: installed ${need[*]}"
