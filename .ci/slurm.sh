#!/usr/bin/env bash
# The Slurm executor's CI (issue 12): installs Debian's slurm-wlm and munge, starts a
# single-node cluster (this host is controller and compute node), runs the Slurm tests
# against it and stops the daemons it started, by pid.
#
#   .ci/slurm.sh          install, start, test, stop
#   .ci/slurm.sh start    install and start only; prints the `export SLURM_CONF=…` to use
#   .ci/slurm.sh stop     stop a cluster started with `start`
#
# The recipe is documented for users in docs/executors.md ("A single-node cluster").
set -euo pipefail
cd "$(dirname "$0")/.."

base="${MFLOW_SLURM_DIR:-/tmp/mflow-slurm}"

install() {
  if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
    echo "== slurm: apt-get install slurm-wlm munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y slurm-wlm munge >/dev/null 2>&1 \
      || { apt-get update >/dev/null && apt-get install -y slurm-wlm munge >/dev/null; }
  fi
}

start() {
  install
  stop_quietly
  rm -rf "$base"
  mkdir -p "$base"/{state,spool,log}
  local host cpus
  host=$(hostname -s)
  cpus=$(nproc)
  cat >"$base/slurm.conf" <<CONF
ClusterName=mflow
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$base/state
SlurmdSpoolDir=$base/spool
SlurmctldPidFile=$base/slurmctld.pid
SlurmdPidFile=$base/slurmd.pid
SlurmctldLogFile=$base/log/slurmctld.log
SlurmdLogFile=$base/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MaxJobCount=100000
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MpiDefault=none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
  # munged needs /run/munge and its log dir owned by the munge user.
  mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
  if ! pgrep -u munge -x munged >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged --pid-file="$base/munged.pid" 2>>"$base/log/munged.log" \
      || runuser -u munge -- /usr/sbin/munged
    # munged forks: its pid, for stopping exactly the one we started.
    [ -s "$base/munged.pid" ] || pgrep -u munge -x munged | head -n 1 >"$base/munged.pid"
    touch "$base/munged.ours"
  fi
  export SLURM_CONF="$base/slurm.conf"
  # Commands started inside jobs (srun in a Snakemake job) do not always inherit
  # SLURM_CONF: the default path finds it too, unless the host has its own config.
  if [ ! -e /etc/slurm/slurm.conf ] || [ -L /etc/slurm/slurm.conf ]; then
    mkdir -p /etc/slurm && ln -sfn "$SLURM_CONF" /etc/slurm/slurm.conf
  fi
  /usr/sbin/slurmctld -f "$SLURM_CONF"
  /usr/sbin/slurmd -f "$SLURM_CONF"
  echo "== slurm: waiting for the node to be idle"
  for _ in $(seq 1 120); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qx 'idle'; then
      sinfo
      echo "export SLURM_CONF=$SLURM_CONF"
      return 0
    fi
    scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
    sleep 1
  done
  echo "the Slurm node never became idle; logs:" >&2
  tail -n 30 "$base"/log/*.log >&2 || true
  return 1
}

kill_pidfile() {
  local file=$1
  [ -s "$file" ] || return 0
  local pid
  pid=$(cat "$file")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

stop_quietly() {
  kill_pidfile "$base/slurmd.pid"
  kill_pidfile "$base/slurmctld.pid"
  if [ -e "$base/munged.ours" ]; then
    kill_pidfile "$base/munged.pid"
    rm -f "$base/munged.ours"
  fi
}

case "${1:-all}" in
  start) start ;;
  stop) stop_quietly ;;
  all)
    start
    export SLURM_CONF="$base/slurm.conf"
    trap stop_quietly EXIT
    echo "== slurm: tests (tests/slurm.rs) against the live cluster"
    MFLOW_SLURM_REQUIRED=1 cargo test --test maestroc-tests slurm:: -- --test-threads=1
    ;;
  *) echo "usage: .ci/slurm.sh [start|stop]" >&2; exit 2 ;;
esac
