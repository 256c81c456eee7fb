#!/usr/bin/env bash
# The capsule-gate benchmark (`make bench`): every figure of the performance issue, on loopback, against nginx and
# `capsule-gate mock`, next to the baselines a user would otherwise write (curl per line, xargs -P curl, aiohttp).
#
# Usage: bench/run.sh [BINARY]   (default .build/release/capsule-gate)
# Environment: BENCH_RUNS (runs per figure, default 3), BENCH_SCALE (event-count multiplier, default 1; use 0.1 for
# a quick smoke run), BENCH_KEEP=1 keeps bench/out/run-*/ (inputs, nginx logs) afterwards.
# Writes bench/RESULTS.md, bench/results.csv and bench/throughput.png; scratch files go to bench/out/ (git-ignored).
set -euo pipefail
export SWIFT_BACKTRACE=enable=no
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN="${1:-.build/release/capsule-gate}"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
RUNS="${BENCH_RUNS:-3}"
SCALE="${BENCH_SCALE:-1}"
STARTED=$(date +%s)
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || commit="$commit (with uncommitted changes in Sources)"

source bench/lib.sh
trap bench_cleanup EXIT
if python3 -c 'import os, sys; sys.exit(0 if os.getloadavg()[0] > 0.5 * os.cpu_count() else 1)'; then
    say "warning: load average is $LOAD_START on $(nproc) cores; other work will skew every figure"
fi

# n COUNT: COUNT scaled by BENCH_SCALE, at least 50.
n() { python3 -c "import sys; print(max(50, int(float(sys.argv[1]) * float(sys.argv[2]))))" "$1" "$SCALE"; }

[ -x "$BIN" ] || { say "error: no capsule-gate binary at '$BIN' (run 'make release' first)"; exit 1; }
need_command nginx "nginx-light nginx"
need_command wrk wrk || true
need_command openssl openssl
need_command curl curl

# Python with aiohttp (baseline) and matplotlib (chart) in bench/.venv.
VENV="$ROOT/bench/.venv"
if ! "$VENV/bin/python" -c 'import aiohttp, matplotlib' 2>/dev/null; then
    say "setting up $VENV (aiohttp, matplotlib)"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get install -y -qq python3-venv >/dev/null 2>&1
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/pip" install -q aiohttp matplotlib >&2 || say "warning: pip failed; no aiohttp baseline or chart"
fi
PY="$VENV/bin/python"
[ -x "$PY" ] || PY=python3
DRIVE=("$PY" "$ROOT/bench/drive.py")

OUT="$BENCH_OUT/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
BENCH_OUT="$OUT" # mock_start's scratch files land in this run's directory too
RECORD="$OUT/runs.jsonl"
: >"$RECORD"
# A throwaway token for the local servers; it is only ever passed through the environment.
CAPSULE_TOKEN="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export CAPSULE_TOKEN

say "generating inputs in $OUT"
NG64=$(n 100000); NG8=$(n 30000); NG1=$(n 10000); TEL=$(n 100000); TLS=$(n 50000)
MK1=$(n 300); MK8=$(n 1600); MK64=$(n 12800)
AIO64=$(n 10000); AIO8=$(n 3000); AIO1=$(n 1000); LOOP=$(n 300); XA64=$(n 600); XA8=$(n 300)
RSS1=$(n 100000); RSS2=$(n 1000000)
python3 bench/gen_events.py "$NG64" --mix blocking --seed 1 >"$OUT/blocking.jsonl"
python3 bench/gen_events.py "$TEL" --mix telemetry --seed 2 >"$OUT/telemetry.jsonl"
head_of() { local f="$OUT/blocking-$1.jsonl"; [ -f "$f" ] || head -n "$1" "$OUT/blocking.jsonl" >"$f"; echo "$f"; }

say "starting nginx (HTTP and HTTPS with a test CA) on 127.0.0.1"
NGX="$OUT/nginx"
make_certs "$NGX"
HTTP_PORT=$(free_port)
HTTPS_PORT=$(free_port)
nginx_start "$NGX" "$HTTP_PORT" "$HTTPS_PORT"
NGINX_URL="http://127.0.0.1:$HTTP_PORT"
NGINX_TLS_URL="https://127.0.0.1:$HTTPS_PORT"
WEBHOOK="$NGINX_URL$WEBHOOK_PATH"

say "checking that $BIN answers"
probe="$(head -n 1 "$OUT/blocking.jsonl" | timeout 20 "$BIN" --url "$NGINX_URL" 2>"$OUT/probe.err" || true)"
if ! grep -q '"source" *: *"capsule"' <<<"$probe"; then
    say "error: capsule-gate did not return a decision from the server: ${probe:0:300} $(head -c 300 "$OUT/probe.err")"
    exit 1
