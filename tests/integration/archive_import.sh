#!/bin/sh
# archive_import.sh — imports are transactional (cut / killed files leave nothing), idempotent, concurrent-safe; bad rows are
# reported with file:line; ZMap and tcp_synopt CSVs get the right verdicts (the fork's real output against the lab's truth).
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${MPCENSUS:-build/san/mpcensus}
. scripts/shared-dir.sh
T=$(mktemp -d /tmp/mpc-archive-imp.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
q() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$@"; }

# ---- a scan file, small and big (the big one from the bench generator, for the kill test)
cc -O2 -o "$T/gen" bench/archive_gen.c || exit 1
mkdir -p "$T/small" "$T/big"
"$T/gen" "$T/small" 2 300 && "$T/gen" "$T/big" 1 400000 || exit 1
DB=$T/a.db
"$BIN" archive import -q --db "$DB" "$T/small/scan-2024-01-v0.csv" || no "first import"
rows0=$(q "$DB" "select count(*) from scan_rows"); files0=$(q "$DB" "select count(*) from files")
exp_rows=$(($(wc -l <"$T/small/scan-2024-01-v0.csv") - 1))
[ "$rows0" -eq "$exp_rows" ] || no "imported $rows0 rows, the file has $exp_rows"

# ---- idempotent: the same content again, also gzip-compressed, counts once
gzip -c "$T/small/scan-2024-01-v0.csv" >"$T/again.csv.gz"
"$BIN" archive import --db "$DB" "$T/small/scan-2024-01-v0.csv" "$T/again.csv.gz" 2>"$T/dup.log" || no "re-import exit"
[ "$(grep -c 'already in the archive' "$T/dup.log")" -eq 2 ] || { cat "$T/dup.log"; no "re-import not reported"; }
[ "$(q "$DB" "select count(*) from scan_rows")" -eq "$rows0" ] || no "re-import added rows"
[ "$(q "$DB" "select count(*) from files")" -eq "$files0" ] || no "re-import added a file"

# ---- a file cut in the middle of a line, and a truncated gzip: nothing of them stays
f=$T/small/scan-2024-02-v0.csv
head -c $(($(wc -c <"$f") / 2)) "$f" >"$T/cut.csv"
gzip -c "$f" | head -c 3000 >"$T/cut.csv.gz"
for c in "$T/cut.csv" "$T/cut.csv.gz"; do
    "$BIN" archive import --db "$DB" "$c" 2>"$T/cut.log" && no "$c: cut file imported with exit 0"
    grep -q "nothing of it imported" "$T/cut.log" || { cat "$T/cut.log"; no "$c: no message"; }
done
[ "$(q "$DB" "select count(*) from scan_rows")" -eq "$rows0" ] || no "a cut file left rows"
[ "$(q "$DB" "select count(*) from files")" -eq "$files0" ] || no "a cut file left a files row"

# ---- killed in the middle: the archive is as before that file
"$BIN" archive import -q --db "$DB" "$T/big/scan-2024-01-v1.csv" &
pid=$!
# wait until the import holds the write lock (its transaction is open), then kill it
python3 - "$DB" $pid <<'PY' || no "the import never took the write lock"
import os, sqlite3, sys, time
for _ in range(2000):
    try:
        c = sqlite3.connect(sys.argv[1], timeout=0)
        c.execute('BEGIN IMMEDIATE'); c.rollback(); c.close()
    except sqlite3.OperationalError:
        time.sleep(0.2)     # well inside: rows are being inserted
        sys.exit(0)
    time.sleep(0.005)
sys.exit(1)
PY
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
[ $? -eq 137 ] || no "the import ended before it could be killed (the kill test proved nothing)"
[ "$(q "$DB" "select count(*) from scan_rows")" -eq "$rows0" ] || no "a killed import left rows"
[ "$(q "$DB" "select count(*) from files")" -eq "$files0" ] || no "a killed import left a files row"
[ "$(q "$DB" "pragma integrity_check")" = ok ] || no "integrity_check after kill"

# ---- two imports at once both land
"$BIN" archive import -q --db "$DB" "$T/small/scan-2024-02-v0.csv" & p1=$!
"$BIN" archive import -q --db "$DB" "$T/small/scan-2024-02-v1.csv" & p2=$!
wait $p1 || no "concurrent import 1"
wait $p2 || no "concurrent import 2"
[ "$(q "$DB" "select count(*) from files")" -eq $((files0 + 2)) ] || no "concurrent imports: not both landed"
exp2=$(( rows0 + $(wc -l <"$T/small/scan-2024-02-v0.csv") + $(wc -l <"$T/small/scan-2024-02-v1.csv") - 2 ))
[ "$(q "$DB" "select count(*) from scan_rows")" -eq "$exp2" ] || no "concurrent imports: rows"

# ---- standard input
cat "$T/small/scan-2024-01-v1.csv" | "$BIN" archive import -q --db "$DB" - || no "stdin import"
[ "$(q "$DB" "select count(*) from files where path = '-'")" -eq 1 ] || no "stdin file row"

# ---- bad rows: counted, reported with file:line, the good rows imported, exit 1
B=$T/bad.csv
{
    echo "saddr,sport,classification,probe_version,verdict,timestamp"
    echo "198.18.0.1,80,synack,0,mptcp,2024-03-01T00:00:00Z"
    echo "198.18.0.300,80,synack,0,mptcp,2024-03-01T00:00:00Z"
    echo "198.18.0.2,99999,synack,0,tcp,2024-03-01T00:00:00Z"
    echo "198.18.0.3,80,synack,0"
    echo "198.18.0.4,80,synack,0,nonsense,2024-03-01T00:00:00Z"
    echo "198.18.0.5,443,rst,0,closed,2024-03-01T00:00:00Z"
} >"$B"
"$BIN" archive import --db "$DB" "$B" 2>"$T/bad.log" && no "bad rows: exit 0"
for l in 3 4 5 6; do grep -q "$B:$l: " "$T/bad.log" || { cat "$T/bad.log"; no "bad row line $l not reported"; }; done
[ "$(q "$DB" "select bad_rows from files where path = '$B'")" -eq 4 ] || no "bad_rows count"
[ "$(q "$DB" "select rows from files where path = '$B'")" -eq 2 ] || no "good rows of the bad file"

# ---- a ZMap CSV (tcp_synscan fields): RSTs closed, SYN-ACKs responsive with the verdict not derivable
Z=$T/zmap.csv
{
    echo "saddr,daddr,sport,dport,seqnum,acknum,window,classification,success,repeat,cooldown,timestamp_str"
    for i in 1 2 3 4 5 6; do echo "198.18.2.$i,198.19.255.1,80,41000,1,2,65535,synack,1,0,0,2024-04-02T10:00:00.000+0000"; done
    echo "198.18.2.6,198.19.255.1,80,41000,1,2,65535,synack,1,1,0,2024-04-02T10:00:00.000+0000"
    for i in 7 8; do echo "198.18.2.$i,198.19.255.1,80,41000,0,2,0,rst,0,0,0,2024-04-02T10:00:01.000+0000"; done
} >"$Z"
"$BIN" archive import --db "$DB" "$Z" 2>"$T/z.log" || { cat "$T/z.log"; no "zmap import"; }
grep -q "zmap (csv)" "$T/z.log" || { cat "$T/z.log"; no "zmap not detected"; }
"$BIN" archive query monthly --db "$DB" --csv --month 2024-04 >"$T/z.csv"
grep -q "^2024-04,-1,4,80,6,0,0,0,,0,0,0,0,0,2,6$" "$T/z.csv" || { cat "$T/z.csv"; no "zmap monthly row"; }
# a ZMap row with a bad field is reported and counted, and not imported (before the shared row reader it was both)
ZB=$T/zmap-bad.csv
{
    echo "saddr,sport,window,classification,timestamp_str"
    echo "198.18.3.1,80,65535,synack,2024-04-02T10:00:00.000+0000"
    echo "198.18.3.2,80,70000,synack,2024-04-02T10:00:00.000+0000"
} >"$ZB"
"$BIN" archive import --db "$DB" "$ZB" 2>"$T/zb.log" && no "zmap bad window: exit 0"
grep -q "$ZB:3: bad window" "$T/zb.log" || { cat "$T/zb.log"; no "zmap bad window not reported"; }
[ "$(q "$DB" "select rows || ',' || bad_rows from files where path = '$ZB'")" = "1,1" ] || no "zmap bad row imported"

# ---- a tcp_synopt-style CSV written here: one reply of each kind, verdicts from optionshex
python3 - "$T" <<'PY' || no "writing the synopt file"
import sys
t = sys.argv[1]
base = '020405b40402080a0000000100000000010303'
rows = [  # (addr, classification, optionshex, expected verdict for a v0 probe with key 0c0c..., v1 probe)
    ('198.18.3.1', 'synack', base + '071e0c0081aabbccddeeff0011', 'mptcp', 'version-mismatch'),
    ('198.18.3.2', 'synack', base + '071e0c00810c0c0c0c0c0c0c0c', 'mirrored', 'version-mismatch'),
    ('198.18.3.3', 'synack', base + '071e0c0181aabbccddeeff0011', 'version-mismatch', 'mptcp'),
    ('198.18.3.4', 'synack', base + '071e0800810c0c0c0c', 'malformed', 'malformed'),
    ('198.18.3.5', 'synack', base + '071e040101', 'malformed', 'mirrored'),
    ('198.18.3.6', 'synack', base + '07', 'tcp', 'tcp'),
    ('198.18.3.7', 'rst', '0x', 'closed', 'closed'),
    ('198.18.3.8', 'synack', base + '071e0c00', 'malformed', 'malformed'),   # option cut by the area
    ('198.18.3.9', 'synack', base + '071e0c', 'tcp', 'tcp'),                 # no subtype octet: not MP_CAPABLE
]
hdr = 'saddr,daddr,ipid,ttl,sport,dport,seqnum,acknum,window,tcpmss,wscale,mptcpkey,mptcpdiff,optionshex,optionstext,classification,success,repeat,cooldown,timestamp_str\n'
for v in (0, 1):
    with open('%s/synopt-v%d.csv' % (t, v), 'w') as f:
        f.write(hdr)
        for a, c, o, e0, e1 in rows:
            f.write('%s,198.19.255.1,0,60,443,5000%d,1,2,65535,1460,7,--,0,%s,,%s,%d,0,0,2024-05-01T00:00:00.000+0000\n'
                    % (a, v, o if o.startswith('0x') else '0x' + o, c, 1 if c == 'synack' else 0))
    with open('%s/synopt-v%d.expect' % (t, v), 'w') as f:
        f.write(''.join('%s %s\n' % (r[0], r[3 + v]) for r in rows))
PY
"$BIN" archive import -q --db "$DB" "$T/synopt-v0.csv" 2>/dev/null && no "tcp_synopt without --probe-version accepted"
for v in 0 1; do
    "$BIN" archive import --db "$DB" --probe-version $v "$T/synopt-v$v.csv" 2>"$T/s.log" || { cat "$T/s.log"; no "synopt v$v"; }
    grep -q "verdicts from optionshex" "$T/s.log" || no "synopt v$v: no derivation summary"
    python3 - "$DB" "$T/synopt-v$v.expect" $v <<'PY' || no "synopt v$v verdicts"
import sqlite3, sys, ipaddress
db = sqlite3.connect(sys.argv[1])
names = dict(db.execute('select code, name from verdicts'))
got = {str(ipaddress.ip_address(bytes(a))): names[v] for a, v in db.execute(
    "select addr, verdict from scan_rows where port = 443 and version = ? and month = 2024*12+4", (int(sys.argv[3]),))}
bad = 0
for line in open(sys.argv[2]):
    a, e = line.split()
    if got.get(a) != e:
        print('v%s %s: got %s expected %s' % (sys.argv[3], a, got.get(a), e)); bad += 1
sys.exit(bad)
PY
done

# ---- --metadata: bad files are usage errors that import nothing; the command line wins over the file
DM=$T/meta.db
printf '{"tool": "mpcensus scan", "mptcp_version": 0, "key": "00ff00ff00ff00ff", "shard": 1, "shards": 4,
  "start_time": "2024-03-05T10:00:00.000000Z", "target_ports": [443]}\n' >"$T/m.json"
