#!/usr/bin/env bash
# Count capsule-gate's instructions per blocking event with callgrind, against a local nginx on 127.0.0.1.
#
# Usage: bench/profile.sh [BINARY] [EVENTS]   (defaults .build/release/capsule-gate, 20000)
# Environment: PROFILE_CONCURRENCY (default 64), PROFILE_TOP (functions listed, default 25),
# PROFILE_ARGS (extra filter flags, e.g. "--emit blocking").
# Prints total Ir, Ir per event and the top functions by self cost; keeps the callgrind file in bench/out/.
# Build with debug info for readable names: swift build -c release --static-swift-stdlib -Xswiftc -g
set -euo pipefail
export SWIFT_BACKTRACE=enable=no
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN="${1:-.build/release/capsule-gate}"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
EVENTS="${2:-20000}"
CONCURRENCY="${PROFILE_CONCURRENCY:-64}"
TOP="${PROFILE_TOP:-25}"

source bench/lib.sh
trap bench_cleanup EXIT
[ -x "$BIN" ] || { say "error: no capsule-gate binary at '$BIN'"; exit 1; }
need_command valgrind valgrind
need_command nginx "nginx-light nginx"
need_command openssl openssl

OUT="$BENCH_OUT/profile-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
CAPSULE_TOKEN="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export CAPSULE_TOKEN
python3 bench/gen_events.py "$EVENTS" --mix blocking --seed 11 >"$OUT/events.jsonl"
make_certs "$OUT/nginx"
HTTP_PORT=$(free_port)
nginx_start "$OUT/nginx" "$HTTP_PORT" "$(free_port)"

say "callgrind: $EVENTS blocking events, --concurrency $CONCURRENCY (takes about a minute)"
# shellcheck disable=SC2086
valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" --separate-threads=no \
    "$BIN" --url "http://127.0.0.1:$HTTP_PORT" --concurrency "$CONCURRENCY" ${PROFILE_ARGS:-} \
    <"$OUT/events.jsonl" >"$OUT/decisions.jsonl" 2>"$OUT/valgrind.err" || {
    say "error: the filter failed under valgrind: $(tail -n 5 "$OUT/valgrind.err")"
    exit 1
}
lines=$(wc -l <"$OUT/decisions.jsonl")
allowed=$(grep -c '"source" *: *"capsule"' "$OUT/decisions.jsonl" || true)
[ "$lines" = "$EVENTS" ] || say "warning: $lines output lines for $EVENTS events"
[ "$allowed" = "$EVENTS" ] || say "warning: only $allowed of $EVENTS decisions came from the server"

total=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$OUT/callgrind.out" | head -n 1)
[ -n "$total" ] || total=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$OUT/callgrind.out" | head -n 1)
echo "events:            $EVENTS (decisions from the server: $allowed)"
echo "total Ir:          $total"
echo "Ir per event:      $((total / EVENTS))"
echo "callgrind file:    $OUT/callgrind.out (callgrind_annotate --inclusive=yes for inclusive costs)"
echo
annotate="$OUT/annotate.txt"
callgrind_annotate --threshold=100 "$OUT/callgrind.out" >"$annotate" 2>/dev/null || true
demangle() { if command -v swift-demangle >/dev/null 2>&1; then swift-demangle --simplified; else cat; fi; }
echo "Ir per event by object (self cost):"
grep -E '^ *[0-9,]+ \(.*\[/[^]]*\] *$' "$annotate" \
    | sed -E 's/^ *([0-9,]+) .*\[([^]]*)\] *$/\1 \2/' | awk -v events="$EVENTS" '
        NF == 2 { gsub(",", "", $1); n = split($2, parts, "/"); sum[parts[n]] += $1 }
        END { for (o in sum) printf "  %12d  %s\n", sum[o] / events, o }' | sort -rn | head -n 8
echo
echo "top $TOP functions by self Ir:"
grep -E '^ *[0-9,]+ \(' "$annotate" | grep -v 'PROGRAM TOTALS' | head -n "$TOP" | demangle \
    | sed -E 's| \[[^]]*/([^]/]*)\] *$| [\1]|' | cut -c1-200
