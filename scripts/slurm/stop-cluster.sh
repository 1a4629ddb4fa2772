#!/usr/bin/env bash
# stop-cluster.sh - stop what start-cluster.sh started: cancel jobs left in the queue, then stop
# slurmd, slurmctld and (only if start-cluster.sh started it) munged, by the pid files in
# $RUN_DIR. A pid is signalled only if its process still has the expected name.
# --purge also deletes the cluster's saved state and logs.
set -uo pipefail

RUN_DIR=/run/sluice-slurm
LOG_DIR=/var/log/sluice-slurm
SPOOL_DIR=/var/spool/sluice-slurm

say() { printf '[sluice-slurm] %s\n' "$*" >&2; }

alive() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(tr -dc '0-9' <"$1")
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]
}
halt() { # halt COMM FILE
  local pid
  if alive "$2" "$1"; then
    pid=$(tr -dc '0-9' <"$2")
    say "stopping $1 (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { say "$1 still alive after 15 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null; }
  fi
  rm -f "$2"
}

if [ -d "$RUN_DIR" ]; then
  if alive "$RUN_DIR/slurmctld.pid" slurmctld; then
    jobs=$(timeout 10 squeue -h -o '%A' 2>/dev/null | sort -u | tr '\n' ' ')
    if [ -n "${jobs// /}" ]; then
      say "cancelling jobs still queued: $jobs"
      # shellcheck disable=SC2086
      timeout 10 scancel $jobs 2>/dev/null
      for _ in $(seq 50); do
        [ -z "$(timeout 5 squeue -h -t PD,R,CG,S -o '%A' 2>/dev/null)" ] && break
        sleep 0.2
      done
    fi
  fi
  halt slurmd "$RUN_DIR/slurmd.pid"
  halt slurmctld "$RUN_DIR/slurmctld.pid"
  halt munged "$RUN_DIR/munged.pid"
  rmdir "$RUN_DIR" 2>/dev/null
else
  say "nothing to stop ($RUN_DIR does not exist)"
fi
if [ "${1:-}" = --purge ]; then
  say "deleting $SPOOL_DIR and $LOG_DIR"
  rm -rf "$SPOOL_DIR" "$LOG_DIR"
fi
say "stopped"
