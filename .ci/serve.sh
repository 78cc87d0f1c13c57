#!/usr/bin/env bash
# `maestroc serve` in a real headless Chromium (issue 14): installs Chromium and its
# WebDriver, starts `serve` on a free loopback port with tests/web/flows.mflow, runs the
# browser test (tests/web/serve_view.mjs: runs page, run page, foreach drill-down, cancel
# button, workflows page), measures signal-trigger latency, and stops `serve`.
# Screenshots are kept under $SERVE_SHOTS (default: a temp dir, printed).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
command -v node >/dev/null 2>&1 || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null; }

cargo build --quiet
bin="$PWD/target/debug/maestroc"
work="$(mktemp -d)"
shots="${SERVE_SHOTS:-$work/screenshots}"
mkdir -p "$work/flows"
cp tests/web/flows.mflow "$work/flows/"
export MFLOW_HOME="$work/home"

"$bin" serve "$work/flows" --listen 127.0.0.1:0 --grace 2 2>"$work/serve.log" &
serve_pid=$!
stop() { kill -TERM "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 1 200); do
  grep -q 'listening on http://' "$work/serve.log" && break
  sleep 0.1
done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log" | head -1)
[ -n "$url" ] || { cat "$work/serve.log"; exit 1; }
echo "serve listens on $url; screenshots in $shots"

status=0
node tests/web/serve_view.mjs "$url" "$shots" || status=$?

stop
trap - EXIT
echo "--- serve log"
tail -n 40 "$work/serve.log"
exit "$status"
