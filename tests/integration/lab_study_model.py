#!/usr/bin/env python3
# lab_study_model.py — an independent Python reading of a lab spec's study directives (as, as-set, geo, org stages, churn, seed) for the lab_* tests' oracles.
import ipaddress
import shlex

MASK64 = (1 << 64) - 1
SALT_CHURN = 0x636875726E000002
SALT_ORG = 0x6F72670000000003


def mix64(x):
    x &= MASK64
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & MASK64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & MASK64
    x ^= x >> 31
    return x


def lab_hash(seed, salt, addr, extra):
    """README "Truth": the lab's keyed hash of (seed, salt, address, extra)."""
    raw = addr.packed.ljust(16, b"\0")
    family = 2 if addr.version == 4 else 10
    h = mix64(seed ^ salt)
    h = mix64(h ^ int.from_bytes(raw[:8], "little"))
    h = mix64(h ^ int.from_bytes(raw[8:], "little") ^ family)
    return mix64(h ^ extra)


class Spec:
    def __init__(self, path):
        self.seed = 1
        self.churn = 0
        self.profiles = {}        # name -> (month_from, month_to)
        self.orgs = []            # (network, from, to, start, step, max) in spec order
        self.ases = {}            # asn -> dict(org, cc, aut, rir, rank)
        self.announced = {}       # network -> list of origin elements (tuples of ASNs)
        self.geo = {}             # network -> cc
        self.study_start = None
        for line in open(path):
            line = line.split("#", 1)[0]
            if not line.strip():
                continue
            w = shlex.split(line)
            d = w[0]
            if d == "seed":
                self.seed = int(w[1], 0)
            elif d == "churn":
                self.churn = int(w[1])
            elif d == "study":
                for kv in w[1:]:
                    k, v = kv.split("=")
                    if k == "start":
                        self.study_start = v
            elif d == "profile":
                lo, hi = 0, 1000000
                for kv in w[3:]:
                    if kv.startswith("months="):
                        a, _, b = kv[7:].partition("-")
                        lo = int(a)
                        hi = (int(b) if b else 1000000) if "-" in kv[7:] else lo
                self.profiles[w[1]] = (lo, hi)
            elif d == "org":
                opt = {"start": 1, "step": 25, "max": 100}
                for kv in w[4:]:
                    k, v = kv.split("=")
                    opt[k] = int(v)
                self.orgs.append((ipaddress.ip_network(w[1]), w[2], w[3], opt["start"], opt["step"], opt["max"]))
            elif d == "as":
                asn, org, cc = int(w[1]), w[2], w[3]
                entry = self.ases.setdefault(asn, {"org": org, "cc": cc, "aut": None, "rir": None, "rank": None})
                for t in w[4:]:
                    if t.startswith("aut="):
                        entry["aut"] = t[4:]
                    elif t.startswith("rir="):
                        entry["rir"] = t[4:]
                    elif t.startswith("rank="):
                        entry["rank"] = int(t[5:])
                    else:
                        self.announced.setdefault(ipaddress.ip_network(t), []).append((asn,))
            elif d == "as-set":
                members = tuple(int(x) for x in w[2].split(","))
                self.announced.setdefault(ipaddress.ip_network(w[1]), []).append(members)
            elif d == "geo":
                self.geo[ipaddress.ip_network(w[1])] = w[2]

    # ------------------------------------------------------------ attribution
    @staticmethod
    def origin_text(elements):
        return "_".join(",".join(str(a) for a in e) for e in elements)

    def longest(self, table, addr):
        best = None
        for net in table:
            if net.version == addr.version and addr in net and (best is None or net.prefixlen > best.prefixlen):
                best = net
        return best

    def asn_of(self, addr):
        net = self.longest(self.announced, addr)
        return self.origin_text(self.announced[net]) if net else ""

    def country_of(self, addr):
        g = self.longest(self.geo, addr)
        if g:
            return self.geo[g]
        net = self.longest(self.announced, addr)
        return self.ases[self.announced[net][0][0]]["cc"] if net else ""

    # ------------------------------------------------------------ org stages
    def org_profile(self, addr, month):
        """Profile of an org address in month, before its window and churn; None outside org prefixes."""
        for i, (net, frm, _, _, _, _) in enumerate(self.orgs):
            if addr.version != net.version or addr not in net:
                continue
            prof, stage = frm, 0
            for (n2, f2, t2, start, step, mx) in self.orgs[i:]:
                if n2 != net:
                    continue
                if prof == f2 and month >= start:
                    share = min(mx, step * (month - start + 1))
                    if lab_hash(self.seed, SALT_ORG, addr, stage) % 100 < share:
                        prof = t2
                stage += 1
            return prof
        return None

    def present_profile(self, addr, month, prof):
        lo, hi = self.profiles[prof]
        if month < lo or month > hi:
            return "absent"
        if self.churn and lab_hash(self.seed, SALT_CHURN, addr, month) % 100 < self.churn:
            return "absent"
        return prof
