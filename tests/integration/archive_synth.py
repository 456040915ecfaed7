#!/usr/bin/env python3
"""archive_synth.py — writes a small synthetic study (scan, trace, http, pcap, attribution files) and computes every
archive analysis from those INPUT rows independently of the archive's SQL; archive_analyses.sh compares the two.

usage: archive_synth.py write DIR        -> input files + DIR/expected.json
       archive_synth.py check DIR QUERY FILE.csv
"""
import csv, ipaddress, json, math, random, sys
from collections import defaultdict

OURS = 0x0C0C0C0C0C0C0C0C
MONTHS = ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06']
V1_MONTHS = [0, 1, 2, 4, 5]          # no v1 scan in 2024-04: consistent must be empty there and after
VERDICTS = ['mptcp', 'mirrored', 'version-mismatch', 'malformed', 'tcp', 'closed']
POT = {'mptcp', 'mirrored', 'version-mismatch', 'malformed'}
SCAN_HEADER = ['saddr', 'sport', 'daddr', 'dport', 'ttl', 'ipid', 'window', 'tcp_flags', 'classification',
               'probe_version', 'mptcp_option', 'mptcp_version', 'mptcp_flags', 'mptcp_key', 'key_hamming',
               'verdict', 'repeat', 'cooldown', 'timestamp']


def hosts():
    h = ['198.18.0.%d' % i for i in range(1, 49)] + ['198.18.1.%d' % i for i in range(1, 17)]
    h += ['2001:db8:1::%x' % i for i in range(1, 17)]
    return h


def fam(a):
    return 6 if ':' in a else 4


def month_num(m):
    y, mo = m.split('-')
    return int(y) * 12 + int(mo) - 1


def scan_row(rng, addr, port, v, verdict, month, repeat=0):
    key = rng.getrandbits(64)
    if verdict == 'mirrored' and v == 0:
        key = OURS
    cls = 'rst' if verdict == 'closed' else 'synack'
    opt = mv = mf = keyt = ham = ''
    if verdict in POT:
        mver = v if verdict != 'version-mismatch' else 1 - v
        if verdict == 'mirrored' and v == 1:
            opt = '1e040101'
        elif verdict == 'malformed':
            opt = '1e08%02x81%08x' % (mver, key & 0xffffffff)
        else:
            opt = '1e0c%02x81%016x' % (mver, key)
            keyt = '%016x' % key
            ham = str(bin(key).count('1'))
        mv, mf = str(mver), '0x81'
    ts = '%s-%02dT%02d:00:00.000000Z' % (month, rng.randint(1, 27), rng.randint(0, 23))
    return [addr, port, '198.19.255.1', 40000, 60, 0, 0 if cls == 'rst' else 65160, 'RA' if cls == 'rst' else 'SA',
            cls, v, opt, mv, mf, keyt, ham, verdict, repeat, 0, ts]


