#!/usr/bin/env bash
# Crash test of the run store: starts a 200-step run whose steps append their own instance
# name to a counter file, SIGKILLs `maestroc` at a random moment, resumes the run and checks
#   - the run ends `succeeded` with the right workflow output;
#   - every step's side effect happened exactly once, or once more for each kill at which the
#     step was recorded `running` (its process may have finished, or may finish after the
#     kill: a SIGKILLed maestroc leaves its step processes running in their own groups);
#   - every output recorded before a kill is still there, unchanged, after the resume, and
#     the step that recorded it did not run again.
# Every fourth trial also SIGKILLs the first `resume` and resumes a second time.
#
# Usage: benches/crash.sh [TRIALS=100] [SEED=1]   (from the repository root)
# Env:   MAESTROC (binary, default target/release/maestroc), MAX_DELAY_MS (default: 90 % of
#        one uninterrupted run, measured first), KEEP=1 keeps the work directory.
set -euo pipefail

trials=${1:-100}
seed=${2:-1}
RANDOM=$seed
bin=${MAESTROC:-target/release/maestroc}
if [[ ! -x $bin ]]; then
  cargo build --release
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
command -v python3 >/dev/null || { echo "crash.sh needs python3 (sqlite3 module)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mflow-crash.XXXXXX")
if [[ ${KEEP:-0} != 1 ]]; then
  trap 'rm -rf "$work"' EXIT
else
  echo "work directory: $work"
fi

steps=200
wf=$work/crash.mflow
cat > "$wf" <<EOF
workflow crash {
  param count: string
  foreach i in range(0, $steps) {
    step b {
      run "sleep 0.02; echo \"\$MFLOW_STEP\" >> \${count}; echo n=\${i} > \"\$MFLOW_OUTPUTS\""
      outputs { n: int }
    }
  }
  output total: int = sum(b.n)
}
EOF
expected_total=$((steps * (steps - 1) / 2))

# Reads the store directly (python's sqlite3), without reaping the dead run the way every
# `maestroc` command does: which attempts were running, which steps had succeeded (with
# their outputs). Appends one JSON line to $2.
snapshot() { # home, out
  python3 - "$1/state.db" "$2" <<'PY'
import json, sqlite3, sys
db, out = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db)
runs = [r[0] for r in c.execute("SELECT run_id FROM runs")]
running = [r[0] for r in c.execute("SELECT name FROM attempts WHERE ended_at IS NULL")]
done = {n: o for n, o in c.execute("SELECT name, outputs FROM steps WHERE state = 'succeeded'")}
c.close()
with open(out, "a") as f:
    f.write(json.dumps({"runs": runs, "running": running, "succeeded": done}) + "\n")
PY
}

# Waits until no step process of this trial is left (they outlive a SIGKILLed maestroc).
wait_orphans() { # trial dir
  local i
  for ((i = 0; i < 200; i++)); do
    pgrep -f -- "$1/count" >/dev/null || return 0
    sleep 0.05
  done
  echo "step processes of $1 still running after 10 s" >&2
}

check() { # trial dir, run id
  "$bin" runs show "$2" --format json > "$1/show.json" 2>/dev/null || true
  python3 - "$1" "$steps" "$expected_total" <<'PY'
import json, sys, collections
d, steps, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
problems = []
snaps = [json.loads(l) for l in open(f"{d}/snap.jsonl")]
# The start of an attempt is written with the next commit (src/store/deferred.rs), so a
# step running at a kill may not be recorded `running`. What the store promises: a step
# recorded `succeeded` never runs again; any other step runs at most once more per kill;
# and no more steps run again per kill than could run at once (--max-parallel 4).
allowed = collections.Counter()
for s in snaps:
    for i in range(steps):
        n = f"b[{i}]"
        if n not in s["succeeded"]:
            allowed[n] += 1
try:
    final = json.load(open(f"{d}/resume.json"))
except Exception as e:
    final = None
    problems.append(f"no JSON result from the last resume ({e})")
show = json.load(open(f"{d}/show.json"))
if show["state"] != "succeeded":
    problems.append(f"run state {show['state']}")
if show["outputs"].get("total") != total:
    problems.append(f"workflow output total={show['outputs'].get('total')} (want {total})")
if final is not None and (final.get("state") != "succeeded" or final.get("outputs", {}).get("total") != total):
    problems.append(f"resume result {final.get('state')} {final.get('outputs')}")
counts = collections.Counter(l.strip() for l in open(f"{d}/count") if l.strip())
names = [f"b[{i}]" for i in range(steps)]
extra = set(counts) - set(names)
if extra:
    problems.append(f"unknown lines in the counter file: {sorted(extra)[:5]}")
twice = 0
for i, n in enumerate(names):
    c = counts.get(n, 0)
    if c == 0:
        problems.append(f"{n} never ran")
    elif c > 1 + allowed[n]:
        problems.append(f"{n} ran {c} times (not recorded succeeded at {allowed[n]} kill(s))")
    elif c > 1:
        twice += c - 1
    st = show["steps"].get(n)
    if st is None or st["state"] != "succeeded" or st["outputs"] != {"n": i}:
        problems.append(f"{n} recorded as {st}")
earlier = collections.Counter()  # kills before this snapshot at which the step was running
for k, s in enumerate(snaps):
    for n, o in s["succeeded"].items():
        now = show["steps"].get(n, {}).get("outputs")
        if json.loads(o) != now:
            problems.append(f"{n}: output {o} recorded before kill {k + 1} is now {now}")
        if counts.get(n, 0) > 1 + earlier[n]:
            problems.append(f"{n} had succeeded before kill {k + 1} but ran {counts.get(n, 0)} times")
    for i in range(steps):
        if f"b[{i}]" not in s["succeeded"]:
            earlier[f"b[{i}]"] += 1
if twice > 4 * len(snaps):
    problems.append(f"{twice} extra runs for {len(snaps)} kill(s): more than --max-parallel 4 per kill")
first = snaps[0]
print(f"done_at_kill={len(first['succeeded'])} running_at_kill={len(first['running'])} reran={twice}", end="")
if problems:
    print("  FAIL: " + "; ".join(problems[:8]) + (f" (+{len(problems) - 8} more)" if len(problems) > 8 else ""))
    sys.exit(1)
print()
PY
}

