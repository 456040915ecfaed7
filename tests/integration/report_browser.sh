#!/bin/sh
# report_browser.sh — renders a report from a small synthetic archive and checks it in headless Chromium: no console errors, every figure drawn (non-zero size, SVG decoded), summary and Table I equal to `archive query`, hostile names shown as text, nothing run, nothing fetched.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${MPCENSUS:-build/san/mpcensus}
[ -x /usr/bin/chromium ] && command -v chromedriver >/dev/null 2>&1 || { echo "chromium / chromedriver missing"; exit 77; }
command -v gnuplot >/dev/null 2>&1 || { echo "FAIL: gnuplot missing (scripts/install-deps.sh installs gnuplot-nox)"; exit 1; }
T=$(mktemp -d /tmp/mpc-report.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail=0

# ---- a synthetic study (scan, trace, http, pcap, attribution) whose organisations carry hostile names
python3 tests/integration/archive_synth.py write "$T" >/dev/null || exit 1
python3 - "$T/20240101.as-org2info.txt" <<'PY' || exit 1
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('Org Two', '<script>alert(1)</script>')                       # owner of AS 65002, 65003 (Table I)
s = s.replace('Org Eight', '"><img src=x onerror=alert(2)> ]]> \u2028 </script>')  # AS 65008 (IPv6: Table II)
s = s.replace('|FOUR|', "|F&amp;OUR's %s ]]>|")                            # an AS name
open(p, 'w').write(s)
PY
DB="$T/my census's.db"   # a path the shown commands must quote
"$BIN" archive import -q --db "$DB" $(cat "$T/files.txt") "$T"/trace-2024-05.json "$T"/trace-2024-06.json \
    "$T"/http-2024-06.csv "$T"/pcap-0.json "$T"/pcap-1.json || { echo "FAIL: import"; exit 1; }
"$BIN" archive attribute -q --db "$DB" --pfx2as "$T/pfx2as-v4.txt" --pfx2as "$T/pfx2as-v6.txt" \
    --as2org "$T/20240101.as-org2info.txt" --geo-csv "$T/country.csv" --as-rank "$T/as-rank.csv" ||
    { echo "FAIL: attribute"; exit 1; }

OUT=$T/report
"$BIN" report --db "$DB" -o "$OUT" --org-asn 65001,65008 --title '<b>census</b> & "friends"' 2>"$T/report.log" ||
    { cat "$T/report.log"; echo "FAIL: report exited non-zero"; exit 1; }
cat "$T/report.log"
grep -q 'wrote .*index.html: 15 figures, 3 tables, 0 without data' "$T/report.log" ||
    { echo "FAIL: expected 15 figures, 3 tables, all with data"; fail=1; }

# ---- the archive queries the summary and Table I must equal (the latest month computed here, from monthly)
"$BIN" archive query monthly --db "$DB" --csv >"$T/q-monthly.csv" || exit 1
L=$(awk -F, 'NR > 1 { print $1 }' "$T/q-monthly.csv" | sort | tail -1)
B=$(python3 -c "import sys; y, m = map(int, sys.argv[1].split('-')); n = y * 12 + m - 1 - 3; print('%04d-%02d' % (n // 12, n % 12 + 1))" "$L")
"$BIN" archive query monthly --db "$DB" --month "$L" --csv >"$T/q-latest.csv" || exit 1
"$BIN" archive query monthly --db "$DB" --month "$B" --csv >"$T/q-before.csv" || exit 1
"$BIN" archive query top-as --db "$DB" --month "$L" --version 0 --family 4 --top 10 --csv >"$T/q-table1.csv" || exit 1
for v in 0 1; do
    for f in 4 6; do
        "$BIN" archive query top-as --db "$DB" --month "$L" --version $v --family $f --top 0 --csv >"$T/q-top-$v-$f.csv"
    done
done
"$BIN" archive query top-as --db "$DB" --month "$L" --top 0 --csv >"$T/q-top-all.csv" || exit 1
# every CSV is byte for byte what its `archive query` command prints (the command is in the page's data island)
python3 - "$OUT" "$BIN" <<'PY' || fail=1
import json, re, shlex, subprocess, sys
out, binary = sys.argv[1], sys.argv[2]
html = open(out + '/index.html', encoding='utf-8').read()
island = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S).group(1))
bad = 0
for f in island['figures']:
    args = shlex.split(f['command'])
    assert args[:3] == ['mpcensus', 'archive', 'query'], args
    got = subprocess.run([binary] + args[1:], capture_output=True, check=True).stdout
    if got != open('%s/%s' % (out, f['csv']), 'rb').read():
        print('FAIL: %s differs from `%s`' % (f['csv'], f['command']))
        bad = 1
print('csv: %d figure/table CSVs equal their archive queries' % len(island['figures']))
sys.exit(bad)
PY

