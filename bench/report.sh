#!/bin/sh
# report.sh — times `mpcensus report` on the 18-month bench/archive.sh archive (10 M scan rows) against the archive queries it runs, measured in the same run.
# Usage: sh bench/report.sh   (DB=FILE: use that archive instead of building one; RUNS=N, default 3; KEEP=1 keeps the scratch dir)
set -eu
cd "$(dirname "$0")/.."
make -s build
BIN=$PWD/build/mpcensus
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-$(mktemp -d /tmp/mpc-report-bench.XXXXXX)}
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"' EXIT
if [ -z "${DB:-}" ]; then
    BENCH_DIR=$DIR KEEP=1 sh bench/archive.sh | sed 's/^/archive.sh: /'
    DB=$DIR/bench.db
fi
now() { date +%s.%N; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores shared with other jobs)"
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1))
    # the peer: the same queries through `archive query` alone (what the report adds is drawing and HTML)
    t0=$(now)
    L=$("$BIN" archive query monthly --db "$DB" --csv | awk -F, 'NR > 1 { print $1 }' | sort | tail -1)
    for q in monthly hamming mirrored trace ports versions http pcap sources; do
        m=""
        case $q in hamming|mirrored|ports|versions) m="--month $L" ;; esac
        "$BIN" archive query $q --db "$DB" $m --csv >/dev/null
    done
    "$BIN" archive query countries --db "$DB" --month "$L" --csv >/dev/null
    "$BIN" archive query top-as --db "$DB" --month "$L" --version 0 --family 4 --csv >/dev/null
    "$BIN" archive query top-as --db "$DB" --month "$L" --version 0 --family 6 --csv >/dev/null
    "$BIN" archive query top-as --db "$DB" --month "$L" --version 1 --csv >/dev/null
    "$BIN" archive query migration --db "$DB" --asn 64500 --csv >/dev/null
    t1=$(now)
    /usr/bin/time -f "%U %S" -o "$DIR/cpu" "$BIN" report -q --db "$DB" -o "$DIR/report" --org-asn 64500
    t2=$(now)
    echo "run $i: report $(echo "$t2 - $t1" | bc) s wall, $(awk '{print $1 + $2}' "$DIR/cpu") s CPU of mpcensus" \
        "(gnuplot's own CPU not included); its queries alone $(echo "$t1 - $t0" | bc) s; goal <= 30 s"
done
ls "$DIR/report" | awk 'END { print NR " files in the report directory" }'
