#!/usr/bin/env bash
# Proves the pre-commit hooks and the SARIF output with the real tools:
#
# - pre-commit (from PyPI, in a throwaway venv) runs the hooks of .pre-commit-hooks.yaml
#   with `pre-commit try-repo` on a git repository holding a copy of examples/: they pass;
#   with a broken file added they fail and the output names its code (the `maestroc-fmt`
#   hooks: they rewrite the unformatted file, and pre-commit says files were modified). `maestroc-check`
#   (language: rust) makes pre-commit `cargo install` this repository; CARGO_TARGET_DIR
#   points at our target/ so the release build of the dependencies is reused.
#   `maestroc-check-system` runs the release binary, put first on PATH.
# - `maestroc check --format sarif` on a file with errors and warnings, on every example
#   (no results) and with an unreadable file (exit 2) is validated by Microsoft's SARIF
#   multitool (from npm); any result of level error in its report fails.
#
# Run from anywhere: `bash .ci/hooks.sh`. try-repo uses the repository's HEAD plus
# uncommitted changes to tracked files (untracked files are left out): commit, or at least
# `git add`, a change to .pre-commit-hooks.yaml before trying it here.
# Ends with `hooks: N passed, M failed`; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export NO_COLOR=1 CARGO_TERM_COLOR=never DOTNET_CLI_TELEMETRY_OPTOUT=1
export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@localhost GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@localhost