# ---- every SVG is well-formed XML without script, references or event handlers
python3 - "$OUT" <<'PY' || fail=1
import glob, sys, xml.etree.ElementTree as ET
bad = 0
for p in sorted(glob.glob(sys.argv[1] + '/*.svg')):
    try:
        root = ET.parse(p).getroot()
    except ET.ParseError as e:
        print('FAIL: %s: not well-formed XML: %s' % (p, e)); bad = 1; continue
    for el in root.iter():
        tag = el.tag.split('}')[-1]
        # only internal references (#gpPt3: gnuplot's point symbols)
        if tag in ('script', 'foreignObject', 'image') or any(
                a.split('}')[-1].startswith('on') or (a.split('}')[-1] == 'href' and not v.startswith('#'))
                for a, v in el.attrib.items()):
            print('FAIL: %s: <%s %s>' % (p, tag, el.attrib)); bad = 1
print('svg: %d files well-formed' % len(glob.glob(sys.argv[1] + '/*.svg')))
sys.exit(bad)
PY

# ---- in the browser
python3 tests/integration/report_browser.py "$OUT/index.html" "$T/browser.json" "$T/shot.png" \
    table1-top-as-v0-ipv4="$T/table1.png" fig10-http="$T/fig10.png"
rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || { echo "FAIL: browser run"; exit 1; }
python3 - "$T" "$L" <<'PY' || fail=1
import csv, json, sys
t, L = sys.argv[1], sys.argv[2]
d = json.load(open(t + '/browser.json'))
ok = True
def check(cond, what):
    global ok
    if not cond:
        ok = False
        print('FAIL: ' + what)
bad_log = [e for e in d['console'] if e.get('level') in ('SEVERE', 'WARNING')]
check(not bad_log, 'console messages: %s' % bad_log)
check(d['alert'] is None, 'an alert opened: %r' % d['alert'])
check([s['type'] for s in d['scripts']] == ['application/json'] and not d['scripts'][0]['src'],
      'scripts on the page: %s' % d['scripts'])
check(not d['handlers'], 'event handler attributes: %s' % d['handlers'])
check(d['title'] == '<b>census</b> & "friends"', 'title as text: %r' % d['title'])
check(d['island'].get('title') == '<b>census</b> & "friends"', 'data island parses with the title')
# every figure drawn: element and image with a size, the SVG decoded (a broken SVG has naturalWidth 0)
check(len(d['figures']) == 15, '%d figure elements, want 15' % len(d['figures']))
for f in d['figures']:
    check(f['figure']['w'] > 0 and f['figure']['h'] > 0 and f['img']['w'] > 100 and f['img']['h'] > 100,
          '%s has no size: %s' % (f['id'], f))
    check(f['natural']['complete'] and f['natural']['w'] > 0, '%s: SVG not decoded: %s' % (f['id'], f['natural']))
for k, tb in d['tables'].items():
    check(tb and tb['rect']['w'] > 0 and tb['rect']['h'] > 0, 'table %s has no size' % k)
check(not d['nodata'], 'figures without data: %s' % d['nodata'])
# nothing but the report's own files
for u in d['urls'] + d['resources']:
    check(u.startswith('data:') or u.startswith('#') or ('/' not in u and ':' not in u) or
          u.startswith('file://' + t), 'external reference %s' % u)
# the summary: truly_mptcp of the latest month and of three months before, per version x family x port
latest = {(r['version'], r['family'], r['port']): r for r in csv.DictReader(open(t + '/q-latest.csv'))}
before = {(r['version'], r['family'], r['port']): r for r in csv.DictReader(open(t + '/q-before.csv'))}
num = lambda s: int(s.replace(',', ''))
want = {k: r for k, r in latest.items() if int(k[0]) >= 0}
rows = d['summary']['rows']
check(len(rows) == len(want) and len(rows) > 0, 'summary rows %d, want %d' % (len(rows), len(want)))
for r in rows:
    k = (r['version'], r['family'], r['port'])
    q = want.get(k)
    if not q:
        check(False, 'summary row %s not in the query' % (k,)); continue
    now, traced, bef, change = r['cells'][3], r['cells'][4], r['cells'][5], r['cells'][6]
    check(num(now) == int(q['truly_mptcp']), 'summary %s: %s != %s' % (k, now, q['truly_mptcp']))
    check(num(traced) == int(q['truly_traced']), 'summary traced %s: %s != %s' % (k, traced, q['truly_traced']))
    b = before.get(k)
    if b:
        check(num(bef) == int(b['truly_mptcp']), 'summary before %s: %s != %s' % (k, bef, b['truly_mptcp']))
        delta = int(q['truly_mptcp']) - int(b['truly_mptcp'])
        check(num(change.split(' ')[0].replace('+', '')) == delta, 'summary change %s: %s vs %d' % (k, change, delta))
    else:
        check(bef == 'no scan', 'summary before %s: %s' % (k, bef))