fi

# gate FIGURE COUNT INPUT LOG [filter args...]: RUNS timed runs of the filter, checked, counted at nginx.
gate() {
    local fig="$1" count="$2" input="$3" log="$4" r
    shift 4
    for r in $(seq "$RUNS"); do
        "${DRIVE[@]}" run --figure "$fig" --record "$RECORD" --input "$input" --expect "$count" \
            --server-log "$log" --server-expect "$count" --stderr "$OUT/$fig.$r.err" -- "$BIN" "$@" >/dev/null
    done
}

# shell FIGURE COUNT INPUT LOG COMMAND: RUNS timed runs of a baseline shell command reading the input on stdin.
shell() {
    local fig="$1" count="$2" input="$3" log="$4" cmd="$5" r
    for r in $(seq "$RUNS"); do
        "${DRIVE[@]}" run --figure "$fig" --record "$RECORD" --input "$input" --expect "$count" --check answers \
            --server-log "$log" --server-expect "$count" --stderr "$OUT/$fig.$r.err" -- bash -c "$cmd" >/dev/null
    done
}

say "1/9 blocking throughput against nginx, N = 64, 8, 1 (capsule-gate CPU per event from the N = 64 runs)"
gate nginx_n64 "$NG64" "$OUT/blocking.jsonl" "$NGX/http.log" --url "$NGINX_URL" --concurrency 64
gate nginx_n8 "$NG8" "$(head_of "$NG8")" "$NGX/http.log" --url "$NGINX_URL" --concurrency 8
gate nginx_n1 "$NG1" "$(head_of "$NG1")" "$NGX/http.log" --url "$NGINX_URL" --concurrency 1

say "2/9 baselines against the same nginx and input: aiohttp, curl per line, xargs -P curl"
if "$PY" -c 'import aiohttp' 2>/dev/null; then
    for c in 64 8 1; do
        count_var="AIO$c"
        shell "aiohttp_n$c" "${!count_var}" "$(head_of "${!count_var}")" "$NGX/http.log" \
            "'$PY' '$ROOT/bench/drive.py' aiohttp --url '$WEBHOOK' --concurrency $c"
    done
else
    say "warning: no aiohttp in $VENV; skipping that baseline"
fi
CURL_ARGS="-s -X POST '$WEBHOOK' -H \"Authorization: Bearer \$CAPSULE_TOKEN\" -H 'Content-Type: application/json' -w '\\n'"
shell curl_loop "$LOOP" "$(head_of "$LOOP")" "$NGX/http.log" \
    "while IFS= read -r line; do curl $CURL_ARGS --data-binary \"\$line\"; done"
shell xargs_p64 "$XA64" "$(head_of "$XA64")" "$NGX/http.log" \
    "xargs -d '\\n' -n 1 -P 64 curl $CURL_ARGS --data-binary"
shell xargs_p8 "$XA8" "$(head_of "$XA8")" "$NGX/http.log" \
    "xargs -d '\\n' -n 1 -P 8 curl $CURL_ARGS --data-binary"

say "3/9 telemetry-only throughput against nginx (spawn to exit, every event counted at the server)"
# The telemetry queue is sized to the input: by contract a full queue drops (or spools) events rather than pause
# stdin, and this figure counts only runs where every event reached the server.
gate telemetry "$TEL" "$OUT/telemetry.jsonl" "$NGX/http.log" --url "$NGINX_URL" --concurrency 64 \
    --telemetry-concurrency 64 --telemetry-queue "$TEL"

say "4/9 HTTPS throughput, N = 64, test CA via --ca-file"
gate https_n64 "$TLS" "$(head_of "$TLS")" "$NGX/https.log" --url "$NGINX_TLS_URL" --ca-file "$NGX/ca.pem" \
    --concurrency 64

say "5/9 coprocess round trip, N = 1, against nginx"
for r in $(seq "$RUNS"); do
    "${DRIVE[@]}" roundtrip --figure roundtrip --record "$RECORD" --input "$(head_of 3000)" --count 2000 \
        --warmup 200 -- "$BIN" --url "$NGINX_URL" --concurrency 1 >/dev/null
done

say "6/9 spawn to first decision against nginx"
for r in $(seq "$RUNS"); do
    "${DRIVE[@]}" spawn --figure spawn --record "$RECORD" --input "$OUT/blocking.jsonl" --repeat 15 \
        -- "$BIN" --url "$NGINX_URL" >/dev/null
done