# How long one uninterrupted run takes, to spread the kills over it.
if [[ -z ${MAX_DELAY_MS:-} ]]; then
  mkdir -p "$work/calib"
  t0=$(date +%s%N)
  MFLOW_HOME=$work/calib/home "$bin" run "$wf" -p count="$work/calib/count" --max-parallel 4 >/dev/null 2>&1
  MAX_DELAY_MS=$((($(date +%s%N) - t0) * 9 / 10 / 1000000))
fi
echo "crash: $trials trials, seed $seed, $steps steps, kill after 20..$MAX_DELAY_MS ms"

passed=0
failed=0
start=$(date +%s%N)
for ((t = 1; t <= trials; t++)); do
  d=$work/t$t
  mkdir -p "$d"
  export MFLOW_HOME=$d/home
  : > "$d/count"
  delay=$((20 + (RANDOM * 32768 + RANDOM) % (MAX_DELAY_MS - 20 + 1)))
  "$bin" run "$wf" -p count="$d/count" --max-parallel 4 > /dev/null 2> "$d/run.err" &
  pid=$!
  sleep "$(awk -v ms="$delay" 'BEGIN { printf "%.3f", ms / 1000 }')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [[ ! -s $MFLOW_HOME/state.db ]]; then
    echo "trial $t: killed at ${delay} ms before the store existed; skipped"
    continue
  fi
  snapshot "$MFLOW_HOME" "$d/snap.jsonl"
  run_id=$(python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline())["runs"]; print(r[0] if r else "")' "$d/snap.jsonl")
  if [[ -z $run_id ]]; then
    echo "trial $t: killed at ${delay} ms before the run was recorded; skipped"
    continue
  fi
  kills=1
  if ((t % 4 == 0)); then
    # Kill the first resume too, at a random moment of its own.
    delay2=$((20 + RANDOM % (MAX_DELAY_MS / 2 + 1)))
    "$bin" resume "$run_id" --format json --max-parallel 4 > "$d/resume1.json" 2> "$d/resume1.err" &
    pid=$!
    sleep "$(awk -v ms="$delay2" 'BEGIN { printf "%.3f", ms / 1000 }')"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    snapshot "$MFLOW_HOME" "$d/snap.jsonl"
    kills=2
  fi
  rc=0
  "$bin" resume "$run_id" --format json --max-parallel 4 > "$d/resume.json" 2> "$d/resume.err" || rc=$?
  wait_orphans "$d"
  if [[ $rc != 0 ]] && ! grep -q 'nothing to resume' "$d/resume.err"; then
    echo "trial $t: kill at ${delay} ms: resume exited $rc: $(head -c 300 "$d/resume.err")"
    failed=$((failed + 1))
    continue
  fi
  if [[ ! -s $d/resume.json ]]; then
    # The run had ended before the kill: `resume` has nothing to do; check the store as is.
    "$bin" runs show "$run_id" --format json > "$d/resume.json" 2>/dev/null || true
  fi
  if line=$(check "$d" "$run_id"); then
    echo "trial $t: kill at ${delay} ms (kills: $kills): ok  $line"
    passed=$((passed + 1))
  else
    echo "trial $t: kill at ${delay} ms (kills: $kills): $line"
    failed=$((failed + 1))
    [[ ${KEEP:-0} == 1 ]] || cp -r "$d" "${TMPDIR:-/tmp}/mflow-crash-failed-t$t" 2>/dev/null || true
  fi
done
secs=$(awk -v ns="$(($(date +%s%N) - start))" 'BEGIN { printf "%.1f", ns / 1e9 }')
echo "crash: $passed passed, $failed failed (${secs} s)"
[[ $failed == 0 ]]
