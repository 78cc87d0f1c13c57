#!/usr/bin/env bash
# The language server with a real client: headless Neovim (Debian's `neovim`) runs
# editors/nvim/test/lsp.lua, which attaches `maestroc lsp` to a broken file and checks the
# diagnostics, a hover and a go-to-definition. The Rust stdio tests (tests/lsp) run with
# `cargo test`. The last line is `nvim-lsp: N passed, M failed`; exit status 1 on a failure.
#
# Usage, from the repository root:  .ci/lsp.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v nvim >/dev/null 2>&1; then
  echo "lsp: installing neovim"
  sudo_cmd=""
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get install -y -q neovim >/dev/null 2>&1 \
    || { $sudo_cmd apt-get update -q >/dev/null && $sudo_cmd apt-get install -y -q neovim >/dev/null; }
fi
cargo build --quiet
bin="$(pwd)/target/debug/maestroc"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/lib.mflow" <<'MFLOW'
/// Twice `n`.
fn double(n: int) -> int = n * 2
MFLOW
cat > "$dir/broken.mflow" <<'MFLOW'
import "./lib.mflow"

/// Copies rows.
workflow copy {
  /// How many rows.
  param count: int = 3
  step load {
    run "echo ${count} ${cuont} ${lib.double(count)}"
  }
}
MFLOW

MAESTROC="$bin" MFLOW_DIR="$dir" timeout 120 nvim --headless -u NONE -i NONE -n \
  -c "luafile editors/nvim/test/lsp.lua" 2>&1