check(L in d['summary_text'], 'the summary names the latest month %s' % L)
# Table I: every cell equals the query's row
q1 = list(csv.DictReader(open(t + '/q-table1.csv')))
t1 = d['tables']['table1-top-as-v0-ipv4']['rows']
check(len(t1) == len(q1) and len(q1) > 0, 'table I rows %d, query %d' % (len(t1), len(q1)))
cols = ['position', 'asn', 'as_name', 'owner', 'country', 'rank', 'hosts', 'port80', 'port443', 'basis']
for got, q in zip(t1, q1):
    want_cells = [q[c] for c in cols]
    got_cells = [g.replace(',', '') if c in ('position', 'rank', 'hosts', 'port80', 'port443') else g
                 for g, c in zip(got, cols)]
    check(got_cells == want_cells, 'table I row %s != query %s' % (got_cells, want_cells))
# the hostile organisation shows as text
check(any('<script>alert(1)</script>' in row for row in t1), 'the <script> owner is not shown as text in Table I')
check('"><img src=x onerror=alert(2)>' in d['body_text'], 'the <img> owner is not shown as text')
check("F&amp;OUR's %s ]]>" in d['body_text'], 'the AS name with &amp; %s ]]> is not shown as text')
# the --family / --version filter: per-family hosts add up to the unfiltered count (IPv4 and IPv6 hosts are disjoint)
allq = {(r['version'], r['asn']): r for r in csv.DictReader(open(t + '/q-top-all.csv'))}
sums = {}
for v in '01':
    for f in '46':
        for r in csv.DictReader(open('%s/q-top-%s-%s.csv' % (t, v, f))):
            check(r['version'] == v, 'version filter let %s through' % r['version'])
            s = sums.setdefault((v, r['asn']), [0, 0, 0])
            for i, c in enumerate(('hosts', 'port80', 'port443')):
                s[i] += int(r[c])
check(sums and all(allq[k][c] == str(s[i]) for k, s in sums.items() for i, c in enumerate(('hosts', 'port80', 'port443')))
      and set(sums) == set(allq), 'per-family top-as rows do not add up to the unfiltered ones')
png = open(t + '/shot.png', 'rb').read()
check(png[:8] == b'\x89PNG\r\n\x1a\n' and len(png) > 20000, 'screenshot is not a PNG of a page (%d bytes)' % len(png))
print('browser: %d figures, %d tables, %d summary rows, %d console messages, alert %s' %
      (len(d['figures']), len(d['tables']), len(rows), len(d['console']), d['alert']))
sys.exit(0 if ok else 1)
PY
[ -n "${KEEP_SHOTS:-}" ] && cp "$T"/*.png "$KEEP_SHOTS"/

# ---- an archive with one month of one scan: figures without data say so, and leave no stale SVG
"$BIN" archive import -q --db "$T/small.db" "$(head -1 "$T/files.txt")" || exit 1
"$BIN" report -q --db "$T/small.db" -o "$OUT" || { echo "FAIL: small report"; fail=1; }
python3 - "$OUT" <<'PY' || fail=1
import json, os, re, sys
out = sys.argv[1]
html = open(out + '/index.html', encoding='utf-8').read()
isl = json.loads(re.search(r'id="report-data">(.*?)</script>', html, re.S).group(1))
nod = {f['id'] for f in isl['figures'] if f['no_data']}
want = {'fig03-consistent-hosts', 'fig06-trace', 'fig09-countries', 'table1-top-as-v0-ipv4', 'table2-top-as-v0-ipv6',
        'table3-top-as-v1', 'fig10-http', 'fig11-pcap-shares', 'fig12-pcap-volumes', 'fig13-pcap-concentration',
        'fig14-pcap-ewma', 'fig15-org-hosts', 'fig16-org-changes'}
ok = nod == want and html.count('<p class="nodata">No data: ') == len(want)
ok = ok and not any(os.path.exists('%s/%s.svg' % (out, i)) for i in want)
ok = ok and all(os.path.exists('%s/%s.csv' % (out, f['id'])) for f in isl['figures'])
print('small archive: without data %s' % sorted(nod))
sys.exit(0 if ok else 1)
PY

# ---- errors: usage 2, unreadable archive 1, output not a directory 1, gnuplot missing 1
"$BIN" report -o "$T/x" 2>/dev/null; [ $? -eq 2 ] || { echo "FAIL: missing --db not a usage error"; fail=1; }
"$BIN" report --db "$DB" -o "$T/x" --org-asn 65001,x 2>/dev/null; [ $? -eq 2 ] || { echo "FAIL: bad --org-asn"; fail=1; }
"$BIN" report --db "$T/none.db" -o "$T/x" 2>"$T/e1"; [ $? -eq 1 ] || { echo "FAIL: missing archive"; fail=1; }
: >"$T/file"
"$BIN" report --db "$DB" -o "$T/file" 2>"$T/e2"; [ $? -eq 1 ] && grep -q "not a directory" "$T/e2" ||
    { echo "FAIL: -o on a file"; fail=1; }
PATH=/nonexistent "$BIN" report --db "$DB" -o "$T/x" 2>"$T/e3"; [ $? -eq 1 ] && grep -q "gnuplot-nox" "$T/e3" ||
    { cat "$T/e3"; echo "FAIL: gnuplot missing not reported"; fail=1; }
[ $fail -eq 0 ] && echo "PASS: report renders in Chromium and equals the archive queries"
exit $fail
