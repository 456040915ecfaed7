#!/bin/sh
# demo-tools.sh — a tour of the tools one by one on the small labs (scan, trace, http, pcap vs truth; decode of the real captures); `make demo` runs the longitudinal study instead (scripts/demo.sh).
# Every packet stays inside network namespaces this script (or its parts) creates.
set -u
cd "$(dirname "$0")/.."
MPCENSUS="${MPCENSUS:-$PWD/build/mpcensus}"
export MPCENSUS
. scripts/shared-dir.sh
status=0

section() { printf '\n==== %s ====\n' "$1"; }
# part NAME TITLE: scripts/demo-NAME.sh under its heading; a failing part fails the tour, the others still run
part() {
    section "$2"
    ./scripts/demo-"$1".sh || status=1
}

part scan "scan: MP_CAPABLE v0/v1 scan of the lab population vs. the lab's ground truth"
part trace "trace: the scan's mptcp and mirrored candidates traced hop by hop vs. the lab's ground truth"
part http "http: HTTP(S) timing over MPTCP and TCP of lab web servers, per trace class"
part pcap "pcap: passive MPTCP share of lab traffic (kernel MPTCPv1 with extra subflows + TCP)"
section "decode: MPTCP options in the shared real-world captures"
for f in "$SHARED"/data/pcaps/*/*.pcap; do
    [ -e "$f" ] || continue
    printf '%s: ' "${f#"$SHARED"/data/pcaps/}"
    "$MPCENSUS" decode "$f" 2>&1 >/dev/null | tail -1
done
exit $status
