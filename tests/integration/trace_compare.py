#!/usr/bin/env python3
"""trace_compare.py — compares `mpcensus trace` JSON lines with `mpcensus lab truth --trace` CSV.

usage: trace_compare.py TRUTH.csv TRACE.json VERSION [--require-all] [--show N]
Every traced (target, port) must have a truth row for VERSION; class, hop,
dest_hops and end_icmp must be equal and the truth's change must be among the
trace's changes. Prints a per-class table and the first differences; exit 1 on
any difference (or, with --require-all, when a truth row was not traced)."""
import csv
import json
import sys
from collections import Counter


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    truth_path, trace_path, version = args[0], args[1], args[2]
    require_all = "--require-all" in sys.argv
    show = 10
    truth = {}
    for r in csv.DictReader(open(truth_path)):
        if r["probe_version"] != version:
            continue
        truth[(r["daddr"], r["dport"])] = r
    seen, bad, per = set(), [], Counter()
    for line in open(trace_path):
        j = json.loads(line)
        key = (j["target"], str(j["port"]))
        seen.add(key)
        t = truth.get(key)
        if t is None:
            bad.append("%s:%s not in the truth" % key)
            continue
        if str(j["probe_version"]) != version:
            bad.append("%s:%s probe_version %s" % (key[0], key[1], j["probe_version"]))
        got = {
            "class": j["class"],
            "hop": "" if j["hop"] is None else str(j["hop"]),
            "dest_hops": "" if j["dest_hops"] is None else str(j["dest_hops"]),
            "end_icmp": j["end_icmp"] or "",
        }
        want = {k: t[k] for k in got}
        diff = [k for k in got if got[k] != want[k]]
        if t["change"] and t["change"] not in j["changes"]:
            diff.append("change")
        per[(t["class"], "ok" if not diff else "wrong")] += 1
        if diff:
            bad.append("%s:%s (%s): %s; trace %s changes %s, truth %s change %s" % (
                key[0], key[1], t.get("profile", "?"), ",".join(diff), got, j["changes"], want, t["change"]))
    missing = [k for k in truth if k not in seen]
    classes = sorted({c for c, _ in per})
    print("v%s: %d traced, %d in truth" % (version, len(seen), len(truth)))
    for c in classes:
        print("  %-12s %5d right %5d wrong" % (c, per[(c, "ok")], per[(c, "wrong")]))
    for b in bad[:show]:
        print("  DIFF " + b)
    if len(bad) > show:
        print("  ... %d more differences" % (len(bad) - show))
    if require_all and missing:
        print("  MISSING %d truth rows, e.g. %s" % (len(missing), missing[:3]))
    sys.exit(1 if bad or (require_all and missing) else 0)


if __name__ == "__main__":
    main()
