#!/usr/bin/env bash
# Runtime comparisons for docs/performance.md. Run from the repository root after
# `cargo build --release`. Prints wall time and peak RSS of each case.
set -euo pipefail
bin=${MAESTROC:-./target/release/maestroc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MFLOW_HOME="$work/home"

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
  read -r secs kb < "$work/time"
  printf '%-44s %8.3f s %8d MB\n' "$label" "$secs" "$((kb / 1024))"
}

for n in 10000 100000 1000000; do
  printf 'workflow w {\n  foreach i in range(0, %d) {\n    step noop { }\n  }\n}\n' "$n" > "$work/foreach_$n.mflow"
  measure "foreach of $n no-op steps" "$bin" run "$work/foreach_$n.mflow"
done

{
  echo 'workflow w {'
  echo '  foreach i in range(0, 10000) {'
  echo '    step t { run "true" }'
  echo '  }'
  echo '}'
} > "$work/true.mflow"
measure "10,000 run \"true\" steps, --max-parallel 2" "$bin" run "$work/true.mflow" --max-parallel 2
measure "seq 10000 | xargs -P2 -n1 true" sh -c 'seq 10000 | xargs -P2 -n1 true'
