#!/usr/bin/env bash
# The README's first command (`make demo`): start the built-in mock with the example policy, pipe the example
# session through the filter, print the filter's output unchanged, stop the mock.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/capsule-gate}
token="demo-token-$RANDOM$RANDOM"
out=$(mktemp -d)
trap 'kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; rm -rf "$out"' EXIT
CAPSULE_TOKEN="$token" "$bin" mock --port 0 --policy examples/policy.json >"$out/mock.out" 2>"$out/mock.err" &
mock_pid=$!
for _ in $(seq 1 100); do
    [ -s "$out/mock.out" ] && break
    kill -0 "$mock_pid" 2>/dev/null || { cat "$out/mock.err" >&2; exit 1; }
    sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$out/mock.out" | head -n 1)
[ -n "$url" ] || { echo "demo: the mock did not start" >&2; cat "$out/mock.err" >&2; exit 1; }
echo "demo: mock listening on $url with examples/policy.json; piping examples/session.jsonl through capsule-gate" >&2
CAPSULE_TOKEN="$token" "$bin" --url "$url" --agent-id support-agent <examples/session.jsonl
