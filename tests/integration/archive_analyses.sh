#!/bin/sh
# archive_analyses.sh — every `archive query` on a small synthetic study equals what python computes from the input rows.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${MPCENSUS:-build/san/mpcensus}
T=$(mktemp -d /tmp/mpc-archive-an.XXXXXX)
trap 'rm -rf "$T"' EXIT
python3 tests/integration/archive_synth.py write "$T" || exit 1
DB=$T/a.db
# scans newest first: a month's consistent count must be refreshed when its earlier months arrive later
set -- $(tac "$T/files.txt")
"$BIN" archive import -q --db "$DB" "$@" 2>"$T/import.log"
rc=$?
# every scan file carries one duplicate reply (dropped) and one flagged repeat (skipped)
grep -q "bad" "$T/import.log" && { cat "$T/import.log"; echo "FAIL: unexpected messages"; exit 1; }
[ $rc -eq 0 ] || { cat "$T/import.log"; echo "FAIL: import exit $rc"; exit 1; }
"$BIN" archive import -q --db "$DB" "$T"/trace-2024-05.json "$T"/trace-2024-06.json "$T"/http-2024-06.csv \
    "$T"/pcap-0.json "$T"/pcap-1.json || { echo "FAIL: trace/http/pcap import"; exit 1; }
"$BIN" archive attribute -q --db "$DB" --pfx2as "$T/pfx2as-v4.txt" --pfx2as "$T/pfx2as-v6.txt" \
    --as2org "$T/20240101.as-org2info.txt" --geo-csv "$T/country.csv" --as-rank "$T/as-rank.csv" ||
    { echo "FAIL: attribute"; exit 1; }
fail=0
for q in monthly hamming mirrored ports versions trace top-as countries migration http pcap; do
    extra=""
    [ "$q" = migration ] && extra="--asn 65001,65008"
    if ! "$BIN" archive query "$q" --db "$DB" --csv $extra >"$T/$q.csv"; then
        echo "FAIL: query $q exited non-zero"; fail=1; continue
    fi
    python3 tests/integration/archive_synth.py check "$T" "$q" "$T/$q.csv" || fail=1
done
# the JSON form carries the same rows
"$BIN" archive query monthly --db "$DB" >"$T/monthly.jsonl" || fail=1
[ "$(wc -l <"$T/monthly.jsonl")" -eq "$(($(wc -l <"$T/monthly.csv") - 1))" ] || { echo "FAIL: JSON rows"; fail=1; }
# a --month filter returns that month's rows only
"$BIN" archive query monthly --db "$DB" --csv --month 2024-03 >"$T/m3.csv" || fail=1
[ "$(grep -c '^2024-03,' "$T/m3.csv")" -eq "$(($(wc -l <"$T/m3.csv") - 1))" ] && [ "$(wc -l <"$T/m3.csv")" -gt 1 ] ||
    { echo "FAIL: --month"; fail=1; }
# sources: every imported file and attribution source, with its name and rows
"$BIN" archive query sources --db "$DB" --csv >"$T/sources.csv" || fail=1
python3 - "$T" <<'PY' || { echo "FAIL: sources"; fail=1; }
import csv, sys
t = sys.argv[1]
rows = list(csv.DictReader(open(t + '/sources.csv')))
names = {r['name']: r for r in rows}
want = [l.strip().split('/')[-1] for l in open(t + '/files.txt')] + ['trace-2024-05.json', 'http-2024-06.csv',
        'pcap-0.json', 'pfx2as-v4.txt', 'pfx2as-v6.txt', '20240101.as-org2info.txt', 'country.csv', 'as-rank.csv']
missing = [w for w in want if w not in names]
ok = not missing and len(rows) == len(want) + 2 and names['20240101.as-org2info.txt']['date'] == '2024-01-01'
ok = ok and names['http-2024-06.csv']['rows'] == str(sum(1 for _ in open(t + '/http-2024-06.csv')) - 1)
print('sources: %d rows, missing %s' % (len(rows), missing))
sys.exit(0 if ok else 1)
PY
"$BIN" archive info --db "$DB" >"$T/info.txt" || { echo "FAIL: info"; fail=1; }
grep -q "pfx2as" "$T/info.txt" && grep -q "20240101.as-org2info.txt" "$T/info.txt" || { echo "FAIL: info sources"; fail=1; }
[ $fail -eq 0 ] && echo "PASS: every analysis equals the independent computation"
exit $fail
