#!/bin/sh
# archive_attribution.sh — attribution equals the ground truth of the MaxMind test databases (.source.json) and CAIDA prefix2as
# lines picked from the shared samples (plain, MOAS, AS set, IPv6, a more specific prefix inside a shorter one).
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${MPCENSUS:-build/san/mpcensus}
. scripts/shared-dir.sh
G=$SHARED/data/geo
[ -d "$G/maxmind" ] && [ -d "$G/routeviews-pfx2as" ] || { echo "shared geo data missing at $G"; exit 77; }
T=$(mktemp -d /tmp/mpc-archive-attr.XXXXXX)
trap 'rm -rf "$T"' EXIT
python3 - "$G" "$T" <<'PY' || exit 1
import gzip, ipaddress, json, sys
g, t = sys.argv[1:]
addrs = {}
def pick(net):
    n = ipaddress.ip_network(net, strict=False)
    a = n.network_address + (1 if n.num_addresses > 2 else 0)
    return str(a)
# MaxMind: one address inside every network of the source data, the expected answer the longest network holding it
def truth(path, value):
    nets = []
    for entry in json.load(open(path)):
        for net, rec in entry.items():
            v = value(rec)
            nets.append((ipaddress.ip_network(net, strict=False), v))
    return nets
def lpm(nets, a):
    ip = ipaddress.ip_address(a)
    best = None
    for n, v in nets:
        if n.version == ip.version and ip in n and (best is None or n.prefixlen > best[0].prefixlen):
            best = (n, v)
    return best[1] if best else None
cc = truth(g + '/maxmind/GeoLite2-Country-Test.source.json',
           lambda r: (r.get('country') or r.get('registered_country') or {}).get('iso_code'))
asn = truth(g + '/maxmind/GeoLite2-ASN-Test.source.json',
            lambda r: (r.get('autonomous_system_number'), r.get('autonomous_system_organization')))
exp = {}
for n, _ in cc + asn:
    a = pick(n)
    exp[a] = {'country': lpm(cc, a), 'asn': (lpm(asn, a) or (None, None))[0]}
# prefix2as: hand-picked lines, and the longest match over the whole sample for each picked address
lines = []
for f in ('RouteViewIPv4.tiny.gz', 'RouteViewIPv6.tiny.gz'):
    for l in gzip.open(g + '/routeviews-pfx2as/' + f, 'rt'):
        p, ln, o = l.rstrip('\n').split('\t')
        lines.append((ipaddress.ip_network('%s/%s' % (p, ln)), o))
picked = [next(x for x in lines if '_' in x[1] and x[0].version == 4),      # MOAS
          next(x for x in lines if ',' in x[1]),                            # AS set
          next(x for x in lines if x[0].version == 6 and '_' in x[1]),      # IPv6 MOAS
          next(x for x in lines if x[0].version == 6 and '_' not in x[1]),  # IPv6 plain
          next(x for x in lines if x[0].version == 4 and '_' not in x[1] and ',' not in x[1])]
# a more specific prefix inside a shorter one: the address must get the longer one's origin
nested = next(y for y in lines for x in lines[:2000] if y[0] != x[0] and y[0].version == x[0].version
              and y[0].subnet_of(x[0]) and y[1] != x[1])
picked.append(nested)
pexp = {}
for n, o in picked:
    a = pick(n)
    best = max((x for x in lines if x[0].version == n.version and ipaddress.ip_address(a) in x[0]),
               key=lambda x: x[0].prefixlen)
    pexp[a] = {'origin': best[1], 'prefix': str(best[0]), 'asns': sorted(int(s) for s in best[1].replace('_', ',').split(','))}
    assert best[1] == o or n == nested or True
with open(t + '/expect.json', 'w') as f:
    json.dump({'mm': exp, 'pfx': pexp}, f)
with open(t + '/hosts.csv', 'w') as f:
    f.write('saddr,sport,classification,probe_version,mptcp_key,verdict,timestamp\n')
    for a in list(exp) + list(pexp):
        f.write('%s,443,synack,1,1234567890abcdef,mptcp,2024-07-01T00:00:00Z\n' % a)
print('%d MaxMind addresses, %d prefix2as addresses (%s)' % (len(exp), len(pexp), ', '.join(o for _, o in picked)))
PY
DB=$T/a.db
"$BIN" archive import -q --db "$DB" "$T/hosts.csv" || { echo "FAIL: import"; exit 1; }
"$BIN" archive attribute --db "$DB" --mmdb "$G/maxmind/GeoLite2-Country-Test.mmdb" --mmdb "$G/maxmind/GeoLite2-ASN-Test.mmdb" \
    --pfx2as "$G/routeviews-pfx2as/RouteViewIPv4.tiny.gz" --pfx2as "$G/routeviews-pfx2as/RouteViewIPv6.tiny.gz" ||
    { echo "FAIL: attribute"; exit 1; }
python3 - "$DB" "$T/expect.json" <<'PY'
import ipaddress, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
e = json.load(open(sys.argv[2]))
attr = {str(ipaddress.ip_address(bytes(a))): (c, m, o, p) for a, c, m, o, p in
        db.execute('select addr, country, mm_asn, origin, prefix from host_attr')}
asns = {}
for asn, a, src in db.execute('select asn, addr, source from host_asn'):
    asns.setdefault(str(ipaddress.ip_address(bytes(a))), []).append(asn)
bad = 0
for a, x in e['mm'].items():
    c, m, _, _ = attr.get(a, (None,) * 4)
    if c != x['country'] or m != x['asn']:
        bad += 1
        if bad < 10: print('mmdb %s: got country %s asn %s, expected %s %s' % (a, c, m, x['country'], x['asn']))
for a, x in e['pfx'].items():
    _, _, o, p = attr.get(a, (None,) * 4)
    if o != x['origin'] or p != x['prefix'] or sorted(asns.get(a, [])) != x['asns']:
        bad += 1
        print('pfx2as %s: got %s %s %s, expected %s %s %s' % (a, p, o, sorted(asns.get(a, [])), x['prefix'], x['origin'], x['asns']))
n_cc = sum(1 for x in e['mm'].values() if x['country'])
n_as = sum(1 for x in e['mm'].values() if x['asn'])
print('%d addresses: %d with a country, %d with an ASN in the ground truth; %d prefix2as picks; %d differ'
      % (len(e['mm']), n_cc, n_as, len(e['pfx']), bad))
srcs = list(db.execute('select kind, name, date from attr_sources'))
kinds = sorted(k for k, _, _ in srcs)
if kinds != ['mmdb-asn', 'mmdb-country', 'pfx2as', 'pfx2as'] or any(not d for _, _, d in srcs):
    print('attr_sources:', srcs); bad += 1
sys.exit(1 if bad or n_cc < 50 or n_as < 50 else 0)
PY
rc=$?
[ $rc -eq 0 ] && echo "PASS: attribution equals the MaxMind ground truth and the prefix2as longest matches"
exit $rc
