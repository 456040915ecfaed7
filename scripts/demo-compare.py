#!/usr/bin/env python3
# demo-compare.py — the demo's one-screen summary: measured counts (archive queries) next to the lab's truth per class, month and family; exit 1 if any differs.
# usage: demo-compare.py DIR   (DIR holds the archive's monthly.csv, trace.csv, migration.csv, pcap.csv and the
# truth's truth-monthly.csv, truth-verdicts.csv, truth-trace.csv, truth-migration.csv, truth-passive.txt, as
# scripts/demo.sh writes them). Every cell is compared at full detail (month x probe version x family x port);
# a screen row sums the probe versions and ports of one class and family, and says DIFF if any cell under it
# differs; the differing cells are listed below the table.
import csv
import os
import sys
from collections import defaultdict

d = sys.argv[1]


def rows(name):
    with open(os.path.join(d, name), newline="") as f:
        return list(csv.DictReader(f))


diffs = []          # (what, measured, truth) of every differing cell
screen = []         # (section, label, {month: measured}, {month: truth}, ok)


def cell(v):
    return "" if v is None else str(v)


def compare(section, label, measured, truth, months):
    """measured/truth: {(month, detail...): value}; one screen row per call, summed over the details."""
    ok = True
    for k in sorted(set(measured) | set(truth)):
        m, t = cell(measured.get(k, 0)), cell(truth.get(k, 0))
        if m != t:
            ok = False
            diffs.append(("%s %s %s" % (section, label, " ".join(str(x) for x in k)), m, t))
    def total(src, month):
        vals = [v for k, v in src.items() if k[0] == month]
        if not vals or all(v == "" for v in vals):
            return "-"
        return str(sum(int(v) for v in vals if v != ""))
    screen.append((section, label, {m: total(measured, m) for m in months}, {m: total(truth, m) for m in months}, ok))


# ---- scan verdicts, consistent and truly-MPTCP hosts: archive `monthly` vs `lab truth --summary monthly`
arch = {(r["month"], r["version"], r["family"], r["port"]): r for r in rows("monthly.csv")}
tru = {(r["month"], r["version"], r["family"], r["port"]): r for r in rows("truth-monthly.csv")}
months = sorted({k[0] for k in tru})
missing = sorted(set(tru) - set(arch))
for k in missing:
    diffs.append(("scan partition %s not in the archive" % " ".join(k), "-", "scanned"))

# truly MPTCP: an MP_CAPABLE answer whose trace (that month) says mptcp, or, untraced, verdict mptcp.
# The traced months' candidates are the truth's mptcp + mirrored verdicts; their truth class comes from
# `lab truth --trace` (computed from the path model, not from our traces).
verdict = {(r["month"], r["probe_version"], r["daddr"], r["dport"]): r["verdict"] for r in rows("truth-verdicts.csv")}
trace_truth = defaultdict(lambda: defaultdict(int))
traced_months = set()
for r in rows("truth-trace.csv"):
    k = (r["month"], r["probe_version"], r["daddr"], r["dport"])
    traced_months.add(r["month"])
    if verdict.get(k) not in ("mptcp", "mirrored"):
        continue
    fam = "6" if ":" in r["daddr"] else "4"
    part = (r["month"], r["probe_version"], fam, r["dport"])
    trace_truth[part]["traced"] += 1
    trace_truth[part][r["class"]] += 1

FIELDS = [("responsive", "responsive"), ("mptcp", "mptcp"), ("mirrored", "mirrored"),
          ("version_mismatch", "version-mismatch"), ("malformed", "malformed"), ("tcp", "tcp"),
          ("closed", "closed (RST)"), ("consistent", "consistent"), ("truly_mptcp", "truly MPTCP")]
for fam in ("4", "6"):
    for field, label in FIELDS:
        measured, truth = {}, {}
        for k, t in tru.items():
            if k[2] != fam:
                continue
            measured[k] = arch[k][field] if k in arch else "-"
            if field == "truly_mptcp":
                truth[k] = str(trace_truth[k]["mptcp"]) if k[0] in traced_months else t["mptcp"]
            else:
                truth[k] = t[field]
        compare("scan", "%-16s IPv%s" % (label, fam), measured, truth, months)

