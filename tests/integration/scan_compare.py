#!/usr/bin/env python3
# scan_compare.py — compares `mpcensus scan` records (CSV or JSON lines) with `mpcensus lab truth` CSV; prints mismatches.
# usage: scan_compare.py TRUTH.csv SCAN_FILE[:VERSION] ...   exit 0 iff every verdict matches
import csv, json, sys

def load_scan(path):
    with open(path) as f:
        first = f.readline()
        f.seek(0)
        if first.startswith("{"):
            rows = [json.loads(line) for line in f if line.strip()]
        else:
            rows = list(csv.DictReader(f))
    return rows

truth = {}
with open(sys.argv[1]) as f:
    for r in csv.DictReader(f):
        truth[(r["daddr"], int(r["dport"]), int(r["probe_version"]))] = r["verdict"]

got = {}
versions = set()
for arg in sys.argv[2:]:
    for r in load_scan(arg):
        key = (r["saddr"], int(r["sport"]), int(r["probe_version"]))
        versions.add(key[2])
        if key in got:
            print("DUPLICATE record", key)
            sys.exit(1)
        got[key] = r["verdict"]

ok = bad = 0
for key, want in sorted(truth.items()):
    if key[2] not in versions:
        continue
    have = got.get(key, "silent")
    if have == want:
        ok += 1
    else:
        bad += 1
        if bad <= 30:
            print("MISMATCH %s port %d v%d: truth %s, scan %s" % (key[0], key[1], key[2], want, have))
extra = [k for k in got if k not in truth]
for k in extra[:10]:
    print("EXTRA record not in truth:", k)
by = {}
for key, want in truth.items():
    if key[2] in versions:
        by[want] = by.get(want, 0) + 1
print("compared %d (address, port, version): %d equal, %d differ, %d extra; truth mix %s"
      % (ok + bad, ok, bad, len(extra), sorted(by.items())))
sys.exit(0 if bad == 0 and not extra and ok > 0 else 1)
