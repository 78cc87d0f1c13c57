#!/usr/bin/env bash
# Checks the VS Code extension in editors/vscode:
#   - package.json, language-configuration.json and the grammar parse as JSON;
#   - every grammar test editors/vscode/tests/*.test.mflow passes (vscode-tmgrammar-test);
#   - every scope the grammar assigns is named by a test assertion, and every file of
#     examples/, stdlib/ and tests/ui/clean/ tokenizes cleanly: no invalid token, no
#     reserved word scoped as a name, every clause word that starts a line a keyword,
#     no unclosed region (editors/vscode/tests/check-grammar.js);
#   - `npm ci` installs the extension's locked dependencies (vscode-languageclient, esbuild),
#     esbuild bundles src/extension.js with them into dist/extension.js, and the bundle
#     loads in Node.js with a stub `vscode` module: it needs nothing outside the bundle,
#     a missing maestroc gives one clear error, the settings are honoured, a fake LSP
#     maestroc is spawned as `maestroc lsp`, initialized and shut down, and with a built
#     maestroc that has `lsp` (target/release or target/debug, or $MAESTROC) an open file's
#     E0104 comes back from the real server (editors/vscode/tests/check-bundle.js);
#   - `vsce package --no-dependencies` builds a .vsix that holds the grammar, package.json
#     whose `main` is the bundle, and the bundle itself (no sources, no node_modules).
#
# Usage, from the repository root:  .ci/editors-vscode.sh
# The test tools go to a cache folder outside the repository, reused while the pinned
# versions stay the same: $MFLOW_VSCODE_TOOLS, by default ~/.cache/maestroc/vscode-tools;
# npm's download cache for `npm ci` is kept there too. Inside the repository only the
# git-ignored editors/vscode/node_modules and editors/vscode/dist are written (`npm ci` is
# skipped while node_modules matches package-lock.json). The last line is
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

# ---------------------------------------------------------------- extension code: npm ci, bundle
# `npm ci` is skipped while node_modules was installed from this very package-lock.json
# (npm keeps its copy in node_modules/.package-lock.json); downloads come from npm's cache.
install_deps() {
  if [[ -f "$ext/node_modules/.mflow-lock" ]] && cmp -s "$ext/package-lock.json" "$ext/node_modules/.mflow-lock"; then
    echo "node_modules is up to date with package-lock.json"
    return 0
  fi
  (cd "$ext" && npm ci --no-audit --no-fund --loglevel=error --prefer-offline --cache "$tools/npm-cache") &&
    cp "$ext/package-lock.json" "$ext/node_modules/.mflow-lock"
}
check "npm ci (editors/vscode/package-lock.json)" install_deps
rm -rf "$ext/dist"
check "esbuild bundle (npm run bundle) writes dist/extension.js" \
  bash -c 'cd "$1" && npm run --silent bundle && test -s dist/extension.js' _ "$ext"
if [[ -f "$ext/dist/extension.js" ]]; then
  set +e
  # The end-to-end check against the real server uses $MAESTROC, else the binary .ci/run
  # has built (target/release, else target/debug); it is skipped, with a line saying so,
  # when there is none or it has no `lsp` command. Nothing is built here.
  maestroc="${MAESTROC:-}"
  if [[ -z "$maestroc" ]]; then
    for candidate in "$root/target/release/maestroc" "$root/target/debug/maestroc"; do
      if [[ -x "$candidate" ]]; then
        maestroc=$candidate
        break
      fi
    done
  fi
  if [[ -z "$maestroc" ]]; then
    echo "     skip real maestroc lsp: no \$MAESTROC and no target/release or target/debug maestroc"
  fi
  node "$ext/tests/check-bundle.js" "$ext/dist/extension.js" ${maestroc:+"$maestroc"} >"$tmp/bundle" 2>&1
  bundle_status=$?
  set -e
  while IFS= read -r line; do
    case "$line" in
      "ok "*) pass "bundle: ${line#ok }" ;;
      "FAIL "*) fail "bundle: ${line#FAIL }" ;;
      *) echo "     $line" ;;
    esac
  done <"$tmp/bundle"
  if ((bundle_status != 0)) && ! grep -q '^FAIL ' "$tmp/bundle"; then
    fail "check-bundle.js exited with status $bundle_status"
  fi
else
  fail "bundle: no dist/extension.js to load"
fi

# ---------------------------------------------------------------- packaging
# vsce runs the `vscode:prepublish` script (the bundle again) before packaging.
vsix="$tmp/mflow.vsix"
package() {
  (cd "$ext" && "$bin/vsce" package --no-dependencies --out "$vsix")
}
check "vsce package --no-dependencies" package
if [[ -f "$vsix" ]]; then
  check "vsix holds the grammar, the configuration, the bundle as main, no tests/sources/node_modules" python3 - "$vsix" <<'EOF'
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = set(z.namelist())
need = ["extension/package.json", "extension/language-configuration.json",
        "extension/syntaxes/mflow.tmLanguage.json", "extension/dist/extension.js"]
missing = [n for n in need if n not in names]
unexpected = sorted(n for n in names
                    if n.startswith(("extension/tests/", "extension/src/", "extension/node_modules/")))
problems = []
if missing or unexpected:
    problems.append(f"missing: {missing} unexpected: {unexpected}")
if "extension/package.json" in names:
    main = json.loads(z.read("extension/package.json")).get("main")
    if main not in ("./dist/extension.js", "dist/extension.js"):
        problems.append(f"package.json main is {main!r}, not ./dist/extension.js")
if "extension/dist/extension.js" in names:
    code = z.read("extension/dist/extension.js").decode("utf-8", "replace")
    if "maestroc.lsp.enable" not in code or "LanguageClient" not in code:
        problems.append("dist/extension.js is not the bundle of src/extension.js with vscode-languageclient")
if problems:
    print("\n".join(problems))
    sys.exit(1)
EOF
else
  fail "vsix holds the grammar: no .vsix was written"
fi

echo "editors-vscode: $passed passed, $failed failed"
((failed == 0))
