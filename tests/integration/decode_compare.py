#!/usr/bin/env python3
"""decode_compare.py — compares `mpcensus decode --json` with tshark (and tcpdump where tshark 4.0 is wrong), field by field.

Usage: decode_compare.py --mpcensus BIN [--require-subtypes 0,2,...] FILE...

For every frame that tshark sees with TCP option kind 30, every MPTCP field
tshark prints (tcp.options.mptcp.*) is compared with the value mpcensus gives,
and so are the token and IDSN tshark derives from MP_CAPABLE's sender key
(mptcp.expected_token, mptcp.expected_idsn: SHA-1 for v0, SHA-256 for v1).
tshark -T fields flattens all options of a frame into one list per field, in
option order; mpcensus' options are flattened the same way, so a value in the
wrong option, a missing value or an extra value all show as a mismatch.

Known tshark 4.0 behaviours the comparison accounts for, precisely:
 1. flags of MP_JOIN (SYN, SYN-ACK), MP_PRIO and MP_TCPRST: tshark reports
    the whole first octet (subtype nibble included, e.g. 0x10 for a JOIN
    without B); mpcensus reports the flag nibble. We compare
    (subtype << 4 | nibble) with tshark's value: every bit is still checked.
 2. DSS checksum: tshark 4.0 only shows it when the option is 2 octets
    longer than the layout with checksum (off-by-two length test), so it never
    shows it for a well-formed DSS. For DSS checksums we use tcpdump
    (`csum 0x...` in its DSS line) as the oracle instead, value by value.
 3. ADD_ADDR's truncated HMAC is tshark's `addaddrtrunchmac` (mpcensus uses
    the same key); MP_JOIN's is `sendtrunchmac`.
What is an option at all follows the TCP header, in both tools: a kind-30
option with length byte 2 is an option without subtype ({"truncated":true});
length 0/1, no length byte, or a length past the data-offset end stop the walk
and are no option; an option cut by the capture's snap length is dissected up
to the cut (mpcensus: "truncated":true).
Fields mpcensus prints that tshark has no field for (inferred_version,
truncated) are checked otherwise: a frame tshark flags as malformed must
carry a truncated option in mpcensus' output.
Exit status 0 when everything agrees, 1 on any mismatch, 2 on usage errors.
"""
import argparse
import ipaddress
import json
import re
import subprocess
import sys

# tshark field suffix -> how to turn one printed value into a comparable value
INT = lambda s: int(s, 0)  # noqa: E731  (tshark prints hex fields as 0x.., others decimal)
FIELDS = {
    "subtype": INT, "version": INT, "flags": INT, "reserved": INT,
    "sendkey": INT, "recvkey": INT, "ipver": INT, "echo": INT, "addrid": INT,
    "recvtok": INT, "sendtrunchmac": INT, "addaddrtrunchmac": INT, "sendrand": INT,
    "sendhmac": lambda s: s.replace(":", "").lower(),
    "rawdataack": INT, "rawdataseqno": INT, "subflowseqno": INT, "datalvllen": INT,
    "checksum": INT,
    "ipv4": lambda s: ipaddress.ip_address(s), "ipv6": lambda s: ipaddress.ip_address(s),
    "port": INT, "rst_reason": INT,
    # derived from MP_CAPABLE's sendkey by tshark's own SHA-1/SHA-256 (mptcp.*)
    "expected_token": INT, "expected_idsn": INT,
}
TSHARK_NAME = {f: ("mptcp." if f.startswith("expected_") else "tcp.options.mptcp.") + f for f in FIELDS}
HEX_KEYS = {"sendkey", "recvkey", "sendtrunchmac", "addaddrtrunchmac"}
NIBBLE_FLAG_SUBTYPES = {1, 5, 8}
DSS = 2


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stdout, p.stderr


def tshark_fields(path):
    cmd = ["tshark", "-n", "-r", path, "-Y", "tcp.option_kind==30", "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=,", "-E", "separator=\t", "-e", "frame.number"]
    for f in FIELDS:
        cmd += ["-e", TSHARK_NAME[f]]
    rc, out, err = run(cmd)
    if rc != 0:
        raise SystemExit("tshark failed on %s: %s" % (path, err.strip()))
    frames = {}
    for line in out.splitlines():
        cols = line.split("\t")
        frame = int(cols[0])
        vals = {}
        for name, col in zip(FIELDS, cols[1:]):
            vals[name] = [FIELDS[name](v) for v in col.split(",")] if col else []
        frames[frame] = vals
    return frames


def tshark_malformed(path):
    rc, out, err = run(["tshark", "-n", "-r", path, "-Y", "_ws.malformed && tcp.option_kind==30",
                        "-T", "fields", "-e", "frame.number"])
    return {int(x) for x in out.split()}


DSS_RE = re.compile(r"mptcp \d+ dss[^,\]]*")
CSUM_RE = re.compile(r"csum 0x([0-9a-f]+)")
FRAME_RE = re.compile(r"^\s*(\d+)\s")