# ---- trace classes of the candidates: archive `trace` vs `lab truth --trace` over the truth's candidates
tarch = {(r["month"], r["version"], r["family"], r["port"]): r for r in rows("trace.csv")}
tmonths = sorted(traced_months)
for k in tarch:
    if k not in trace_truth:
        diffs.append(("trace partition %s has no candidates in truth" % " ".join(k), tarch[k]["traced"], "0"))
TFIELDS = [("traced", "traced", "traced"), ("cat_i_mptcp", "mptcp", "I mptcp"),
           ("cat_ii_middlebox", "middlebox", "II middlebox"), ("cat_iii_unreachable", "unreachable", "III unreachable"),
           ("no_mptcp", "no-mptcp", "no-mptcp")]
for fam in ("4", "6"):
    for field, cls, label in TFIELDS:
        measured, truth = {}, {}
        for k, t in trace_truth.items():
            if k[2] != fam:
                continue
            measured[k] = tarch[k][field] if k in tarch else "0"
            truth[k] = str(t[cls])
        compare("trace", "%-16s IPv%s" % (label, fam), measured, truth, tmonths)

# ---- the organisation: archive `migration --asn 714,6185` vs `lab truth --summary migration`
march = {r["month"]: r for r in rows("migration.csv")}
mtru = {r["month"]: r for r in rows("truth-migration.csv")}
for field in ("v0_only", "v1_only", "both", "added", "migrated", "migrated_back", "dropped", "appeared", "vanished"):
    measured = {(m,): (march[m][field] if m in march else "-") for m in mtru}
    truth = {(m,): mtru[m][field] for m in mtru}
    compare("migration", "%-16s AS714+6185" % field.replace("_", " "), measured, truth, months)

# ---- passive share: MPTCP connections in each month's capture vs the MPTCP transfers the demo made to
# MPTCP web servers (one connection each; transfers to plain-TCP servers fall back and are no connection)
parch = {r["month"]: r for r in rows("pcap.csv")}
ptru = dict(l.split() for l in open(os.path.join(d, "truth-passive.txt")) if l.strip())
compare("passive", "%-16s all" % "MPTCP conns", {(m,): (parch[m]["mptcp_connections"] if m in parch else "-") for m in ptru},
        {(m,): ptru[m] for m in ptru}, months)

# ---- the screen
def short(m):
    return m[2:]  # 2025-07 -> 25-07


w = 6
head = "%-27s %s | %s |" % ("", " ".join("%*s" % (w, short(m)) for m in months), " ".join("%*s" % (w, short(m)) for m in months))
title = "%-27s %-*s | %-*s |" % ("", len(months) * (w + 1) - 1, "measured (archive)", len(months) * (w + 1) - 1, "truth (lab spec)")
section_names = {"scan": "scan verdicts (hosts; v0+v1 probes, ports 80+443)",
                 "trace": "trace classes of the candidates (v0+v1, 80+443)",
                 "migration": "organisation (Apple: AS 714 + 6185), hosts by version",
                 "passive": "passive capture of the month's HTTP(S) traffic"}
print(title)
print(head)
last = None
for section, label, m, t, ok in screen:
    if section != last:
        print("-- %s %s" % (section_names[section], "-" * max(0, len(head) - 4 - len(section_names[section]))))
        last = section
    print("%-27s %s | %s | %s" % (label, " ".join("%*s" % (w, m.get(x, "")) for x in months),
                                  " ".join("%*s" % (w, t.get(x, "")) for x in months), "OK" if ok else "DIFF"))
bad = sum(1 for s in screen if not s[4])
print()
if diffs:
    print("%d rows DIFFER (%d cells); the first cells (what, measured, truth):" % (bad, len(diffs)))
    for what, m, t in diffs[:12]:
        print("  %-60s %8s %8s" % (what, m, t))
    sys.exit(1)
print("all %d rows: measured = truth (every month x probe version x family x port cell)" % len(screen))
