#!/usr/bin/env bash
# Run-store benchmarks for docs/performance.md. Run from the repository root after
# `cargo build --release`.
#   (a) store overhead: 10,000 `run "true"` steps (`--max-parallel 2`, the workflow of
#       benches/runtime.sh) with the default store (WAL, synchronous=NORMAL) and with the store
#       in memory (MFLOW_SYNC=memory), alternating, REPS times each, in the same script run;
#       with FULL=1 also MFLOW_SYNC=full. Prints the median wall and CPU times (user+sys of
#       maestroc and its steps: less sensitive to a loaded machine) and the wall-time ratio.
#   (b) resume latency: a 10,000-step run whose last step fails; `maestroc resume RUN_ID
#       -p fail_at=-1` is timed from its launch to the moment the failed step's process
#       starts (the step writes `date +%s%N` first thing).
# Env: MAESTROC (binary), REPS (default 3), FULL=1.
set -euo pipefail
bin=${MAESTROC:-./target/release/maestroc}
reps=${REPS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ns() { date +%s%N; }
median() { python3 -c 'import statistics,sys; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.3f}")' "$@"; }

# (a) --------------------------------------------------------------------------------------
{
  echo 'workflow w {'
  echo '  foreach i in range(0, 10000) {'
  echo '    step t { run "true" }'
  echo '  }'
  echo '}'
} > "$work/true.mflow"

modes=(normal memory)
[[ ${FULL:-0} == 1 ]] && modes+=(full)
declare -A times cpus
for ((r = 1; r <= reps; r++)); do
  for mode in "${modes[@]}"; do
    home=$work/home-$mode-$r
    MFLOW_HOME=$home MFLOW_SYNC=$mode /usr/bin/time -f '%e %U %S' -o "$work/time" \
      "$bin" run "$work/true.mflow" --max-parallel 2 >/dev/null 2>&1 \
      || { echo "run failed (MFLOW_SYNC=$mode)" >&2; exit 1; }
    read -r secs user sys < "$work/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    times[$mode]="${times[$mode]:-} $secs"
    cpus[$mode]="${cpus[$mode]:-} $cpu"
    printf 'rep %d  MFLOW_SYNC=%-6s 10,000 true steps: %s s wall, %s s CPU (user+sys, steps included)\n' "$r" "$mode" "$secs" "$cpu"
  done
  t0=$(ns)
  sh -c 'seq 10000 | xargs -P2 -n1 true'
  secs=$(awk -v d="$(($(ns) - t0))" 'BEGIN { printf "%.3f", d / 1e9 }')
  times[xargs]="${times[xargs]:-} $secs"
  printf 'rep %d  seq 10000 | xargs -P2 -n1 true: %s s\n' "$r" "$secs"
done
# shellcheck disable=SC2086
{
  m_normal=$(median ${times[normal]})
  m_memory=$(median ${times[memory]})
  m_xargs=$(median ${times[xargs]})
}
# shellcheck disable=SC2086
echo "median  store (WAL, NORMAL):  $m_normal s wall, $(median ${cpus[normal]}) s CPU"
# shellcheck disable=SC2086
echo "median  store in memory:      $m_memory s wall, $(median ${cpus[memory]}) s CPU"
if [[ ${FULL:-0} == 1 ]]; then
  # shellcheck disable=SC2086
  m_full=$(median ${times[full]})
  # shellcheck disable=SC2086
  echo "median  store (WAL, FULL):    $m_full s wall, $(median ${cpus[full]}) s CPU"
fi
echo "median  xargs -P2:            $m_xargs s"
awk -v a="$m_normal" -v b="$m_memory" -v x="$m_xargs" 'BEGIN {
  printf "store overhead: default / memory = %.3f (%+.1f %%), %.3f ms per step; default / xargs = %.2f\n",
    a / b, (a / b - 1) * 100, (a - b) / 10000 * 1000, a / x }'
# shellcheck disable=SC2086
awk -v a="$(median ${cpus[normal]})" -v b="$(median ${cpus[memory]})" 'BEGIN {
  printf "CPU time: default / memory = %.3f\n", a / b }'

# (b) --------------------------------------------------------------------------------------
cat > "$work/resume.mflow" <<'EOF'
workflow r {
  param fail_at: int = 9999
  param watch: int = 9999
  param mark: string
  foreach i in range(0, 10000) {
    step s { run "if [ ${i} -eq ${watch} ]; then date +%s%N >> ${mark}; fi; test ${i} -ne ${fail_at}" }
  }
}
EOF
export MFLOW_HOME=$work/home-resume
mark=$work/mark
t0=$(ns)
"$bin" run "$work/resume.mflow" -p mark="$mark" --max-parallel 2 --format json > "$work/first.json" 2>/dev/null || true
first=$(awk -v d="$(($(ns) - t0))" 'BEGIN { printf "%.2f", d / 1e9 }')
read -r run_id state failed succeeded < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
st = [s["state"] for s in d["steps"].values()]
print(d["run_id"], d["state"], st.count("failed"), st.count("succeeded"))' "$work/first.json")
echo "first run: $state in $first s; $succeeded steps succeeded, $failed failed"
for ((r = 1; r <= reps; r++)); do
  # Each repetition resumes a fresh failed copy: run it again, then resume.
  if ((r > 1)); then
    "$bin" run "$work/resume.mflow" -p mark="$mark" --max-parallel 2 --format json > "$work/first.json" 2>/dev/null || true
    run_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$work/first.json")
  fi
  : > "$mark"
  t0=$(ns)
  "$bin" resume "$run_id" -p fail_at=-1 --max-parallel 2 --format json > "$work/resume.json" 2>/dev/null
  t2=$(ns)
  t1=$(tail -n1 "$mark")
  rstate=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["state"])' "$work/resume.json")
  latency=$(awk -v d="$((t1 - t0))" 'BEGIN { printf "%.3f", d / 1e9 }')
  total=$(awk -v d="$((t2 - t0))" 'BEGIN { printf "%.3f", d / 1e9 }')
  times[resume]="${times[resume]:-} $latency"
  echo "rep $r  resume of a 10,000-step run with 1 failed step: failed step starts after $latency s (resume $rstate, whole resume $total s)"
done
# shellcheck disable=SC2086
echo "median  resume to failed step start: $(median ${times[resume]}) s (target <= 1 s)"