printf '{"tool": "mpcensus scan", "mptcp_version": 0,\n' >"$T/cut.json"
printf '{"hello": 1}\n' >"$T/other.json"
for m in "$T/cut.json:2:" "$T/other.json: neither mpcensus scan's nor ZMap's" "$T/none.json:"; do
    f=${m%%:*}
    "$BIN" archive import -q --db "$DM" --metadata "$f" "$T/small/scan-2024-01-v0.csv" 2>"$T/m.err"
    rc=$?
    { [ $rc = 2 ] && grep -qF "bad --metadata: $m" "$T/m.err"; } || no "--metadata $f: exit $rc, $(cat "$T/m.err")"
done
[ ! -e "$DM" ] || [ "$(q "$DM" "select count(*) from files")" = 0 ] || no "a bad --metadata imported something"
"$BIN" archive import -q --db "$DM" --metadata "$T/m.json" --shard 2/4 "$T/small/scan-2024-01-v0.csv" || no "import --metadata"
got=$(q "$DM" "select probe_version || ' ' || shard || ' ' || date || ' ' || ifnull(probe_key, '-') from files")
[ "$got" = "0 2/4 2024-03-05 00ff00ff00ff00ff" ] || no "--metadata with --shard 2/4: files row '$got'"

# ---- the MPTCP ZMap fork's real output on lab/demo.spec: our verdicts equal the lab's truth for every address with a record
S=$SHARED/data/zmap-tcp_synopt
if [ -d "$S" ]; then
    D2=$T/fork.db
    "$BIN" archive import -q --db "$D2" --probe-version 0 "$S/tcp_synopt-v0-port80.csv" "$S/tcp_synopt-v0-port443.csv" || no "fork v0"
    "$BIN" archive import -q --db "$D2" --probe-version 1 "$S/tcp_synopt-v1-port80.csv" "$S/tcp_synopt-v1-port443.csv" || no "fork v1"
    python3 - "$D2" "$S/truth-demo-month0.csv" <<'PY' || no "fork verdicts differ from the lab truth"
import csv, ipaddress, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
names = dict(db.execute('select code, name from verdicts'))
got = {(str(ipaddress.ip_address(bytes(a))), p, v): names[c] for a, p, v, c in
       db.execute('select addr, port, version, verdict from scan_rows')}
truth = {(r['daddr'], int(r['dport']), int(r['probe_version'])): r['verdict']
         for r in csv.DictReader(open(sys.argv[2])) if ':' not in r['daddr']}
bad = [(k, truth.get(k), v) for k, v in got.items() if truth.get(k) != v]
kinds = sorted(set(got.values()))
print('fork: %d records, %d differ from the truth; verdicts seen: %s' % (len(got), len(bad), ', '.join(kinds)))
for b in bad[:10]:
    print('  ', b)
sys.exit(1 if bad or len(got) < 1000 or len(kinds) < 6 else 0)
PY
else
    echo "SKIP part: $S missing"
fi
[ $fail -eq 0 ] && echo "PASS: transactions, idempotence, concurrency, bad rows, ZMap and tcp_synopt verdicts"
exit $fail
