#!/usr/bin/env bash
# make examples: runs each coprocess agent (examples/coprocess/*) against `capsule-gate mock` with examples/policy.json
# and compares its stdout with examples/coprocess/expected/<language>.txt; then runs it again against a capsule-gate
# that never answers and one that dies at once, where it must fail open (expected/<language>-fail-open.txt).
# Prints `PASS <language>` or `SKIP <language>: <runtime> not found` per language; exits 1 on any failure.
#
# Usage: examples/run.sh [BIN]   (BIN: the capsule-gate binary, default .build/debug/capsule-gate)
# EXAMPLES_LANGUAGES (default "python node bash") picks languages; EXAMPLES_EXPECTED_DIR replaces expected/.
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${1:-$root/.build/debug/capsule-gate}
if [[ ! -x $bin ]]; then
    echo "examples: no capsule-gate binary at '$bin'; build it first (swift build)" >&2
    exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
examples=$root/examples/coprocess
expected_dir=${EXAMPLES_EXPECTED_DIR:-$examples/expected}
token=examples-token
export SWIFT_BACKTRACE=enable=no PYTHONDONTWRITEBYTECODE=1
for name in $(compgen -v CAPSULE_); do unset "$name"; done # the caller's settings must not change the transcripts

work=$(mktemp -d)
mock_pid=""
cleanup() { # SIGTERM stops the mock within 1 s; one that outlives 3 s is killed, with a warning
    if [[ -n $mock_pid ]]; then
        kill -TERM "$mock_pid" 2>/dev/null
        for _ in $(seq 30); do kill -0 "$mock_pid" 2>/dev/null && sleep 0.1; done
        if kill -0 "$mock_pid" 2>/dev/null; then
            echo "examples: warning: capsule-gate mock ignored SIGTERM for 3 s; killing it" >&2
            kill -KILL "$mock_pid" 2>/dev/null
        fi
        wait "$mock_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

: >"$work/mock.out" # exists before the background mock opens it, so the first read cannot miss it
CAPSULE_TOKEN=$token "$bin" mock --port 0 --policy "$root/examples/policy.json" >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
url=""
for _ in $(seq 100); do # up to 10 s for stdout line 1: `listening on http://127.0.0.1:PORT`
    if IFS= read -r first <"$work/mock.out" && [[ $first == "listening on http://"* ]]; then # a whole line
        url=${first#listening on }
        break
    fi
    kill -0 "$mock_pid" 2>/dev/null || break
    sleep 0.1
done
if [[ -z $url ]]; then
    echo "examples: capsule-gate mock did not start:" >&2
    cat "$work/mock.err" >&2
    exit 1
fi

# check LANGUAGE SCENARIO EXPECTED WARNING GATE [ENV=VALUE...]: runs the agent once, returns 1 (and says why) on a
# difference. WARNING, when not empty, must appear on the agent's stderr.
check() {
    local language=$1 scenario=$2 expected=$3 warning=$4 gate=$5 out="$work/$1-$2.out" err="$work/$1-$2.err" status
    shift 5
    local agent
    case $language in
    python) agent=(python3 "$examples/python/agent.py") ;;
    node) agent=(node "$examples/node/agent.js") ;;
    bash) agent=(bash "$examples/bash/agent.sh") ;;
    esac
    env CAPSULE_GATE_BIN="$gate" CAPSULE_URL="$url" CAPSULE_TOKEN="$token" "$@" \
        timeout -k 2 60 "${agent[@]}" >"$out" 2>"$err" </dev/null
    status=$?
    if ((status != 0)); then
        echo "FAIL $language ($scenario): exit status $status; stderr:"
        cat "$err"
        return 1
    fi
    if ! diff -u --label "expected/$(basename "$expected")" --label "$language stdout" "$expected" "$out"; then
        echo "FAIL $language ($scenario): the transcript differs from $expected (diff above)"
        return 1
    fi
    if grep -qF "$token" "$out" "$err"; then
        echo "FAIL $language ($scenario): the token appeared in the output"
        return 1
    fi
    if [[ -n $warning ]] && ! grep -qF "$warning" "$err"; then
        echo "FAIL $language ($scenario): no '$warning' on stderr; stderr was:"
        cat "$err"
        return 1
    fi
}

failures=0
for language in ${EXAMPLES_LANGUAGES:-python node bash}; do
    case $language in
    python) runtime=python3 ;;
    node) runtime=node ;;
    bash) runtime=jq ;;
    *) echo "FAIL $language: unknown language (python, node, bash)"; failures=$((failures + 1)); continue ;;
    esac
    if ! command -v "$runtime" >/dev/null; then
        echo "SKIP $language: $runtime not found"
        continue
    fi
    if [[ $language == bash ]] && (($(bash -c 'echo "${BASH_VERSINFO[0]}"') < 4)); then
        echo "SKIP bash: bash 4 or later (coproc) not found"
        continue
    fi
    fail_open=$expected_dir/$language-fail-open.txt
    if check "$language" session "$expected_dir/$language.txt" "" "$bin" &&
        check "$language" silent "$fail_open" "warning: no answer within 1.5s" "$examples/stubs/silent-gate" \
            CAPSULE_BLOCKING_TIMEOUT=0.5 &&
        check "$language" exited "$fail_open" "failing open" "$examples/stubs/exited-gate"; then
        echo "PASS $language"
    else
        failures=$((failures + 1))
    fi
done
((failures == 0)) || exit 1
