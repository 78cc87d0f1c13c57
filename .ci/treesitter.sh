#!/usr/bin/env bash
# Builds and tests the tree-sitter grammar in editors/tree-sitter-mflow:
#   - tree-sitter-cli from crates.io through `cargo install --locked` (the npm package
#     downloads a binary at install time and fails offline), pinned, cached in
#     $MFLOW_TREESITTER_TOOLS (default ~/.cache/maestroc/tree-sitter);
#   - `tree-sitter generate` (needs node) into a scratch copy: the generated parser
#     (src/parser.c) is not committed (editors/tree-sitter-mflow/README.md says why);
#   - `tree-sitter test`: the corpus (test/corpus/*.txt, every construct) and the
#     highlight assertions (test/highlight/*.mflow);
#   - `tree-sitter parse` of every example, stdlib file and clean fixture: no ERROR or
#     MISSING node; of every syntax-error fixture: at least one (except the fixtures whose
#     error is beyond a context-free grammar, listed below with the reason);
#   - `tree-sitter highlight` of examples/daily_etl.mflow: chosen tokens get the expected
#     capture names.
# Usage, from anywhere: bash .ci/treesitter.sh. Last line: `treesitter: N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export NO_COLOR=1 CARGO_TERM_COLOR=never

TREE_SITTER_VERSION=0.27.1

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

tools="${MFLOW_TREESITTER_TOOLS:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/maestroc/tree-sitter}"
ts="$tools/bin/tree-sitter"
if [[ ! -x $ts ]] || [[ "$("$ts" --version)" != *"$TREE_SITTER_VERSION"* ]]; then
  if command -v tree-sitter >/dev/null && [[ "$(tree-sitter --version)" == *"$TREE_SITTER_VERSION"* ]]; then
    ts=$(command -v tree-sitter)
  else
    # The CLI embeds QuickJS (for `generate` without node), whose bindings bindgen makes
    # with libclang at build time.
    if ! ldconfig -p | grep -q 'libclang-[0-9.]*\.so\|libclang\.so'; then
      apt-get install -y libclang-dev >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y libclang-dev >/dev/null; }
    fi
    echo "treesitter: cargo install --locked tree-sitter-cli@$TREE_SITTER_VERSION into $tools"
    cargo install --quiet --locked --root "$tools" tree-sitter-cli --version "$TREE_SITTER_VERSION"
  fi
fi
"$ts" --version

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TREE_SITTER_DIR="$work/config"
export TREE_SITTER_LIBDIR="$work/lib"
mkdir -p "$TREE_SITTER_DIR" "$TREE_SITTER_LIBDIR"
grammar="$work/tree-sitter-mflow"
cp -R editors/tree-sitter-mflow "$grammar"
rm -rf "$grammar/src"

echo "== generate"
if (cd "$grammar" && "$ts" generate); then
  pass "tree-sitter generate"
else
  fail "tree-sitter generate"
  echo "treesitter: ${passed} passed, ${failed} failed"
  exit 1
fi
# The CLI's config: where grammars are, and a theme naming every capture of highlights.scm
# (highlight tests and `highlight` report the most specific name the theme knows).
python3 - "$grammar/queries/highlights.scm" "$work" >"$TREE_SITTER_DIR/config.json" <<'PY'
import json, re, sys
names = sorted(set(re.findall(r"@([a-z][a-z.]*)", open(sys.argv[1]).read())))
print(json.dumps({"parser-directories": [sys.argv[2]], "theme": {n: "#000000" for n in names}}))
PY

echo "== corpus and highlight tests"
if (cd "$grammar" && "$ts" test); then
  pass "tree-sitter test (corpus and highlight assertions)"
else
  fail "tree-sitter test"
fi

echo "== parse every file"
# parse_file FILE: prints the number of ERROR and MISSING nodes in FILE's tree.
parse_file() {
  "$ts" parse --grammar-path "$grammar" "$root/$1" >"$work/tree.out" 2>&1 || true
  grep -cE '\((ERROR|MISSING)' "$work/tree.out" || true
}

