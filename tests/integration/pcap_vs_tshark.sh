#!/bin/sh
# pcap_vs_tshark.sh — `mpcensus pcap` finds the same MPTCP connections, versions and subflow counts as tshark on every shared capture.
# Oracle: tshark's mptcp.stream (groups tcp.streams into MPTCP connections,
# MP_JOINs linked by token) and tcp.options.mptcp.version (MP_CAPABLE).
# A group with a version is an MP_CAPABLE connection; a group without one is
# a mid-stream flow or joins with an unknown token. Run with --min-packets 1
# so every flow counts, as in tshark.
set -u
MPCENSUS="${MPCENSUS:-build/san/mpcensus}"
SHARED="${SHARED:-../shared}"
command -v tshark >/dev/null || { echo "tshark not installed"; exit 77; }
[ -d "$SHARED/data/pcaps" ] || { echo "no $SHARED/data/pcaps"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT INT TERM

here=$(cd "$(dirname "$0")" && pwd)

fail=0 n=0
for f in $(find "$SHARED/data/pcaps" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort); do
    n=$((n + 1))
    tshark -r "$f" -T fields -e tcp.stream -e mptcp.stream -e tcp.options.mptcp.version 2>/dev/null >"$tmp/ts.tsv"
    python3 "$here/pcap_groups.py" tshark "$tmp/ts.tsv" >"$tmp/expected" || { echo "FAIL $f: tshark parse"; fail=1; continue; }
    if ! "$MPCENSUS" pcap -q -m 1 -o "$tmp/out.json" --connections "$tmp/conns.csv" "$f"; then
        echo "FAIL $f: mpcensus exited $?"; fail=1; continue
    fi
    python3 "$here/pcap_groups.py" ours "$tmp/out.json" "$tmp/conns.csv" >"$tmp/got" || { echo "FAIL $f: output parse"; fail=1; continue; }
    if cmp -s "$tmp/expected" "$tmp/got"; then
        echo "ok   $f: $(head -1 "$tmp/got")"
    else
        echo "FAIL $f"; diff "$tmp/expected" "$tmp/got" | sed 's/^/     /'; fail=1
    fi
done
[ "$n" -gt 0 ] || { echo "no captures found"; exit 77; }
exit $fail
