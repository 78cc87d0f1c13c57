#!/usr/bin/env bash
# A short fuzz run of the parser oracle (issue 10 §1): arbitrary text must never make the
# hand-written fast parser and the pest grammar disagree (fuzz/fuzz_targets/parser_oracle.rs).
# Seeds: every example, stdlib file and UI fixture. Length: FUZZ_RUNS inputs (default 60,000, about 30-60 s), seed FUZZ_SEED (default 1).
# A finding is saved under fuzz/artifacts/parser_oracle/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz
fi

# A fixed seed and a fixed number of inputs make the run reproducible: CI explores exactly
# what a developer's run of this script explored (a time limit would vary with the machine).
runs="${FUZZ_RUNS:-60000}"
seed="${FUZZ_SEED:-1}"
corpus=fuzz/corpus/parser_oracle
mkdir -p "$corpus"
for f in examples/*.mflow stdlib/*.mflow tests/ui/*/*.mflow; do
  cp "$f" "$corpus/seed_$(echo "$f" | tr '/' '_')"
done

# The toolchain is stable: cargo-fuzz passes a few nightly-only flags to rustc, which
# RUSTC_BOOTSTRAP allows. No sanitizer: the crate forbids unsafe code, and the property
# checked is the parsers' agreement, not memory safety.
# Every fuzz target is built, so none can rot unnoticed; the short run is the oracle's.
RUSTC_BOOTSTRAP=1 cargo fuzz build --sanitizer none
RUSTC_BOOTSTRAP=1 cargo fuzz run parser_oracle --sanitizer none "$corpus" -- \
  -runs="$runs" -seed="$seed" -max_len=4096 -timeout=10 -print_final_stats=1