clean_files=$(find examples stdlib tests/ui/clean -name '*.mflow' | sort)
bad=0
count=0
for f in $clean_files; do
  count=$((count + 1))
  n=$(parse_file "$f")
  if [[ $n -ne 0 ]]; then
    bad=$((bad + 1))
    echo "  $f: $n ERROR/MISSING nodes"
    grep -nE '\((ERROR|MISSING)' "$work/tree.out" | head -5
  fi
done
[[ $bad -eq 0 ]] && pass "$count clean files parse without ERROR or MISSING" || fail "$bad of $count clean files have ERROR or MISSING nodes"

# Syntax-error fixtures whose error a context-free grammar does not see (values and
# limits the parser checks after parsing), with the reason.
declare -A beyond=(
  [bad_date.mflow]="a date with an impossible day is still digits-dash-digits"
  [bad_month.mflow]="month 13 is still two digits"
  [duration_too_long.mflow]="a duration past the largest value is well-formed"
  [number_too_large.mflow]="an integer past i64 is well-formed"
  [too_deep.mflow]="nesting depth is a limit, not syntax"
  [too_many_nots.mflow]="the number of prefix operators is a limit"
  [expr_too_long.mflow]="expression length is a limit"
  [duplicate_key.mflow]="a repeated key is well-formed"
  [trigger_interpolated_name.mflow]="an interpolated string is well-formed; the AST builder wants a plain one"
  [invalid_utf8.mflow]="tree-sitter reads bytes it cannot decode as text; encoding is not grammar"
  [cycle_of_one_step.mflow]="a step after itself is a graph error (E0301), not syntax"
)
count=0
bad=0
for f in $(find tests/ui/syntax -name '*.mflow' | sort); do
  name=$(basename "$f")
  if [[ -n ${beyond[$name]:-} ]]; then
    continue
  fi
  count=$((count + 1))
  n=$(parse_file "$f")
  if [[ $n -eq 0 ]]; then
    bad=$((bad + 1))
    echo "  $f: no ERROR or MISSING node"
  fi
done
[[ $bad -eq 0 ]] && pass "$count syntax-error fixtures each have an ERROR or MISSING node (${#beyond[@]} excluded: values and limits)" || fail "$bad of $count syntax-error fixtures parse without error"

echo "== highlight examples/daily_etl.mflow"
"$ts" highlight --grammar-path "$grammar" --html examples/daily_etl.mflow >"$work/daily.html" 2>"$work/highlight.err" || true
python3 - "$work/daily.html" <<'PY' && pass "highlight: expected capture names on examples/daily_etl.mflow" || fail "highlight of examples/daily_etl.mflow"
import html, re, sys
text = open(sys.argv[1]).read()
spans = [(m.group(1), html.unescape(re.sub(r"<[^>]+>", "", m.group(2)))) for m in
         re.finditer(r"<span class='([^']+)'[^>]*>(.*?)</span>", text, re.S)]
want = [
    ("keyword", "workflow"), ("type", "daily_etl"), ("keyword", "param"), ("variable parameter", "day"),
    ("type", "date"), ("number", "1d"), ("keyword", "step"), ("function", "extract"), ("keyword", "run"),
    ("keyword", "outputs"), ("property", "rows"), ("keyword", "retry"), ("keyword", "backoff"),
    ("function builtin", "exponential"), ("number", "10s"), ("keyword", "timeout"),
    ("comment", "// Workflow outputs are printed when the run ends."), ("keyword import", "import"),
    ("number", "30s"), ("comment documentation", "/// A daily extract-transform-load of one day of orders."),
]
missing = [w for w in want if w not in spans]
for cls, tok in missing:
    print(f"  expected {tok!r} as {cls!r}; got {[c for c, t in spans if t == tok][:3]}")
sys.exit(1 if missing else 0)
PY

echo "treesitter: ${passed} passed, ${failed} failed"
[[ $failed -eq 0 ]]
