#!/bin/sh
# reliability_write_errors.sh — write errors are never ignored (issue 15, defect 4): a full disk or a closed stdout makes pcap, decode, scan and lab truth say which file failed and why, and exit non-zero.
set -u
cd "$(dirname "$0")/../.." || exit 1
[ -x "$MPCENSUS" ] || { echo "SKIP: MPCENSUS ($MPCENSUS) not built"; exit 77; }
[ -w /dev/full ] || { echo "SKIP: no /dev/full"; exit 77; }
cap="$SHARED/data/pcaps/pymptcpanalyzer/iperf-mptcp-0-0.pcap"
[ -f "$cap" ] || { echo "SKIP: no shared captures"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect_fail WHAT FILE_NAMED REASON -- COMMAND...: exit 1, and stderr names the file and the reason.
expect_fail() {
    what=$1 file=$2 reason=$3
    shift 4
    "$@" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 1 ]; then
        echo "FAIL: $what: exit $rc, want 1"; sed 's/^/    /' "$tmp/err"; fails=$((fails + 1))
    elif ! grep -F "$file" "$tmp/err" | grep -qF "$reason"; then
        echo "FAIL: $what: no '$file: $reason' in:"; sed 's/^/    /' "$tmp/err"; fails=$((fails + 1))
    else
        echo "ok:   $what: $(grep -F "$file" "$tmp/err" | head -1)"
    fi
}

full="No space left on device"
closed="Bad file descriptor"
expect_fail "pcap > /dev/full" "standard output" "$full" -- sh -c '"$0" pcap -q "$1" >/dev/full' "$MPCENSUS" "$cap"
expect_fail "pcap, stdout closed" "standard output" "$closed" -- sh -c '"$0" pcap -q "$1" >&-' "$MPCENSUS" "$cap"
expect_fail "pcap -o /dev/full" "/dev/full" "$full" -- "$MPCENSUS" pcap -q -o /dev/full "$cap"
expect_fail "pcap --flows /dev/full" "/dev/full" "$full" -- sh -c '"$0" pcap -q --flows /dev/full "$1" >/dev/null' "$MPCENSUS" "$cap"
expect_fail "pcap --connections /dev/full" "/dev/full" "$full" -- \
    sh -c '"$0" pcap -q --connections /dev/full "$1" >/dev/null' "$MPCENSUS" "$cap"
# with stdout closed, no other output may take its place (the CSV stays a CSV)
sh -c '"$0" pcap -q --flows "$1" "$2" >&-' "$MPCENSUS" "$tmp/flows.csv" "$cap" 2>/dev/null
head -1 "$tmp/flows.csv" | grep -q '^trace,flow_id,' || {
    echo "FAIL: with stdout closed the flows CSV holds: $(head -c 80 "$tmp/flows.csv")"; fails=$((fails + 1)); }
expect_fail "decode > /dev/full" "standard output" "$full" -- sh -c '"$0" decode --json "$1" >/dev/full' "$MPCENSUS" "$cap"
expect_fail "decode, stdout closed" "standard output" "$closed" -- sh -c '"$0" decode "$1" >&-' "$MPCENSUS" "$cap"
expect_fail "scan --dryrun -o /dev/full" "/dev/full" "$full" -- \
    "$MPCENSUS" scan --dryrun -q -b /dev/null -o /dev/full 198.18.0.0/16
expect_fail "scan --dryrun -O json > /dev/full" "standard output" "$full" -- \
    sh -c '"$0" scan --dryrun -q -O json -b /dev/null 198.18.0.0/24 >/dev/full' "$MPCENSUS"
expect_fail "lab truth -o /dev/full" "/dev/full" "$full" -- "$MPCENSUS" lab truth lab/demo.spec -o /dev/full

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }

# A real scan in a lab: the records cannot be written, so the scan stops and fails.
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1; then
    echo "all write-error checks passed (no root: lab scan not run)"
    exit 0
fi
. lab/testlib.sh
cat >"$LAB_TMP/small.spec" <<'EOF'
# 64 kernel MPTCPv1 hosts behind one router
seed 15
routers 1
ports 80
prefix 198.18.0.0/26
profile kv1 1 80=kernel-v1
EOF
lab_up_spec "$LAB_TMP/small.spec"
ip netns exec "$VANTAGE_NS" ping -c 1 -W 2 "$GATEWAY_V4" >/dev/null 2>&1
# shellcheck disable=SC2086
ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -i "$VANTAGE_IF" -S "$VANTAGE_V4" -G "$GATEWAY_MAC" -b "$BLOCKLIST" \
    -p 80 -r 1000 -c 1 -q -o /dev/full $PREFIXES_V4 2>"$LAB_TMP/scan.err"
rc=$?
cat "$LAB_TMP/scan.err"
[ $rc = 1 ] || fail "lab scan -o /dev/full: exit $rc, want 1"
grep -F "/dev/full" "$LAB_TMP/scan.err" | grep -qF "$full" || fail "lab scan -o /dev/full: the error does not name the file"
ok "lab scan -o /dev/full fails and says why"
lab_down_and_check
echo "all write-error checks passed"
