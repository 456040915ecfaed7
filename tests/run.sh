#!/bin/sh
# run.sh — runs every unit test binary and integration script; prints "N passed, N failed".
# Integration scripts exit 0 (pass), 77 (skipped: prerequisite missing), other (fail).
cd "$(dirname "$0")/.." || exit 1
export MPCENSUS="${MPCENSUS:-$PWD/build/san/mpcensus}"
export MPCENSUS_REL="$PWD/build/mpcensus"
. scripts/shared-dir.sh
if [ ! -d "$SHARED/data/pcaps" ]; then
    echo "tests: shared data not found at $SHARED (the captures in ../shared/data); set SHARED=/path/to/shared"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
pass=0 fail=0 skip=0 failed=""
only="${1:-}"
for t in build/san/tests/test_* tests/integration/*.sh; do
    [ -e "$t" ] || continue
    case "$t" in *"$only"*) ;; *) continue ;; esac
    name=$(basename "$t")
    start=$(date +%s)
    log="build/test-logs/$name.log"
    mkdir -p build/test-logs
    if [ "${t%.sh}" != "$t" ]; then timeout 600 sh "$t" >"$log" 2>&1; else timeout 300 "$t" >"$log" 2>&1; fi
    rc=$?
    secs=$(( $(date +%s) - start ))
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1)); echo "PASS  $name (${secs}s)"
    elif [ $rc -eq 77 ]; then
        skip=$((skip + 1)); echo "SKIP  $name: $(tail -1 "$log")"
    else
        fail=$((fail + 1)); failed="$failed $name"; echo "FAIL  $name (exit $rc, ${secs}s) — last lines of $log:"
        tail -25 "$log" | sed 's/^/      /'
    fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
