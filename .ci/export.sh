#!/usr/bin/env bash
# CI for `compile --target argo|maestro` (issue 13): every example, export fixture and
# clean UI fixture that compiles to Argo is validated against Argo's published JSON schema
# (vendored in tests/fixtures/argo/schema.json, Argo v4.1.2) and by Hera's generated
# models. The Maestro checks (structure of Maestro's samples, serde round trip) are Rust
# tests (`cargo test --test maestroc-tests export`), run here too.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/export-venv
if ! "$venv/bin/python" -c 'import jsonschema, yaml, hera' >/dev/null 2>&1; then
  python3 -m venv "$venv" 2>/dev/null || {
    (apt-get install -y python3-venv >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y python3-venv >/dev/null; })
    python3 -m venv "$venv"
  }
  "$venv/bin/pip" install -q jsonschema pyyaml hera
fi

cargo build -q
bin=target/debug/maestroc
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
compiled=0
refused=0
for f in examples/*.mflow tests/fixtures/export/*.mflow tests/ui/clean/*.mflow; do
  for w in $(grep -oP '^workflow \K\w+' "$f"); do
    for kind in workflow template; do
      dest="$out/$(basename "$f" .mflow)-$w-$kind.yaml"
      if "$bin" compile "$f" -w "$w" --target argo --kind "$kind" --default-image alpine:3 >"$dest" 2>"$dest.err"; then
        compiled=$((compiled + 1))
      else
        # A refusal must be a coded diagnostic (E08xx), never a crash.
        if ! grep -qE 'error\[E08[0-4][0-9]\]' "$dest.err"; then
          echo "export: $f -w $w: refused without an E08xx diagnostic:"; cat "$dest.err"; exit 1
        fi
        refused=$((refused + 1))
        rm -f "$dest"
      fi
      rm -f "$dest.err"
    done
  done
done
echo "export: $compiled Argo manifests compiled, $refused refused with a coded diagnostic"
"$venv/bin/python" tests/fixtures/argo/validate.py "$out"/*.yaml | tail -n 1
"$venv/bin/python" tests/fixtures/argo/validate.py "$out"/*.yaml >/dev/null

cargo test -q --test maestroc-tests export 2>&1 | tail -n 3
