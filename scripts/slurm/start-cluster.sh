#!/usr/bin/env bash
# start-cluster.sh - start the single-node Slurm cluster that sluice's Slurm tests run against:
# munged, slurmctld and one slurmd on this machine, as root, without systemd (Debian 12,
# Slurm 22.05). Idempotent: while the cluster is up it only checks it; a changed configuration
# restarts the Slurm daemons. Stop it with stop-cluster.sh beside this script, which stops only
# what this script started (pid files in $RUN_DIR).
#
# Settings (environment, all optional):
#   SLUICE_SLURM_CPUS=$(nproc)   CPUs of the node
#   SLUICE_SLURM_MIN_JOB_AGE=60  seconds a finished job stays visible to squeue (short, so that
#                                tests see jobs leave memory; Slurm's default is 300)
#   SLUICE_SLURM_WAIT_S=60       how long to wait for the node to be idle
#   SLUICE_SLURM_NO_INSTALL=0    1: never call apt-get; fail when packages are missing
#   SLUICE_SLURM_CLEAN=0         1: forget the jobs an earlier slurmctld saved (when it starts)
set -euo pipefail

CPUS=${SLUICE_SLURM_CPUS:-$(nproc)}
MIN_JOB_AGE=${SLUICE_SLURM_MIN_JOB_AGE:-60}
WAIT_S=${SLUICE_SLURM_WAIT_S:-60}
NO_INSTALL=${SLUICE_SLURM_NO_INSTALL:-0}
CLEAN=${SLUICE_SLURM_CLEAN:-0}

CONF=/etc/slurm/slurm.conf
RUN_DIR=/run/sluice-slurm
LOG_DIR=/var/log/sluice-slurm
SPOOL_DIR=/var/spool/sluice-slurm
MARK='# Written by sluice scripts/slurm/start-cluster.sh; rewritten on every start'
STARTED=$(date +%s%N)

say() { printf '[sluice-slurm] %s\n' "$*" >&2; }
fail() {
  say "ERROR: $*"
  for f in "$LOG_DIR"/slurmctld.log "$LOG_DIR"/slurmd.log /var/log/munge/munged.log; do
    [ -e "$f" ] && { echo "---- last lines of $f" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

[ "$(id -u)" = 0 ] || fail "run me as root: slurmd and munged need it"
[[ $CPUS =~ ^[1-9][0-9]*$ ]] || fail "Expected \`SLUICE_SLURM_CPUS\` to be a positive integer, got \`$CPUS\`"

# ---- packages (package scripts must not start services: we start the daemons ourselves)
missing=()
for p in munge slurmctld slurmd slurm-client; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$NO_INSTALL" = 1 ] && fail "missing Debian packages: ${missing[*]}"
  say "installing ${missing[*]}"
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  ok=1
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/sluice-slurm-apt.log 2>&1 || {
    apt-get update -q >>/tmp/sluice-slurm-apt.log 2>&1 || true
    apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/sluice-slurm-apt.log 2>&1 || ok=0
  }
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ $ok = 1 ] || { tail -n 20 /tmp/sluice-slurm-apt.log >&2; fail "apt-get install failed (see /tmp/sluice-slurm-apt.log)"; }
fi

mkdir -p "$RUN_DIR" "$LOG_DIR" "$SPOOL_DIR/ctld" "$SPOOL_DIR/d" /etc/slurm

# alive FILE COMM: the pid in FILE is a running process named COMM (never trust a bare pid file)
alive() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(tr -dc '0-9' <"$1")
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]
}
# halt COMM FILE: SIGTERM the process of a pid file, wait up to 10 s, then SIGKILL
halt() {
  local pid
  if alive "$2" "$1"; then
    pid=$(tr -dc '0-9' <"$2")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$2"
}

# ---- munge
if [ ! -s /etc/munge/munge.key ]; then
  say "creating a munge key"
  install -d -o munge -g munge -m 0700 /etc/munge
  if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key
  else head -c 1024 /dev/urandom >/etc/munge/munge.key; fi
fi
chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "starting munged"
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged --force --pid-file=/run/munge/munged.pid
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null 2>&1 || fail "munged does not answer"
  cp /run/munge/munged.pid "$RUN_DIR/munged.pid"   # ours: stop-cluster.sh may stop it
