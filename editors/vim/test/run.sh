#!/usr/bin/env bash
# Headless tests of the Vim runtime files in editors/vim: filetype detection,
# ftplugin options, syntax groups at chosen positions, indentation, and a smoke
# test over examples/ and stdlib/. Prints `editors-vim: N passed, M failed`;
# exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
vimdir="$(dirname "$here")"
root="$(cd "$vimdir/../.." && pwd)"

if ! command -v vim >/dev/null 2>&1; then
  echo "editors-vim: vim not found, installing it" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y vim-nox >/dev/null 2>&1 \
    || $sudo apt-get install -y vim >/dev/null 2>&1 \
    || { $sudo apt-get update >/dev/null && $sudo apt-get install -y vim-nox >/dev/null; } \
    || { echo "editors-vim: could not install vim" >&2; exit 1; }
fi

results="$(mktemp)"
trap 'rm -f "$results"' EXIT

# No user config (-u NONE), no viminfo, no swap files; the runtimepath gets
# editors/vim in front (and its after/ is not needed).
set +e
vim -Nu NONE -i NONE -n -es \
  --cmd "set runtimepath^=$vimdir" \
  --cmd 'filetype plugin indent on' \
  --cmd 'syntax on' \
  --cmd "let g:mflow_root = '$root' | let g:mflow_results = '$results'" \
  -S "$here/test.vim" </dev/null
status=$?
set -e

if [ ! -s "$results" ]; then
  echo "editors-vim: vim exited with status $status and wrote no results" >&2
  echo "editors-vim: 0 passed, 1 failed"
  exit 1
fi

summary="$(tail -n 1 "$results")"
head -n -1 "$results"
passed="$(sed -n 's/^\([0-9]*\) passed, [0-9]* failed$/\1/p' <<<"$summary")"
failed="$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1/p' <<<"$summary")"
if [ -z "$passed" ] || [ -z "$failed" ]; then
  echo "FAIL: unreadable results line: $summary"
  passed="${passed:-0}" failed="${failed:-0}"
  failed=$((failed + 1))
fi
if [ "$status" -ne 0 ]; then
  # vim -es exits non-zero when a command in the test script itself failed.
  echo "FAIL: vim exited with status $status (an error in test/test.vim?)"
  failed=$((failed + 1))
fi
echo "editors-vim: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