def write(d):
    rng = random.Random(2024)
    H = hosts()
    scans = []      # (file, rows) ; rows as dicts after the per-file first-wins dedup
    files = []
    weights = ['mptcp'] * 5 + ['mirrored', 'version-mismatch', 'malformed'] + ['tcp'] * 3 + ['closed'] * 2
    # a stable MPTCP core so consistent/migration have something to count
    core = {a: rng.random() < 0.5 for a in H}
    for mi, m in enumerate(MONTHS):
        for v in (0, 1):
            if v == 1 and mi not in V1_MONTHS:
                continue
            rows = []
            for a in H:
                for p in (80, 443):
                    if rng.random() < 0.12:
                        continue            # absent this month
                    if core[a] and rng.random() < 0.8:
                        verd = 'mptcp'
                    else:
                        verd = rng.choice(weights)
                    rows.append(scan_row(rng, a, p, v, verd, m))
            rng.shuffle(rows)
            path = '%s/scan-%s-v%d.csv' % (d, m, v)
            # one duplicate reply (another verdict) that must be dropped: the first row of a (host, port) wins
            dup = list(rows[0])
            dup[15] = 'tcp' if dup[15] != 'tcp' else 'closed'
            dup = scan_row(rng, dup[0], dup[1], v, dup[15], m)
            # and one repeat the scanner flagged (skipped)
            rep = scan_row(rng, rows[1][0], rows[1][1], v, 'tcp', m, repeat=1)
            allrows = rows[:5] + [dup, rep] + rows[5:]
            with open(path, 'w', newline='') as f:
                w = csv.writer(f)
                w.writerow(SCAN_HEADER)
                w.writerows(allrows)
            files.append((path, allrows))
    # a second file for 2024-03 v0 (another vantage): overlapping hosts, shared partition path
    m = MONTHS[2]
    rows = []
    for a in H[:30]:
        rows.append(scan_row(rng, a, 80, 0, rng.choice(weights), m))
    path = '%s/scan-%s-v0-second.json' % (d, m)
    with open(path, 'w') as f:
        for r in rows:
            o = dict(zip(SCAN_HEADER, r))
            for k in ('sport', 'dport', 'ttl', 'ipid', 'window', 'probe_version', 'repeat', 'cooldown'):
                o[k] = int(o[k])
            for k in ('mptcp_option', 'mptcp_version', 'mptcp_flags', 'mptcp_key', 'key_hamming'):
                if o[k] == '':
                    o[k] = None
            if o['mptcp_version'] is not None:
                o['mptcp_version'] = int(o['mptcp_version'])
            if o['key_hamming'] is not None:
                o['key_hamming'] = int(o['key_hamming'])
            f.write(json.dumps(o) + '\n')
    files.append((path, rows))

    # the rows the archive keeps: per file, repeats skipped, first row of (addr, port, version) kept
    kept = []
    for path, allrows in files:
        seen = set()
        for r in allrows:
            if int(r[16]) == 1:
                continue
            k = (r[0], int(r[1]), int(r[9]))
            if k in seen:
                continue
            seen.add(k)
            kept.append({'file': path, 'month': r[18][:7], 'addr': r[0], 'port': int(r[1]), 'version': int(r[9]),
                         'verdict': r[15], 'synack': r[8] == 'synack',
                         'key': int(r[13], 16) if r[13] else None})

    # traces: 2024-05 for a third of the potential hosts, 2024-06 overriding a few
    classes = ['mptcp', 'middlebox', 'no-mptcp', 'unreachable']
    traces = []
    for tm, sub in (('2024-05', 3), ('2024-06', 7)):
        path = '%s/trace-%s.json' % (d, tm)
        with open(path, 'w') as f:
            for i, a in enumerate(H):
                if i % sub:
                    continue
                for p in (80, 443):
                    for v in (0, 1):
                        if rng.random() < 0.3:
                            continue
                        cls = rng.choice(classes)
                        rec = {'target': a, 'port': p, 'probe_version': v, 'class': cls,
                               'hop': 3 if cls == 'middlebox' else None, 'changes': ['mptcp-removed'] if cls == 'middlebox' else [],
                               'dest_hops': 5, 'hops': [{'hop': 1, 'from': '198.19.255.11', 'quote': 'full'}],
                               'timestamp': '%s-15T10:00:00Z' % tm}
                        f.write(json.dumps(rec) + '\n')
                        traces.append({'file': path, 'month': tm, 'addr': a, 'port': p, 'version': v, 'class': cls})
    # http: 2024-06, targets with 3 runs each over both transports
    https = []
    path = '%s/http-2024-06.csv' % d
    hdr = ['target', 'port', 'scheme', 'run', 'transport', 'mptcp_active', 'fallback', 'subflows', 'add_addr',
           'connect_ms', 'tls_ms', 'ttfb_ms', 'total_ms', 'http_status', 'bytes', 'error', 'timestamp']
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(hdr)
        for a in H[::2]:
            for p, scheme in ((80, 'http'), (443, 'https')):
                for run in range(3):
                    for tr in ('mptcp', 'tcp'):
                        err = 'timeout' if rng.random() < 0.05 else ''
                        vals = [round(rng.uniform(1, 50), 3) for _ in range(4)]
                        tls = vals[1] if scheme == 'https' else ''
                        row = [a, p, scheme, run, tr, 'true' if tr == 'mptcp' else 'false', 'false', 1, 0,
                               vals[0] if not err else '', tls if not err else '', vals[2] if not err else '',
                               vals[3] if not err else '', 200 if not err else '', 1000, err, '2024-06-20T12:00:00Z']
                        w.writerow(row)
                        https.append({'addr': a, 'port': p, 'scheme': scheme, 'transport': tr, 'error': err,
                                      'connect_ms': row[9], 'tls_ms': row[10], 'ttfb_ms': row[11], 'total_ms': row[12],
                                      'month': '2024-06'})
    # pcap documents (the layout mpcensus pcap writes), two files, five traces
    pcaps = []
    t = 1709251200.0   # 2024-03-01
    for k in range(2):
        path = '%s/pcap-%d.json' % (d, k)
        trs = []
        for j in range(2 + k):
            tf = rng.randint(100, 1000)
            mf = rng.randint(0, tf)
            tb = rng.randint(10 ** 6, 10 ** 7)
            mb = rng.randint(0, tb)
            tr = {'trace': 'trace-%d-%d' % (k, j), 'files': ['x.pcap'], 'error': None, 'first_ts': t, 'last_ts': t + 60,
                  'duration_s': 60.0, 'packets': tf * 10, 'tcp_packets': tf * 9, 'tcp_flows': tf, 'tcp_bytes': tb,
                  'mptcp_connections': mf // 2, 'mptcp_connections_by_version': {'0': mf // 4, '1': mf // 2 - mf // 4},
                  'mptcp_subflows': mf, 'mptcp_flows': mf, 'mptcp_bytes': mb, 'flow_share': mf / tf,
                  'byte_share': mb / tb, 'top1_share': 0.5, 'top5_share': 0.8, 'top50pct_share': 0.9}
            t += 86400 * 9
            trs.append(tr)
            pcaps.append(tr)
        doc = {'tool': 'mpcensus pcap', 'min_packets': 5, 'traces': trs,
               'series': {'traces': len(trs), 'ewma_alpha': 0.2, 'ewma': []}}
        with open(path, 'w') as f:
            json.dump(doc, f, indent=2)
    # attribution: prefix2as with plain, MOAS and AS-set origins, IPv6; as2org; countries; AS rank
    with open('%s/pfx2as-v4.txt' % d, 'w') as f:
        f.write('198.18.0.0\t24\t65001\n198.18.0.0\t26\t65002_65003\n198.18.0.32\t27\t65004,65005\n'
                '198.18.1.0\t24\t65006\n')
    with open('%s/pfx2as-v6.txt' % d, 'w') as f:
        f.write('2001:db8::\t32\t65007\n2001:db8:1::\t120\t65008\n')
    pfx = [(ipaddress.ip_network('198.18.0.0/24'), '65001'), (ipaddress.ip_network('198.18.0.0/26'), '65002_65003'),
           (ipaddress.ip_network('198.18.0.32/27'), '65004,65005'), (ipaddress.ip_network('198.18.1.0/24'), '65006'),
           (ipaddress.ip_network('2001:db8::/32'), '65007'), (ipaddress.ip_network('2001:db8:1::/120'), '65008')]
    orgs = {65001: ('ONE-AS', 'ORG-A', 'Org <One>', 'DE'), 65002: ('TWO', 'ORG-B', 'Org Two', 'FR'),
            65003: ('THREE', 'ORG-B', 'Org Two', 'FR'), 65004: ('FOUR', 'ORG-C', 'Org "Four", Inc', 'US'),
            65006: ('SIX', 'ORG-A', 'Org <One>', 'DE'), 65008: ('EIGHT', 'ORG-D', 'Org Eight', 'JP')}
    with open('%s/20240101.as-org2info.txt' % d, 'w') as f:
        f.write('# name: AS Org\n# format:org_id|changed|org_name|country|source\n')
        for oid in sorted({o[1] for o in orgs.values()}):
            o = [x for x in orgs.values() if x[1] == oid][0]
            f.write('%s|20240101|%s|%s|ARIN\n' % (oid, o[2], o[3]))
        f.write('# format:aut|changed|aut_name|org_id|opaque_id|source\n')
        for asn, o in sorted(orgs.items()):
            f.write('%d|20240101|%s|%s||ARIN\n' % (asn, o[0], o[1]))
    ranks = {65001: 100, 65002: 7, 65006: 55, 65008: 3000}
    with open('%s/as-rank.csv' % d, 'w') as f:
        f.write('rank,asn\n' + ''.join('%d,%d\n' % (r, a) for a, r in ranks.items()))
    cc_nets = [(ipaddress.ip_network('198.18.0.0/25'), 'DE'), (ipaddress.ip_network('198.18.0.128/25'), 'NL'),
               (ipaddress.ip_network('198.18.1.0/28'), 'US'), (ipaddress.ip_network('2001:db8::/32'), 'JP')]
    with open('%s/country.csv' % d, 'w') as f:
        f.write('network,country_iso_code\n' + ''.join('%s,%s\n' % (n, c) for n, c in cc_nets))

    exp = expected(kept, traces, https, pcaps, pfx, orgs, ranks, cc_nets)
    with open('%s/expected.json' % d, 'w') as f:
        json.dump(exp, f, indent=1)
    with open('%s/files.txt' % d, 'w') as f:
        f.write('\n'.join(p for p, _ in files) + '\n')


def phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def p_weight(w):
    lo = 0.0 if w == 0 else phi((w - 0.5 - 32) / 4)
    hi = 1.0 if w == 64 else phi((w + 0.5 - 32) / 4)
    return hi - lo


def chi2_q(dof, x):
    """P(chi2_dof >= x) by integrating the density numerically (independent of the tool's series)."""
    if x <= 0:
        return 1.0
    k = dof / 2.0
    lg = math.lgamma(k)
    f = lambda t: math.exp((k - 1) * math.log(t) - t / 2 - k * math.log(2) - lg) if t > 0 else 0.0
    hi = max(x * 4, dof * 10 + 100)
    n = 20000
    h = (hi - x) / n
    s = f(x) + f(hi)
    for i in range(1, n):
        s += (4 if i % 2 else 2) * f(x + i * h)
    return s * h / 3


def quantile(v, q):
    v = sorted(v)
    h = (len(v) - 1) * q
    i = int(math.floor(h))
    if i + 1 >= len(v):
        return v[-1]
    return v[i] + (h - i) * (v[i + 1] - v[i])


def expected(kept, traces, https, pcaps, pfx, orgs, ranks, cc_nets):
    E = {}
    part = defaultdict(lambda: defaultdict(set))   # (m, v, f, p) -> verdict -> addrs ; 'syn' too
    for r in kept:
        k = (r['month'], r['version'], fam(r['addr']), r['port'])
        part[k][r['verdict']].add(r['addr'])
        if r['synack']:
            part[k]['syn'].add(r['addr'])
        part[k]['any'].add(r['addr'])

    def latest_trace(addr, port, v, m):
        best = None
        for t in traces:
            if t['addr'] == addr and t['port'] == port and t['version'] == v and t['month'] <= m:
                if best is None or (t['month'], t['file']) >= (best['month'], best['file']):
                    best = t
        return best['class'] if best else None

    monthly = []
    for k in sorted(part, key=lambda k: (month_num(k[0]), k[1], k[2], k[3])):
        m, v, f, p = k
        P = part[k]
        pot = set().union(*(P[x] for x in POT))
        mi = MONTHS.index(m)
        prev = [(MONTHS[mi - j] if mi - j >= 0 else None) for j in (1, 2)]
        if all(pm and (pm, v, f, p) in part for pm in prev):
            cons = len(P['mptcp'] & part[(prev[0], v, f, p)]['mptcp'] & part[(prev[1], v, f, p)]['mptcp'])
        else:
            cons = None
        truly = traced = 0
        for a in pot:
            c = latest_trace(a, p, v, m)
            if c == 'mptcp':
                truly += 1
                traced += 1
            elif c is None and a in P['mptcp']:
                truly += 1
        monthly.append([m, v, f, p, len(P['syn']), len(pot), len(P['mirrored']), len(P['mptcp']), cons, truly, traced,
                        len(P['version-mismatch']), len(P['malformed']), len(P['tcp']), len(P['closed']), 0])
    E['monthly'] = monthly
    E['mirrored'] = [[r[0], r[1], r[2], r[3], r[5], r[6], r[7], round(r[6] / r[5], 6) if r[5] else None]
                     for r in monthly]
    ports = []
    for (m, v, f) in sorted({(k[0], k[1], k[2]) for k in part}, key=lambda x: (month_num(x[0]), x[1], x[2])):
        a = part.get((m, v, f, 80), {}).get('mptcp', set())
        b = part.get((m, v, f, 443), {}).get('mptcp', set())
        ports.append([m, v, f, len(a - b), len(b - a), len(a & b)])
    E['ports'] = ports
    versions = []
    for (m, f, p) in sorted({(k[0], k[2], k[3]) for k in part}, key=lambda x: (month_num(x[0]), x[1], x[2])):
        a = part.get((m, 0, f, p), {}).get('mptcp', set())
        b = part.get((m, 1, f, p), {}).get('mptcp', set())
        versions.append([m, f, p, len(a - b), len(b - a), len(a & b)])
    E['versions'] = versions
    # hamming
    ham = []
    groups = defaultdict(lambda: [0] * 65)
    groups_mp = defaultdict(lambda: [0] * 65)
    for r in kept:
        if r['key'] is None:
            continue
        g = (r['month'], r['version'], r['port'])
        w = bin(r['key']).count('1')
        groups[g][w] += 1
        if r['verdict'] == 'mptcp':
            groups_mp[g][w] += 1
    for g in sorted(groups, key=lambda g: (month_num(g[0]), g[1], g[2])):
        obs = groups[g]
        n = sum(obs)
        exp = [n * p_weight(w) for w in range(65)]
        bins = []
        bo = be = 0.0
        for w in range(65):
            bo += obs[w]
            be += exp[w]
            if be >= 5:
                bins.append([bo, be])
                bo = be = 0.0
        if bins:
            bins[-1][0] += bo
            bins[-1][1] += be
        chi2 = sum((o - e) ** 2 / e for o, e in bins) if len(bins) >= 2 else None
        dof = len(bins) - 1 if len(bins) >= 2 else None
        sw = 16 if g[1] == 0 else None
        mean = sum(w * obs[w] for w in range(65)) / n
        for w in range(65):
            ham.append([g[0], g[1], g[2], w, obs[w], groups_mp[g][w], exp[w], n, mean, chi2, dof,
                        chi2_q(dof, chi2) if dof else None, sw, obs[16] / n if sw is not None else None,
                        p_weight(16) if sw is not None else None])
    E['hamming'] = ham
    # trace: per (addr, port, version, month) the last file of that month
    last = {}
    for t in traces:
        last[(t['addr'], t['port'], t['version'], t['month'])] = t   # files are written in order
    tr = defaultdict(lambda: [0, 0, 0, 0, 0])
    for (a, p, v, m), t in last.items():
        c = tr[(m, v, fam(a), p)]
        c[0] += 1
        c[1 + ['mptcp', 'middlebox', 'unreachable', 'no-mptcp'].index(t['class'])] += 1
    E['trace'] = [[k[0], k[1], k[2], k[3]] + c for k, c in sorted(tr.items(), key=lambda x: (month_num(x[0][0]),) + x[0][1:])]
    # attribution of an address
    def origin(a):
        ip = ipaddress.ip_address(a)
        best = None
        for n, o in pfx:
            if ip.version == n.version and ip in n and (best is None or n.prefixlen > best[0].prefixlen):
                best = (n, o)
        return best[1] if best else None

    def asns(a):
        o = origin(a)
        return [int(x) for x in o.replace('_', ',').split(',')] if o else []

    def country(a):
        ip = ipaddress.ip_address(a)
        best = None
        for n, c in cc_nets:
            if ip.version == n.version and ip in n and (best is None or n.prefixlen > best[0].prefixlen):
                best = (n, c)
        return best[1] if best else None

    # truly-MPTCP hosts of the latest month
    lm = MONTHS[-1]
    truly = defaultdict(dict)   # version -> addr -> {'ports': set, 'traced': bool}
    for k, P in part.items():
        m, v, f, p = k
        if m != lm or v < 0:
            continue
        pot = set().union(*(P[x] for x in POT))
        for a in pot:
            c = latest_trace(a, p, v, m)
            if c == 'mptcp' or (c is None and a in P['mptcp']):
                e = truly[v].setdefault(a, {'ports': set(), 'traced': False})
                e['ports'].add(p)
                e['traced'] |= c == 'mptcp'
    top = []
    cty = []
    for v in sorted(truly):
        per = defaultdict(lambda: [set(), set(), set(), set()])
        perc = defaultdict(lambda: [set(), set(), set(), set()])
        for a, e in truly[v].items():
            for asn in asns(a):
                s = per[asn]
                s[0].add(a)
                if 80 in e['ports']:
                    s[1].add(a)
                if 443 in e['ports']:
                    s[2].add(a)
                if e['traced']:
                    s[3].add(a)
            c = country(a)
            if c:
                s = perc[c]
                s[0].add(a)
                if 80 in e['ports']:
                    s[1].add(a)
                if 443 in e['ports']:
                    s[2].add(a)
                if e['traced']:
                    s[3].add(a)
        order = sorted(per, key=lambda asn: (-len(per[asn][0]), asn))[:10]
        for i, asn in enumerate(order):
            s = per[asn]
            h, t = len(s[0]), len(s[3])
            o = orgs.get(asn)
            top.append([lm, v, i + 1, asn, o[0] if o else None, o[2] if o else None, o[3] if o else None,
                        ranks.get(asn), h, len(s[1]), len(s[2]), t, h - t,
                        'trace' if t == h else 'scan' if t == 0 else 'trace+scan'])
        orderc = sorted(perc, key=lambda c: (-len(perc[c][0]), c))[:10]
        for i, c in enumerate(orderc):
            s = perc[c]
            h, t = len(s[0]), len(s[3])
            cty.append([lm, v, i + 1, c, h, len(s[1]), len(s[2]), t, h - t,
                        'trace' if t == h else 'scan' if t == 0 else 'trace+scan'])
    E['top-as'] = top
    E['countries'] = cty
    # migration for AS 65001 (198.18.0.0/24 minus the more specific /26 and /27)
    mig_as = {65001, 65008}
    state = defaultdict(dict)
    for r in kept:
        if r['verdict'] != 'mptcp' or not (set(asns(r['addr'])) & mig_as):
            continue
        s = state[r['addr']].setdefault(r['month'], set())
        s.add(r['version'])
    mig = []
    both_months = [MONTHS[i] for i in V1_MONTHS]   # v0 is scanned every month
    for m in both_months:
        i = MONTHS.index(m)
        prev_ok = i > 0 and MONTHS[i - 1] in both_months
        cnt = defaultdict(int)
        for a, st in state.items():
            c = frozenset(st.get(m, set()))
            cnt['v0'] += c == {0}
            cnt['v1'] += c == {1}
            cnt['both'] += c == {0, 1}
            if prev_ok:
                pr = frozenset(st.get(MONTHS[i - 1], set()))
                cnt['added'] += len(pr) == 1 and len(c) == 2
                cnt['migrated'] += pr == {0} and c == {1}
                cnt['back'] += pr == {1} and c == {0}
                cnt['dropped'] += len(pr) == 2 and len(c) == 1
                cnt['appeared'] += not pr and bool(c)
                cnt['vanished'] += bool(pr) and not c
        t = [cnt[x] for x in ('added', 'migrated', 'back', 'dropped', 'appeared', 'vanished')] if prev_ok else [None] * 6
        mig.append([m, '65001,65008', cnt['v0'], cnt['v1'], cnt['both']] + t)
    E['migration'] = mig
    # http
    tgt = defaultdict(lambda: {'mptcp': defaultdict(list), 'tcp': defaultdict(list)})
    for h in https:
        if h['error']:
            continue
        for mname in ('connect_ms', 'tls_ms', 'ttfb_ms', 'total_ms'):
            if h[mname] != '':
                tgt[(h['addr'], h['port'], h['scheme'])][h['transport']][mname].append(float(h[mname]))
    deltas = defaultdict(list)
    for (a, p, scheme), d in tgt.items():
        cls = latest_trace(a, p, 1, '2024-06') or latest_trace(a, p, 0, '2024-06') or 'untraced'
        for mname in ('connect_ms', 'tls_ms', 'ttfb_ms', 'total_ms'):
            if d['mptcp'][mname] and d['tcp'][mname]:
                deltas[(cls, scheme, mname)].append(quantile(d['mptcp'][mname], .5) - quantile(d['tcp'][mname], .5))
    order = ['connect_ms', 'tls_ms', 'ttfb_ms', 'total_ms']
    http = []
    for k in sorted(deltas, key=lambda k: (k[0], k[1], order.index(k[2]))):
        v = deltas[k]
        med = quantile(v, .5)
        for q in range(21):
            http.append([k[0], k[1], k[2], len(v), med, q / 20, quantile(v, q / 20)])
    E['http'] = http
    # pcap with EWMA
    pc = []
    e = [None] * 4
    for t in sorted(pcaps, key=lambda t: t['first_ts']):
        import datetime
        m = datetime.datetime.utcfromtimestamp(t['first_ts']).strftime('%Y-%m')
        x = [t['flow_share'], t['byte_share'], t['mptcp_flows'], t['tcp_flows']]
        e = [x[i] if e[i] is None else 0.2 * x[i] + 0.8 * e[i] for i in range(4)]
        pc.append([m, t['trace'], t['first_ts'], t['tcp_flows'], t['mptcp_flows'], t['flow_share'], t['tcp_bytes'],
                   t['mptcp_bytes'], t['byte_share'], t['mptcp_connections'], t['mptcp_connections_by_version']['0'],
                   t['mptcp_connections_by_version']['1'], 0.5, 0.8, 0.9] + e)
    E['pcap'] = pc
    return E


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        a, b = float(a), float(b)
        return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))
    return a == b


