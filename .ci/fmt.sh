#!/usr/bin/env bash
# Keeps examples/, stdlib/ and tests/ui/clean/ in the canonical layout of `maestroc fmt`
# (docs/formatting.md): `maestroc fmt --check` prints a unified diff of any file that is not
# and fails. Fix with `cargo run -- fmt examples stdlib tests/ui/clean`.
# Usage, from anywhere: bash .ci/fmt.sh. Last line: `fmt: N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1 CARGO_TERM_COLOR=never
cargo build --quiet
if ./target/debug/maestroc fmt --check examples stdlib tests/ui/clean; then
  echo "fmt: 1 passed, 0 failed"
else
  echo "fmt: 0 passed, 1 failed"
  exit 1
fi
