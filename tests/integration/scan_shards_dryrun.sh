#!/bin/sh
# scan_shards_dryrun.sh — --dryrun probes: shards of one seed are disjoint and cover every target (checked against Python's ipaddress enumeration), and tshark decodes the printed frames as the SYNs we mean.
set -u
cd "$(dirname "$0")/../.." || exit 1
MPCENSUS="${MPCENSUS:-build/san/mpcensus}"
T=$(mktemp -d /tmp/scanshard.XXXXXX)
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }

TARGETS="198.18.0.0/23 198.18.7.5 2001:db8:2::/121"
# the independent oracle: every (address, port) of the CIDRs
python3 - $TARGETS >"$T/expected" <<'PY' || fail "oracle"
import ipaddress, sys
for net in sys.argv[1:]:
    for a in ipaddress.ip_network(net, strict=False):
        for p in (80, 443, 8443):
            print("%s,%d" % (a, p))
PY
sort -o "$T/expected" "$T/expected"
n_expected=$(wc -l <"$T/expected")

# shellcheck disable=SC2086
"$MPCENSUS" scan --dryrun -q -b /dev/null -p 80,443,8443 --seed 77 -o "$T/all.csv" $TARGETS || fail "unsharded dryrun"
tail -n +2 "$T/all.csv" | cut -d, -f1,2 | sort >"$T/all"
cmp -s "$T/all" "$T/expected" || fail "unsharded dryrun does not probe exactly the targets"

for shards in 3 5; do
    : >"$T/union"
    for s in $(seq 0 $((shards - 1))); do
        # shellcheck disable=SC2086
        "$MPCENSUS" scan --dryrun -q -b /dev/null -p 80,443,8443 --seed 77 --shards $shards --shard $s -T 2 \
            -o "$T/s$s.csv" $TARGETS || fail "shard $s/$shards"
        tail -n +2 "$T/s$s.csv" | cut -d, -f1,2 >>"$T/union"
        [ "$(tail -n +2 "$T/s$s.csv" | wc -l)" -gt 0 ] || fail "shard $s of $shards is empty"
    done
    sort "$T/union" >"$T/union.sorted"
    dups=$(uniq -d "$T/union.sorted" | wc -l)
    [ "$dups" = 0 ] || fail "$dups targets in more than one of $shards shards"
    cmp -s "$T/union.sorted" "$T/expected" || fail "the $shards shards do not cover exactly the targets"
    echo "ok: $shards shards x 2 threads: disjoint, union = $n_expected targets"
done
# another seed gives another order over the same set
# shellcheck disable=SC2086
"$MPCENSUS" scan --dryrun -q -b /dev/null -p 80,443,8443 --seed 78 -o "$T/seed78.csv" $TARGETS || fail "seed 78"
cmp -s "$T/seed78.csv" "$T/all.csv" && fail "seeds 77 and 78 gave the same order"
[ "$(tail -n +2 "$T/seed78.csv" | cut -d, -f1,2 | sort | cmp - "$T/expected" && echo same)" = same ] || fail "seed 78 set differs"

# -n caps the targets; --key per-target gives each target its own v0 key (a keyed hash of it)
# shellcheck disable=SC2086
"$MPCENSUS" scan --dryrun -q -b /dev/null -p 80,443,8443 --seed 77 -n 100 --key per-target -o "$T/n100.csv" $TARGETS ||
    fail "-n 100"
[ "$(tail -n +2 "$T/n100.csv" | wc -l)" = 100 ] || fail "-n 100 probed $(tail -n +2 "$T/n100.csv" | wc -l) targets"
keys=$(tail -n +2 "$T/n100.csv" | cut -d, -f6 | cut -c9- | sort -u | wc -l)
[ "$keys" = 100 ] || fail "--key per-target: $keys distinct keys for 100 targets"
tail -n +2 "$T/n100.csv" | cut -d, -f6 | grep -qv '^1e0c0081' && fail "per-target key option header wrong"
echo "ok: -n 100 probes 100 targets, each with its own v0 key"

# sharding without a seed is refused
"$MPCENSUS" scan --dryrun -q --shards 2 --shard 0 198.18.0.0/30 -b /dev/null >/dev/null 2>"$T/err" && fail "--shards without --seed accepted"
grep -q "seed" "$T/err" || fail "no reason given for refusing --shards without --seed"

# the frames: tshark decodes the dry-run hex as TCP SYNs with the MP_CAPABLE we asked for
if command -v tshark >/dev/null && command -v text2pcap >/dev/null; then
    for v in 0 1; do
        "$MPCENSUS" scan --dryrun -q -b /dev/null -p 443 --mptcp-version $v -S 198.18.9.9,2001:db8::9 \
            -o "$T/f$v.csv" 198.18.3.0/30 2001:db8:3::/126 || fail "dryrun v$v"
        tail -n +2 "$T/f$v.csv" | awk -F, '{ printf "000000"; for (i = 1; i <= length($7); i += 2) printf " %s", substr($7, i, 2); printf "\n" }' \
            >"$T/f$v.hex"
        text2pcap -q "$T/f$v.hex" "$T/f$v.pcap" 2>/dev/null || fail "text2pcap"
        tshark -r "$T/f$v.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -T fields -E separator='|' \
            -e ip.dst -e ipv6.dst -e tcp.dstport -e tcp.flags.str -e tcp.options.mptcp.version -e tcp.options.mptcp.sendkey \
            -e tcp.checksum.status -e tcp.option_kind >"$T/f$v.txt" 2>/dev/null
        [ "$(wc -l <"$T/f$v.txt")" = 8 ] || fail "tshark decoded $(wc -l <"$T/f$v.txt") of 8 frames"
        # each frame: a SYN to 443, MP_CAPABLE of version v, checksum good (tshark status 1 = good)
        awk -F'|' -v v=$v '$3 != 443 || $4 !~ /S/ || $5 != v || $7 != 1 { bad++ } END { exit bad ? 1 : 0 }' "$T/f$v.txt" ||
            { cat "$T/f$v.txt"; fail "v$v frames not as expected"; }
        if [ $v = 0 ]; then
            # tshark prints the key in decimal: 0x0c0c0c0c0c0c0c0c = 868082074056920076
            awk -F'|' '$6 != "868082074056920076" { bad++ } END { exit bad ? 1 : 0 }' "$T/f0.txt" ||
                { cat "$T/f0.txt"; fail "v0 key is not the default"; }
        fi
        # Linux client option order: MSS(2) SACK_PERM(4) TS(8) NOP WS(3) MPTCP(30)
        head -1 "$T/f$v.txt" | cut -d'|' -f8 | grep -q '^2,4,8,1,3,30' || fail "option order $(head -1 "$T/f$v.txt")"
    done
    echo "ok: tshark decodes the dry-run frames as SYNs with MP_CAPABLE v0 (default key) and v1, valid checksums"
fi
echo "ok: shards and dry run"
