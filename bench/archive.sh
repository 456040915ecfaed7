#!/bin/sh
# archive.sh — imports 10 M synthetic scan rows (18 months x v0/v1 x ports 80/443) into a fresh archive and times every analysis.
# Usage: sh bench/archive.sh   (HOSTS=N to change the size; KEEP=1 keeps the files; BENCH_DIR=/path for the scratch space)
set -eu
cd "$(dirname "$0")/.."
make -s build
BIN=$PWD/build/mpcensus
HOSTS=${HOSTS:-151200}
MONTHS=${MONTHS:-18}
DIR=${BENCH_DIR:-$(mktemp -d /tmp/mpc-archive-bench.XXXXXX)}
mkdir -p "$DIR/in"
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"' EXIT
cc -O2 -o "$DIR/gen" bench/archive_gen.c
t0=$(date +%s.%N)
"$DIR/gen" "$DIR/in" "$MONTHS" "$HOSTS"
t1=$(date +%s.%N)
rows=$(cat "$DIR"/in/*.csv | wc -l)
files=$(ls "$DIR"/in/*.csv | wc -l)
rows=$((rows - files))
echo "generated $rows rows in $files files ($(echo "$t1 - $t0" | bc) s)"
DB=$DIR/bench.db
echo "load average before the import: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores shared with other jobs)"
t0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$DIR/cpu" "$BIN" archive import -q --db "$DB" "$DIR"/in/*.csv
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc)
cpu=$(awk '{print $1 + $2}' "$DIR/cpu")
echo "import: $rows rows in $secs s = $(echo "$rows / $secs" | bc) rows/s (goal >= 500000);" \
    "CPU $cpu s (user+sys, reader and writer threads) = $(echo "$rows / $cpu" | bc) rows per CPU-second"
# an attribution so top-as / countries / migration have something to group: 10.0.0.0/9 in AS 64500, the rest of 10/8 in AS 64501, IPv6 in AS 64502
printf '10.0.0.0\t9\t64500\n10.128.0.0\t9\t64501_64503\n2001:db8::\t32\t64502\n' > "$DIR/pfx2as"
printf 'network,country_iso_code\n10.0.0.0/8,DE\n2001:db8::/32,FR\n' > "$DIR/country.csv"
t0=$(date +%s.%N)
"$BIN" archive attribute -q --db "$DB" --pfx2as "$DIR/pfx2as" --geo-csv "$DIR/country.csv"
t1=$(date +%s.%N)
echo "attribute: $(echo "$t1 - $t0" | bc) s"
worst=0
for q in monthly hamming mirrored ports versions trace top-as countries migration http pcap; do
    extra=""
    [ "$q" = migration ] && extra="--asn 64500"
    t0=$(date +%s.%N)
    n=$("$BIN" archive query "$q" --db "$DB" --csv $extra | wc -l)
    t1=$(date +%s.%N)
    s=$(echo "$t1 - $t0" | bc)
    printf 'query %-10s %8d rows %6.2f s\n' "$q" "$((n - 1))" "$s"
    worst=$(echo "if ($s > $worst) $s else $worst" | bc)
done
# the tables over every month, the heaviest form
t0=$(date +%s.%N)
n=$("$BIN" archive query top-as --db "$DB" --from 2024-01 --to 2099-12 --csv | wc -l)
t1=$(date +%s.%N)
s=$(echo "$t1 - $t0" | bc)
printf 'query %-10s %8d rows %6.2f s (all months)\n' top-as "$((n - 1))" "$s"
worst=$(echo "if ($s > $worst) $s else $worst" | bc)
echo "slowest analysis: $worst s (goal <= 5 s); archive $(du -h "$DB" | cut -f1)"
