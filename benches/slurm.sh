#!/usr/bin/env bash
# 1,000 trivial steps through Slurm, in one run on one cluster (issue 12):
#   floor      the same 1,000 jobs submitted with a plain `sbatch` loop, then waited for
#              with one `squeue` per interval (the least any orchestrator must do);
#   maestroc   `maestroc run --executor slurm` of a 1,000-step foreach;
#   snakemake  Snakemake with snakemake-executor-plugin-slurm (pip, in a venv) on 1,000 jobs.
# Prints the wall times and the ratios to the floor. Needs a running cluster
# (`.ci/slurm.sh start`, then `export SLURM_CONF=…`). N and POLL can be changed:
#   N=1000 POLL=0.5 benches/slurm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
POLL=${POLL:-0.5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sinfo >/dev/null || { echo "no Slurm cluster answers; start one with .ci/slurm.sh start" >&2; exit 1; }

# MAESTROC=path/to/maestroc skips the release build (and measures that binary).
if [ -z "${MAESTROC:-}" ]; then
  cargo build --release --quiet
fi
maestroc="${MAESTROC:-$PWD/target/release/maestroc}"

now() { date +%s.%N; }

# Waits until none of the jobs named $1* is queued or running: one squeue per interval.
wait_gone() {
  local left
  while :; do
    # Counted, not `grep -q`: under pipefail, grep quitting early fails the pipeline.
    left=$(squeue --me --noheader --states=PENDING,RUNNING,COMPLETING,CONFIGURING -o '%j' | grep -c "^$1" || true)
    [ "$left" -eq 0 ] && return 0
    sleep "$POLL"
  done
}

echo "== floor: $N x sbatch, then wait"
mkdir -p "$work/floor"
printf '#!/bin/sh\ntrue\n' >"$work/floor/job.sh"
start=$(now)
for i in $(seq 1 "$N"); do
  sbatch --parsable --job-name="floor-$i" --output=/dev/null --error=/dev/null "$work/floor/job.sh" >/dev/null
done
wait_gone floor-
floor=$(echo "$(now) - $start" | bc)
echo "floor: ${floor}s"

echo "== maestroc --executor slurm: a foreach of $N steps"
mkdir -p "$work/mflow"
printf '[slurm]\npoll_interval = "%sms"\n' "$(echo "$POLL * 1000 / 1" | bc)" >"$work/mflow/mflow.toml"
cat >"$work/mflow/w.mflow" <<MFLOW
workflow bench {
  foreach i in range(0, $N) {
    step s { run "true" }
  }
}
MFLOW
start=$(now)
(cd "$work/mflow" && MFLOW_HOME="$work/mflow/home" "$maestroc" run --executor slurm --format json w.mflow >/dev/null)
mflow=$(echo "$(now) - $start" | bc)
echo "maestroc: ${mflow}s"

smk=""
# SNAKEMAKE=0 leaves Snakemake out (it takes ~10x as long as the other two).
if [ "${SNAKEMAKE:-1}" != 0 ]; then
  echo "== snakemake --executor slurm: $N jobs"
  venv="${SNAKEMAKE_VENV:-$work/venv}"
  if [ ! -x "$venv/bin/snakemake" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q snakemake snakemake-executor-plugin-slurm
  fi
  mkdir -p "$work/smk"
  cat >"$work/smk/Snakefile" <<SMK
rule all:
    input: expand("out/{i}.txt", i=range($N))

rule one:
    output: "out/{i}.txt"
    shell: "touch {output}"
SMK
  start=$(now)
  # The test cluster has no accounting database (slurmdbd): the plugin reads job states with
  # squeue (as maestroc does) and submits without an account. Its first status check comes
  # after 1 s instead of its default 40 s; everything else is its default.
  (cd "$work/smk" && "$venv/bin/snakemake" --executor slurm --jobs "$N" \
     --slurm-status-command squeue --slurm-no-account --slurm-init-seconds-before-status-checks 1 \
     --default-resources slurm_partition=debug runtime=10 mem_mb=1 \
     --latency-wait 5 --quiet all >"$work/smk/log" 2>&1) || { tail -n 30 "$work/smk/log"; echo "snakemake failed" >&2; }
  smk=$(echo "$(now) - $start" | bc)
  echo "snakemake: ${smk}s ($(ls "$work/smk/out" 2>/dev/null | wc -l) of $N outputs)"
fi

echo
printf 'steps      %d\n' "$N"
printf 'floor      %8.1fs\n' "$floor"
printf 'maestroc   %8.1fs   %.2fx the floor\n' "$mflow" "$(echo "$mflow / $floor" | bc -l)"
if [ -n "$smk" ]; then
  printf 'snakemake  %8.1fs   %.2fx the floor   (maestroc/snakemake %.2f)\n' "$smk" "$(echo "$smk / $floor" | bc -l)" "$(echo "$mflow / $smk" | bc -l)"
fi
