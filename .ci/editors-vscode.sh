#!/usr/bin/env bash
# Checks the VS Code extension in editors/vscode:
#   - package.json, language-configuration.json and the grammar parse as JSON;
#   - every grammar test editors/vscode/tests/*.test.mflow passes (vscode-tmgrammar-test);
#   - every scope the grammar assigns is named by a test assertion, and every file of
#     examples/, stdlib/ and tests/ui/clean/ tokenizes cleanly: no invalid token, no
#     reserved word scoped as a name, every clause word that starts a line a keyword,
#     no unclosed region (editors/vscode/tests/check-grammar.js);
#   - `vsce package --no-dependencies` builds a .vsix that holds the grammar.
#
# Usage, from the repository root:  .ci/editors-vscode.sh
# The npm tools go to a cache folder outside the repository, reused while the pinned
# versions stay the same: $MFLOW_VSCODE_TOOLS, by default ~/.cache/maestroc/vscode-tools.
# Nothing is written inside the repository. The last line is
# `editors-vscode: N passed, M failed`; the exit status is 1 when a check failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
ext="$root/editors/vscode"
grammar="$ext/syntaxes/mflow.tmLanguage.json"

# Pinned tool versions. @vscode/vsce 3.9.x runs on Node.js 20 (4.x needs Node.js 22).
TMGRAMMAR_TEST_VERSION=0.1.3
VSCE_VERSION=3.9.2

node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  echo "editors-vscode: Node.js 20 or later is needed, found $(node --version)" >&2
  exit 2
fi

tools="${MFLOW_VSCODE_TOOLS:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/maestroc/vscode-tools}"
stamp="$tools/.installed-tmgrammar-test-$TMGRAMMAR_TEST_VERSION-vsce-$VSCE_VERSION"
if [[ ! -f "$stamp" ]]; then
  echo "editors-vscode: installing vscode-tmgrammar-test@$TMGRAMMAR_TEST_VERSION and @vscode/vsce@$VSCE_VERSION into $tools"
  rm -rf "$tools"
  mkdir -p "$tools"
  # No install scripts: the only one (@vscode/vsce-sign's) is for signing, not packaging.
  npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
    --prefix "$tools" \
    "vscode-tmgrammar-test@$TMGRAMMAR_TEST_VERSION" "@vscode/vsce@$VSCE_VERSION"
  touch "$stamp"
fi
bin="$tools/node_modules/.bin"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
pass() {
  passed=$((passed + 1))
  echo "ok   $1"
}
fail() {
  failed=$((failed + 1))
  echo "FAIL $1"
}

# check NAME COMMAND...: one check; the command's output is shown only when it fails.
check() {
  local name=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then
    pass "$name"
  else
    fail "$name"
    sed 's/^/     /' "$tmp/out"
  fi
}

# ---------------------------------------------------------------- JSON files
for f in package.json language-configuration.json syntaxes/mflow.tmLanguage.json; do
  check "json $f" node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$ext/$f"
done

# ---------------------------------------------------------------- grammar tests
shopt -s nullglob
tests=("$ext"/tests/*.test.mflow)
shopt -u nullglob
if ((${#tests[@]} == 0)); then
  fail "grammar tests: none found in editors/vscode/tests"
fi
for t in "${tests[@]}"; do
  check "grammar test ${t#"$root"/}" \
    "$bin/vscode-tmgrammar-test" --compact --grammar "$grammar" "$t"
done

# ---------------------------------------------------------------- coverage and real files
sources=()
while IFS= read -r f; do
  sources+=("$f")
done < <(find examples stdlib tests/ui/clean -name '*.mflow' | LC_ALL=C sort)
set +e
node "$ext/tests/check-grammar.js" "$tools" "$grammar" "$ext/tests" "${sources[@]}" >"$tmp/checks" 2>&1
checks_status=$?
set -e
while IFS= read -r line; do
  case "$line" in
    "ok "*) pass "${line#ok }" ;;
    "FAIL "*) fail "${line#FAIL }" ;;
    *) echo "     $line" ;;
  esac
done <"$tmp/checks"
if ((checks_status != 0)) && ! grep -q '^FAIL ' "$tmp/checks"; then
  fail "check-grammar.js exited with status $checks_status"
fi

# ---------------------------------------------------------------- packaging
vsix="$tmp/mflow.vsix"
package() {
  (cd "$ext" && "$bin/vsce" package --no-dependencies --out "$vsix")
}
check "vsce package --no-dependencies" package
if [[ -f "$vsix" ]]; then
  check "vsix holds the grammar, the configuration and no tests" python3 - "$vsix" <<'EOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["extension/package.json", "extension/language-configuration.json",
        "extension/syntaxes/mflow.tmLanguage.json"]
missing = [n for n in need if n not in names]
tests = sorted(n for n in names if n.startswith("extension/tests/"))
if missing or tests:
    print("missing:", missing, "unexpected:", tests)
    sys.exit(1)
EOF
else
  fail "vsix holds the grammar: no .vsix was written"
fi

echo "editors-vscode: $passed passed, $failed failed"
((failed == 0))