say "7/9 peak RSS: $RSS1 mixed events x $RUNS, then $RSS2 once, streamed from the generator through a pipe"
# Default telemetry queue here: memory must stay flat (the queue holds at most 4 MiB; against a healthy server a
# full queue paces stdin instead of dropping); the report notes how many events reached the server.
for r in $(seq "$RUNS"); do
    "${DRIVE[@]}" run --figure rss_100k --record "$RECORD" --gen "$RSS1 --mix mixed --seed 5" --expect "$RSS1" \
        --server-log "$NGX/http.log" --stderr "$OUT/rss_100k.$r.err" \
        -- "$BIN" --url "$NGINX_URL" --concurrency 64 --telemetry-concurrency 64 >/dev/null
done
"${DRIVE[@]}" run --figure rss_1m --record "$RECORD" --gen "$RSS2 --mix mixed --seed 5" --expect "$RSS2" \
    --server-log "$NGX/http.log" --stderr "$OUT/rss_1m.err" --timeout 400 \
    -- "$BIN" --url "$NGINX_URL" --concurrency 64 --telemetry-concurrency 64 >/dev/null

say "8/9 blocking against capsule-gate mock --latency 10 (N/L bound: 100, 800, 6400 /s)"
if mock_start "$BIN" --latency 10; then
    gate mock_n1 "$MK1" "$(head_of "$MK1")" "" --url "$MOCK_URL" --concurrency 1
    gate mock_n8 "$MK8" "$(head_of "$MK8")" "" --url "$MOCK_URL" --concurrency 8
    gate mock_n64 "$MK64" "$(head_of "$MK64")" "" --url "$MOCK_URL" --concurrency 64
    mock_stop
else
    say "warning: no mock; skipping the latency figures"
fi

say "9/9 the mock's own throughput: wrk -t1 -c64 -d5s posting a ~450-byte event"
if command -v wrk >/dev/null && mock_start "$BIN"; then
    for r in $(seq "$RUNS"); do
        wrk -t1 -c64 -d5s -s bench/wrk_post.lua "$MOCK_URL$WEBHOOK_PATH" >"$OUT/wrk.$r.txt" 2>&1 || true
        rate=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$OUT/wrk.$r.txt")
        bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$OUT/wrk.$r.txt")
        errs=$(sed -n 's/^ *Socket errors: *\(.*\)/\1/p' "$OUT/wrk.$r.txt")
        valid=true
        problems=""
        [ -n "$rate" ] || { rate=0; valid=false; problems="wrk printed no rate"; }
        [ -z "$bad" ] || { valid=false; problems="$bad non-2xx answers"; }
        [ -z "$errs" ] || problems="${problems:+$problems; }socket errors: $errs"
        "${DRIVE[@]}" record --figure mock_wrk --record "$RECORD" \
            "{\"rate\": $rate, \"valid\": $valid, \"problems\": \"$problems\"}" >/dev/null
    done
    mock_stop
else
    say "warning: no wrk or no mock; skipping the mock's wrk figure"
fi

nginx_stop
ELAPSED=$(($(date +%s) - STARTED))
"$PY" - "$OUT/meta.json" "$commit" "$BIN" "$ELAPSED" "$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'EOF'
import json, os, platform, subprocess, sys, time
path, commit, binary, elapsed, load_start, load_end = sys.argv[1:7]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
def out(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except Exception:
        return "unknown"
meta = {"cpu": cpu, "nproc": os.cpu_count(), "kernel": "Linux " + platform.release(), "commit": commit,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "binary": os.path.relpath(binary),
        "version": out([binary, "--version"]), "nginx": out(["nginx", "-v"]).replace("nginx version: ", ""),
        "elapsed_s": int(elapsed), "load": "%s at start, %s at end" % (load_start, load_end),
        "scale": os.environ.get("BENCH_SCALE", "1"), "runs": os.environ.get("BENCH_RUNS", "3")}
json.dump(meta, open(path, "w"))
EOF
"$PY" bench/report.py "$RECORD" "$OUT/meta.json" "$ROOT/bench"
# The token must never be written anywhere: check every file this run produced (filter stderr, mock logs, outputs).
if grep -rlF "$CAPSULE_TOKEN" "$OUT" bench/RESULTS.md bench/results.csv >"$OUT/token-leaks.txt" 2>/dev/null; then
    say "error: the token appears in: $(tr '\n' ' ' <"$OUT/token-leaks.txt")"
    exit 1
fi
say "done in ${ELAPSED}s: bench/RESULTS.md, bench/results.csv, bench/throughput.png (raw runs: $RECORD)"
[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$OUT/nginx" "$OUT"/*.jsonl.tmp "$OUT"/blocking*.jsonl "$OUT/telemetry.jsonl"
cat bench/RESULTS.md >&2
