#!/bin/sh
# demo.sh — the main job on the lab: scan a mixed lab population, time lab web servers over MPTCP and TCP, analyse lab traffic, decode real captures.
# Every packet stays inside network namespaces this script (or its parts) creates.
set -u
cd "$(dirname "$0")/.."
MPCENSUS="${MPCENSUS:-$PWD/build/mpcensus}"
export MPCENSUS
. scripts/shared-dir.sh
status=0

section() { printf '\n==== %s ====\n' "$1"; }

if [ -x scripts/demo-scan.sh ]; then
    section "scan: MP_CAPABLE v0/v1 scan of the lab population vs. the lab's ground truth"
    ./scripts/demo-scan.sh || status=1
fi
if [ -x scripts/demo-trace.sh ]; then
    section "trace: the scan's mptcp and mirrored candidates traced hop by hop vs. the lab's ground truth"
    ./scripts/demo-trace.sh || status=1
fi
if [ -x scripts/demo-http.sh ]; then
    section "http: HTTP(S) timing over MPTCP and TCP of lab web servers, per trace class"
    ./scripts/demo-http.sh || status=1
fi
if [ -x scripts/demo-pcap.sh ]; then
    section "pcap: passive MPTCP share of lab traffic (kernel MPTCPv1 with extra subflows + TCP)"
    ./scripts/demo-pcap.sh || status=1
fi
section "decode: MPTCP options in the shared real-world captures"
for f in "$SHARED"/data/pcaps/*/*.pcap; do
    [ -e "$f" ] || continue
    printf '%s: ' "${f#"$SHARED"/data/pcaps/}"
    "$MPCENSUS" decode "$f" 2>&1 >/dev/null | tail -1
done
exit $status
