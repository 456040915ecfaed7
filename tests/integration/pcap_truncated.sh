#!/bin/sh
# pcap_truncated.sh — a capture cut short (head -c) reports the truncation and the counts up to the cut, as tshark reads them.
# Also: bad magic is a clear error with an (empty) summary; gzip/zstd/xz input, whole and cut short.
set -u
MPCENSUS="${MPCENSUS:-build/san/mpcensus}"
SHARED="${SHARED:-../shared}"
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null || { echo "tshark not installed"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

check_cut() { # file fraction-percent
    src=$1 pct=$2
    size=$(wc -c <"$src")
    cut=$((size * pct / 100 + 7)) # +7: most likely inside a record
    name=$(basename "$src")
    head -c $cut "$src" >"$tmp/$name"
    "$MPCENSUS" pcap -q -m 1 -o "$tmp/out.json" --connections "$tmp/conns.csv" "$tmp/$name"
    rc=$?
    [ $rc -eq 1 ] || { echo "FAIL $name@$pct%: exit $rc, want 1 (input error)"; fail=1; return; }
    tshark -r "$tmp/$name" -T fields -e tcp.stream -e mptcp.stream -e tcp.options.mptcp.version 2>/dev/null >"$tmp/ts.tsv"
    frames=$(tshark -r "$tmp/$name" -T fields -e frame.number 2>/dev/null | grep -c .)
    tserr=$(tshark -r "$tmp/$name" -T fields -e frame.number 2>&1 >/dev/null | grep -ci "cut short\|truncat")
    python3 "$here/pcap_groups.py" tshark "$tmp/ts.tsv" >"$tmp/expected"
    echo "packets $frames" >>"$tmp/expected"
    python3 "$here/pcap_groups.py" ours "$tmp/out.json" "$tmp/conns.csv" >"$tmp/got"
    python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["traces"][0]; print("packets", t["packets"])' "$tmp/out.json" >>"$tmp/got"
    report=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["traces"][0]; print(t["skipped"]["file-truncated"], t["error"])' "$tmp/out.json")
    case "$report" in
        1\ *) ;;
        *) echo "FAIL $name@$pct%: truncation not reported: $report"; fail=1; return ;;
    esac
    if cmp -s "$tmp/expected" "$tmp/got"; then
        echo "ok   $name cut at $cut of $size bytes (tshark saw the cut: $tserr): $(tr '\n' ' ' <"$tmp/got")"
    else
        echo "FAIL $name@$pct%"; diff "$tmp/expected" "$tmp/got" | sed 's/^/     /'; fail=1
    fi
}

p="$SHARED/data/pcaps"
[ -d "$p" ] || { echo "no $p"; exit 77; }
check_cut "$p/tcpdump/mptcp-v0.pcap" 50          # pcap, v0 with a join
check_cut "$p/pymptcpanalyzer/client_2.pcap" 60  # pcapng
check_cut "$p/pymptcpanalyzer/client_2.pcap" 30
check_cut "$p/tcpdump/mptcp-v1.pcap" 70          # SLL, v1

# bad magic: clear message, exit 1, summary with the error
head -c 4096 /dev/urandom >"$tmp/garbage.pcap"
printf 'not a capture at all\n' >"$tmp/text.pcap"
for g in "$tmp/garbage.pcap" "$tmp/text.pcap"; do
    "$MPCENSUS" pcap -m 1 -o "$tmp/out.json" "$g" 2>"$tmp/err"
    rc=$?
    if [ $rc -eq 1 ] && [ -s "$tmp/err" ] && python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["traces"][0]; assert t["error"] and t["packets"]==0 and t["skipped"]["read-error"]==1' "$tmp/out.json"; then
        echo "ok   bad magic $(basename "$g"): $(head -1 "$tmp/err")"
    else
        echo "FAIL bad magic $(basename "$g"): exit $rc"; fail=1
    fi
done

# compressed input (gzip, zstd, xz): whole files count like the plain file;
# a stream cut short is reported and the packets before the cut are kept
# (oracle: tshark reading what the command-line decompressor gets out of it)
src="$p/pymptcpanalyzer/client_2.pcap"
"$MPCENSUS" pcap -q -m 1 -o "$tmp/plain.json" "$src" || { echo "FAIL plain run"; fail=1; }
for z in "gzip gz" "zstd zst" "xz xz"; do
    set -- $z
    tool=$1 ext=$2
    command -v "$tool" >/dev/null || { echo "skip $tool: not installed"; continue; }
    "$tool" -c "$src" >"$tmp/c2.pcap.$ext"
    "$MPCENSUS" pcap -q -m 1 -o "$tmp/whole.json" "$tmp/c2.pcap.$ext"
    rc=$?
    same=$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["traces"][0]; b=json.load(open(sys.argv[2]))["traces"][0]; print(all(a[k]==b[k] for k in ("packets","tcp_flows","tcp_bytes","mptcp_connections","mptcp_subflows","mptcp_bytes","skipped")))' "$tmp/plain.json" "$tmp/whole.json")
    if [ $rc -eq 0 ] && [ "$same" = True ]; then echo "ok   whole .$ext equals the plain file"
    else echo "FAIL whole .$ext: exit $rc, same=$same"; fail=1; fi
    if [ "$ext" = gz ]; then # several gzip members (cat a.gz b.gz, pigz) are one stream
        half=$(( $(wc -c <"$src") / 2 ))
        { head -c $half "$src" | gzip -c; tail -c +$((half + 1)) "$src" | gzip -c; } >"$tmp/multi.pcap.gz"
        "$MPCENSUS" pcap -q -m 1 -o "$tmp/multi.json" "$tmp/multi.pcap.gz" &&
            python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["traces"][0]; b=json.load(open(sys.argv[2]))["traces"][0]; sys.exit(0 if all(a[k]==b[k] for k in ("packets","tcp_bytes","mptcp_connections")) else 1)' "$tmp/plain.json" "$tmp/multi.json" &&
            echo "ok   two gzip members equal the plain file" || { echo "FAIL multi-member gzip"; fail=1; }
    fi
    size=$(wc -c <"$tmp/c2.pcap.$ext")
    head -c $((size / 2)) "$tmp/c2.pcap.$ext" >"$tmp/cut.pcap.$ext"
    "$MPCENSUS" pcap -q -m 1 -o "$tmp/out.json" "$tmp/cut.pcap.$ext"
    rc=$?
    frames=$("$tool" -dc "$tmp/cut.pcap.$ext" 2>/dev/null | tshark -r - -T fields -e frame.number 2>/dev/null | grep -c .)
    got=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["traces"][0]; print(t["packets"], 1 if t["error"] and "truncated" in t["error"] else 0, t["skipped"]["file-truncated"])' "$tmp/out.json")
    if [ $rc -eq 1 ] && [ "$got" = "$frames 1 1" ]; then
        echo "ok   cut .$ext: $frames packets, truncation reported"
    else
        echo "FAIL cut .$ext: exit $rc, got '$got', tshark via $tool -dc: $frames packets"; fail=1
    fi
done
exit $fail
