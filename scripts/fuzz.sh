#!/usr/bin/env bash
# Builds the event core's libFuzzer target into .build-fuzz/ and runs it for FUZZ_SECONDS (default 60).
# Exits non-zero when the fuzzer finds a crash; the crashing input is left in fuzz/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
seconds="${FUZZ_SECONDS:-60}"
out=.build-fuzz
mkdir -p "$out" fuzz/out
swiftc=$(command -v swiftc || true)
if [ -z "$swiftc" ]; then
    echo "fuzz: swiftc not found; install the Swift toolchain" >&2
    exit 2
fi
# Only the pure event core: JSON scanner, validation, enrichment and the model types (no libcurl).
sources=(
    fuzz/FuzzTarget.swift
    Sources/CapsuleGate/JSON/*.swift
    Sources/CapsuleGate/Validation/EventValidator.swift
    Sources/CapsuleGate/Enrichment/*.swift
    Sources/CapsuleGate/Model/EventType.swift
    Sources/CapsuleGate/Model/ValidationFailure.swift
    Sources/CapsuleGate/Model/DecisionLine.swift
)
echo "fuzz: building $out/event-core-fuzzer" >&2
"$swiftc" -sanitize=fuzzer,address -parse-as-library -O -g \
    -module-name CapsuleGateFuzz -o "$out/event-core-fuzzer" "${sources[@]}"
work="$out/corpus"
mkdir -p "$work"
echo "fuzz: running for ${seconds}s" >&2
set +e
"$out/event-core-fuzzer" "$work" fuzz/corpus \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=fuzz/out/ -print_final_stats=1 2>"$out/fuzz.log"
status=$?
set -e
tail -n 25 "$out/fuzz.log" >&2
if [ "$status" -ne 0 ]; then
    echo "fuzz: FAILED (exit $status); crashing inputs are in fuzz/out/" >&2
    exit 1
fi
echo "fuzz: no crash in ${seconds}s" >&2