def tcpdump_dss_checksums(path):
    """frame -> list of DSS checksums tcpdump prints, in option order."""
    rc, out, err = run(["tcpdump", "-#", "-nn", "-r", path])
    sums = {}
    for line in out.splitlines():
        m = FRAME_RE.match(line)
        if not m:
            continue
        vals = []
        for dss in DSS_RE.findall(line):
            c = CSUM_RE.search(dss)
            if c:
                vals.append(int(c.group(1), 16))
        sums[int(m.group(1))] = vals
    return sums


def mpcensus_frames(binary, path):
    rc, out, err = run([binary, "decode", "--json", path])
    if rc != 0:
        raise SystemExit("mpcensus decode failed on %s (exit %d): %s" % (path, rc, err.strip()))
    frames = {}
    for n, line in enumerate(out.splitlines(), 1):
        try:
            obj = json.loads(line)
            frames[obj["frame"]] = obj["mptcp"]
        except (ValueError, KeyError, TypeError) as e:
            raise SystemExit("mpcensus decode --json %s: output line %d is not {\"frame\":N,\"mptcp\":[...]}: "
                             "%s: %s" % (path, n, e, line[:200]))
    return frames, err.strip()


def flatten(options):
    """Our options -> (per-field value lists as tshark would print them, DSS checksums)."""
    vals = {f: [] for f in FIELDS}
    dss_sums = []
    for o in options:
        for f in FIELDS:
            if f not in o:
                continue
            v = o[f]
            if f == "flags" and o["subtype"] in NIBBLE_FLAG_SUBTYPES:
                v = o["subtype"] << 4 | v          # rule 1
            if f == "checksum" and o["subtype"] == DSS and not o.get("truncated"):
                dss_sums.append(v)                # rule 2: tcpdump is the oracle
                continue
            if f in HEX_KEYS:
                v = int(v, 16)
            elif f in ("ipv4", "ipv6"):
                v = ipaddress.ip_address(v)
            vals[f].extend(v if isinstance(v, list) else [v])
    return vals, dss_sums


def compare_file(binary, path, stats, subtypes_seen):
    problems = []
    ts = tshark_fields(path)
    bad = tshark_malformed(path)
    td = tcpdump_dss_checksums(path)
    ours, summary = mpcensus_frames(binary, path)
    for fr in sorted(set(ts) - set(ours)):
        problems.append("frame %d: tshark sees MPTCP, mpcensus prints nothing" % fr)
    for fr in sorted(set(ours) - set(ts)):
        problems.append("frame %d: mpcensus prints MPTCP, tshark sees none" % fr)
    nfields = noptions = nsums = 0
    for fr in sorted(set(ts) & set(ours)):
        mine, dss_sums = flatten(ours[fr])
        noptions += len(ours[fr])
        for o in ours[fr]:
            if "subtype" in o:  # a kind-30 option of length 2 has none
                subtypes_seen.add(o["subtype"])
        for f in FIELDS:
            if mine[f] != ts[fr][f]:
                problems.append("frame %d field %s: mpcensus %s, tshark %s" % (
                    fr, f, [str(x) for x in mine[f]], [str(x) for x in ts[fr][f]]))
            nfields += len(ts[fr][f])
        if dss_sums != td.get(fr, []):
            problems.append("frame %d DSS checksums: mpcensus %s, tcpdump %s" % (fr, dss_sums, td.get(fr)))
        nsums += len(dss_sums)
        if fr in bad and not any(o.get("truncated") for o in ours[fr]):
            problems.append("frame %d: tshark says malformed, mpcensus reports no truncated option" % fr)
    stats["frames"] += len(ts)
    stats["options"] += noptions
    stats["fields"] += nfields
    stats["checksums"] += nsums
    print("%s: %d MPTCP frames, %d options, %d tshark field values, %d DSS checksums (tcpdump), "
          "%d malformed (tshark) — %s" % (path, len(ts), noptions, nfields, nsums, len(bad),
                                            "OK" if not problems else "%d MISMATCHES" % len(problems)))
    print("    " + summary)
    for p in problems[:40]:
        print("    " + p)
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mpcensus", required=True)
    ap.add_argument("--require-subtypes", default="",
                    help="comma-separated subtypes that must appear at least once over all files")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    stats = {"frames": 0, "options": 0, "fields": 0, "checksums": 0}
    seen = set()
    ok = True
    for f in a.files:
        ok &= compare_file(a.mpcensus, f, stats, seen)
    need = {int(x) for x in a.require_subtypes.split(",") if x}
    if need - seen:
        print("subtypes never seen: %s" % sorted(need - seen))
        ok = False
    print("TOTAL: %d files, %d MPTCP frames, %d options, %d field values compared with tshark, "
          "%d DSS checksums with tcpdump, subtypes %s: %s" % (
              len(a.files), stats["frames"], stats["options"], stats["fields"], stats["checksums"],
              sorted(seen), "all agree" if ok else "MISMATCH"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