fi

# ---- slurm.conf
MEM_MB=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
# CPU binding by sched_setaffinity needs no cgroups, but only works for CPUs that exist.
if [ "$CPUS" -le "$(nproc)" ]; then TASK_PLUGIN=task/affinity; else TASK_PLUGIN=task/none; fi
new_conf=$(mktemp)
trap 'rm -f "$new_conf"' EXIT
cat >"$new_conf" <<CONF
$MARK
ClusterName=sluice
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$SPOOL_DIR/ctld
SlurmdSpoolDir=$SPOOL_DIR/d
SlurmctldPidFile=$RUN_DIR/slurmctld.pid
SlurmdPidFile=$RUN_DIR/slurmd.pid
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=$TASK_PLUGIN
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# Start batch jobs on the scheduler's next pass instead of up to 3 s later.
SchedulerParameters=batch_sched_delay=0
# With an Epilog, slurmd reports each job's end at once and the scheduler runs again: pending
# array tasks then start as soon as a CPU is free (without it: about two per second).
Epilog=/bin/true
SlurmdParameters=config_overrides
ReturnToService=2
EnforcePartLimits=ALL
MinJobAge=$MIN_JOB_AGE
MaxArraySize=10001
MaxJobCount=100000
KillWait=5
OverTimeLimit=0
InactiveLimit=0
MessageTimeout=10
MailProg=/bin/true
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS Sockets=1 CoresPerSocket=$CPUS ThreadsPerCore=1 RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

if ! cmp -s "$new_conf" "$CONF"; then
  if [ -e "$CONF" ] && ! head -n 1 "$CONF" | grep -qF "$MARK"; then
    say "keeping the existing $CONF as $CONF.before-sluice"
    cp -p "$CONF" "$CONF.before-sluice"
  fi
  install -m 0644 "$new_conf" "$CONF"
  if alive "$RUN_DIR/slurmctld.pid" slurmctld || alive "$RUN_DIR/slurmd.pid" slurmd; then
    say "configuration changed: restarting slurmctld and slurmd"
    halt slurmd "$RUN_DIR/slurmd.pid"
    halt slurmctld "$RUN_DIR/slurmctld.pid"
  fi
fi

# ---- daemons
if ! alive "$RUN_DIR/slurmctld.pid" slurmctld; then
  say "starting slurmctld"
  rm -f "$RUN_DIR/slurmctld.pid"
  ctld_args=(-f "$CONF")
  # Saved state of another cluster name would make slurmctld refuse to start.
  if [ "$CLEAN" = 1 ] || { [ -s "$SPOOL_DIR/ctld/clustername" ] && [ "$(cat "$SPOOL_DIR/ctld/clustername")" != sluice ]; }; then
    say "starting with no saved jobs"
    rm -rf "${SPOOL_DIR:?}/ctld" && mkdir -p "$SPOOL_DIR/ctld"
    ctld_args+=(-c)
  fi
  slurmctld "${ctld_args[@]}" || fail "slurmctld did not start"
fi
if ! alive "$RUN_DIR/slurmd.pid" slurmd; then
  say "starting slurmd"
  rm -f "$RUN_DIR/slurmd.pid"
  slurmd -f "$CONF" || fail "slurmd did not start"
fi

# ---- wait for the node
deadline=$(( $(date +%s) + WAIT_S ))
state=
while [ "$(date +%s)" -lt "$deadline" ]; do
  state=$(timeout 10 sinfo -h -N -o '%t' 2>/dev/null | head -n 1 || true)
  case $state in
    idle|mix|alloc|comp) break ;;
    down*|drain*) timeout 10 scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.2
done
case $state in
  idle|mix|alloc|comp) ;;
  *) timeout 10 sinfo -R >&2 || true; fail "the node is not up after ${WAIT_S}s (state: ${state:-none})" ;;
esac
ms=$(( ($(date +%s%N) - STARTED) / 1000000 ))
say "cluster 'sluice' is up in ${ms} ms: node localhost, ${CPUS} CPUs, partition debug, MinJobAge ${MIN_JOB_AGE}s"