passed=0
failed=0
pass() {
  echo "ok: $*"
  passed=$((passed + 1))
}
fail() {
  echo "FAILED: $*"
  failed=$((failed + 1))
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

started=$(now)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-home"

echo "== tools"
t=$(now)
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
pre_commit="$work/venv/bin/pre-commit"
"$pre_commit" --version
npm install --silent --no-audit --no-fund --prefix "$work/npm" @microsoft/sarif-multitool@5 >/dev/null
# npm may skip the package's postinstall script, which only marks the binary executable.
find "$work/npm/node_modules/@microsoft" -name Sarif.Multitool -type f -exec chmod u+x {} +
multitool="$work/npm/node_modules/.bin/sarif-multitool"
"$multitool" --version | head -1
echo "tools installed in $(since "$t")"

echo "== cargo build --release"
t=$(now)
cargo build --release --quiet
bin="$root/target/release"
echo "built in $(since "$t")"

echo "== pre-commit hooks"
"$pre_commit" validate-manifest .pre-commit-hooks.yaml && pass "validate-manifest" || fail "validate-manifest"

repo="$work/repo"
mkdir -p "$repo"
cp -R examples "$repo/examples"
git -C "$repo" init --quiet
git -C "$repo" add -A
git -C "$repo" commit --quiet -m "examples"

# try_hook NAME EXPECT(pass|fail) [CODE]: runs one hook on every file of $repo.
try_hook() {
  local hook=$1 expect=$2 code=${3:-} log="$work/$1-$2.log" rc=0 t
  t=$(now)
  (cd "$repo" && PATH="$bin:$PATH" CARGO_TARGET_DIR="$root/target" \
    "$pre_commit" try-repo "$root" "$hook" --all-files) >"$log" 2>&1 || rc=$?
  echo "$hook on $expect input: exit $rc in $(since "$t")"
  if [[ $expect == pass && $rc -eq 0 ]] && grep -q "Passed" "$log"; then
    pass "$hook passes on examples/"
  elif [[ $expect == fail && $rc -ne 0 ]] && grep -q "Failed" "$log" && grep -q "$code" "$log"; then
    pass "$hook fails on a broken file and names $code"
  else
    fail "$hook expected to $expect (exit $rc)"
    tail -n 40 "$log"
  fi
}

if [[ "$(PATH="$bin:$PATH" command -v maestroc)" == "$bin/maestroc" ]]; then
  pass "the release maestroc is first on PATH for the system hook"
else
  fail "the release maestroc is not first on PATH"
fi
# Each `try-repo` of a hook built from source (language: rust) costs a release build of
# maestroc (~2 min on 2 cores), so those hooks run once each, on the broken input below,
# which proves that pre-commit builds and runs them; the `-system` hooks run the same code
# and are tried on both inputs.
try_hook maestroc-check-system pass
# examples/ is kept formatted (.ci/fmt.sh), so the formatter hooks change nothing there.
try_hook maestroc-fmt-system pass

# The README's `.pre-commit-config.yaml`, exactly as written there (the yaml block after
# its `pre-commit-config` marker), with `pre-commit run` as a user would.
readme_config() {
  local expect=$1 code=${2:-} log="$work/readme-$1.log" rc=0
  awk '/<!-- pre-commit-config/ { on = 1; next } on && /^```yaml/ { inblock = 1; next } inblock && /^```/ { exit } inblock { print }' \
    README.md >"$repo/.pre-commit-config.yaml"
  git -C "$repo" add .pre-commit-config.yaml
  (cd "$repo" && PATH="$bin:$PATH" "$pre_commit" run --all-files) >"$log" 2>&1 || rc=$?
  if [[ $expect == pass && $rc -eq 0 ]] && grep -q "Passed" "$log"; then
    pass "the README's pre-commit config passes on examples/"
  elif [[ $expect == fail && $rc -ne 0 ]] && grep -q "$code" "$log"; then
    pass "the README's pre-commit config fails on a broken file and names $code"
  else
    fail "the README's pre-commit config expected to $expect (exit $rc)"
    cat "$repo/.pre-commit-config.yaml"
    tail -n 40 "$log"
  fi
}
readme_config pass

cat >"$repo/broken.mflow" <<'MFLOW'
workflow broken {
  param regions: list<string> = ["us", "eu"]
  foreach region in regons {
    step load { run "load.sh ${region}" }
  }
}
MFLOW
git -C "$repo" add broken.mflow
git -C "$repo" commit --quiet -m "a broken workflow"
try_hook maestroc-check fail E0104
try_hook maestroc-check-system fail E0104
readme_config fail E0104
# broken.mflow is not laid out canonically: the formatter hooks rewrite it and fail.
try_hook maestroc-fmt fail "files were modified by this hook"
if "$bin/maestroc" fmt --check "$repo/broken.mflow" >/dev/null; then
  pass "maestroc-fmt rewrote broken.mflow into the canonical layout"
else
  fail "maestroc-fmt left broken.mflow unformatted"
fi
git -C "$repo" checkout --quiet -- broken.mflow
try_hook maestroc-fmt-system fail "files were modified by this hook"

echo "== SARIF"
# validate FILE: the multitool's report on FILE has no result of level error.
validate() {
  local file=$1 report="$1.validation.sarif" errors
  "$multitool" validate "$file" --output "$report" --log ForceOverwrite --level '"Error;Warning;Note"' >"$report.log" 2>&1 || true
  if [[ ! -s $report ]]; then
    fail "the multitool wrote no report for $(basename "$file")"
    tail -n 20 "$report.log"
    return
  fi
  errors=$(python3 - "$report" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
errors = [r for run in log.get("runs", []) for r in run.get("results") or [] if r.get("level", "warning") == "error"]
for r in errors:
    print(r.get("ruleId"), r.get("message", {}).get("arguments"), file=sys.stderr)
print(len(errors))
PY
  )
  if [[ $errors -eq 0 ]]; then
    pass "$(basename "$file") is valid SARIF 2.1.0"
  else
    fail "$(basename "$file"): $errors validation errors"
  fi
}

# sarif NAME EXPECTED-EXIT FILES…: writes $work/NAME.sarif and checks the exit code.
sarif() {
  local name=$1 expect=$2 rc=0
  shift 2
  "$bin/maestroc" check --format sarif "$@" >"$work/$name.sarif" || rc=$?
  if [[ $rc -eq $expect ]]; then
    pass "check --format sarif ($name) exits $expect"
  else
    fail "check --format sarif ($name) exited $rc, expected $expect"
  fi
}

# results FILE: "count levels…" of the results of the run.
results() {
  python3 -c 'import json, sys
results = json.load(open(sys.argv[1]))["runs"][0]["results"]
print(len(results), *sorted({r["level"] for r in results}))' "$1"
}

sarif mixed 1 tests/hooks/mixed.mflow
got=$(results "$work/mixed.sarif")
[[ $got == "3 error warning" ]] && pass "errors and warnings: $got" || fail "errors and warnings: got '$got'"
validate "$work/mixed.sarif"

mapfile -t examples < <(find examples -name '*.mflow' | sort)
sarif examples 0 "${examples[@]}"
got=$(results "$work/examples.sarif")
[[ $got == "0" ]] && pass "no results on ${#examples[@]} examples" || fail "examples: got '$got'"
validate "$work/examples.sarif"

sarif unreadable 2 tests/hooks/mixed.mflow no/such/file.mflow
validate "$work/unreadable.sarif"

echo ".ci/hooks.sh took $(since "$started")"
echo "hooks: ${passed} passed, ${failed} failed"
[[ $failed -eq 0 ]]
