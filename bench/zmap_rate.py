#!/usr/bin/env python3
# zmap_rate.py — zmap's send rate from its own log: its metadata has whole-second times, so time it from the
# log (-v 5, millisecond stamps), "send thread started" to "senders finished"; packets = targets sent x probes.
# usage: zmap_rate.py ERRFILE METADATA.json   (prints packets/s, 0 when the log has no such lines)
import datetime
import json
import re
import sys

start = end = None
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"\w+ +\d+ (\d+:\d+:\d+\.\d+)", line)
    if not m:
        continue
    t = datetime.datetime.strptime(m.group(1), "%H:%M:%S.%f")
    if "send thread started" in line and start is None:
        start = t
    if "senders finished" in line:
        end = t
meta = json.load(open(sys.argv[2]))
packets = meta["total_sent"] * meta.get("packet_streams", 1)
print("%.0f" % (packets / (end - start).total_seconds()) if start and end and end > start else 0)