def conv(s, like):
    if s == '':
        return None
    if isinstance(like, (int, float)) and not isinstance(like, bool):
        return float(s) if ('.' in s or 'e' in s or isinstance(like, float)) else int(s)
    return s


def check(d, query, path):
    exp = json.load(open('%s/expected.json' % d))[query]
    with open(path) as f:
        rows = list(csv.reader(f))[1:]
    bad = 0
    if len(rows) != len(exp):
        print('%s: %d rows, expected %d' % (query, len(rows), len(exp)))
        bad += 1
    for i, (g, e) in enumerate(zip(rows, exp)):
        gg = [conv(x, e[j] if j < len(e) else '') for j, x in enumerate(g)]
        # p-values: the tool's series against a numerical integral, to 1e-4
        ok = len(gg) == len(e) and all(
            same(x, y) or (query == 'hamming' and j == 11 and x is not None and y is not None and abs(x - y) < 1e-4)
            for j, (x, y) in enumerate(zip(gg, e)))
        if not ok:
            bad += 1
            if bad < 8:
                print('%s row %d:\n  got      %s\n  expected %s' % (query, i + 1, g, e))
    print('%s: %d rows, %d differ' % (query, len(rows), bad))
    return bad == 0


if __name__ == '__main__':
    if sys.argv[1] == 'write':
        write(sys.argv[2])
    else:
        sys.exit(0 if check(sys.argv[2], sys.argv[3], sys.argv[4]) else 1)
