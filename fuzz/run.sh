#!/bin/sh
# run.sh — runs each libFuzzer target for a bounded time and prints its execs/s; exits non-zero on a finding.
#
# usage: fuzz/run.sh SECONDS BIN...
# Each target BIN (e.g. build/fuzz/fuzz_packet) runs for SECONDS with the
# corpus build/fuzz/corpus-NAME, seeded from the shared captures when
# python3 and ../shared are there (fuzz/make_seeds.py). FUZZ_MAX_LEN sets
# libFuzzer's -max_len for every target. Prints per target:
#   NAME: N runs in S s = X execs/s, no finding
# or, on a crash/leak/timeout, the artifact path, and exits 1 at the end.
set -u
cd "$(dirname "$0")/.." || exit 1
if [ $# -lt 2 ]; then
    echo "usage: $0 SECONDS BIN..." >&2
    exit 2
fi
secs=$1
shift
out=build/fuzz
shared="${SHARED:-$(cd .. && pwd)/shared}"
mkdir -p "$out"
if [ -d "$shared/data/pcaps" ] && command -v python3 >/dev/null 2>&1; then
    python3 fuzz/make_seeds.py "$shared/data/pcaps" "$out" >/dev/null || echo "warning: seeding failed, starting from empty corpora" >&2
fi
status=0
for bin in "$@"; do
    name=$(basename "$bin")
    if [ ! -x "$bin" ]; then
        echo "$name: not built ($bin)"
        status=1
        continue
    fi
    corpus="$out/corpus-$name"
    artifacts="$out/artifacts-$name/"
    log="$out/$name.log"
    mkdir -p "$corpus" "$artifacts"
    # Inputs longer than the format allows only slow a target down: an
    # option area is at most 40 bytes (256 leaves room to probe past it),
    # frames and ICMP errors fit in 4096. FUZZ_MAX_LEN overrides.
    case "$name" in
        fuzz_tcpopt) max_len=256 ;;
        fuzz_output_filter) max_len=1024 ;;
        *) max_len=4096 ;;
    esac
    max_len=${FUZZ_MAX_LEN:-$max_len}
    start=$(date +%s)
    # detect_leaks stays on: a leak is a finding too
    "$bin" -max_total_time="$secs" -print_final_stats=1 -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1
    rc=$?
    elapsed=$(( $(date +%s) - start ))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    if [ $rc -eq 0 ]; then
        echo "$name: ${runs:-?} runs in $elapsed s = ${rate:-?} execs/s, no finding"
    else
        status=1
        art=$(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | sed 's/Test unit written to //')
        echo "$name: FINDING (exit $rc) after ${runs:-?} runs in $elapsed s; input: ${art:-see log}; log: $log"
        grep -E "ERROR|SUMMARY" "$log" | head -3 | sed 's/^/    /'
    fi
done
exit $status
