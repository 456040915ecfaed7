# testlib.sh — shared helpers of tests/integration/lab_*.sh: lab up/down with traps, vantage captures, leftover checks.
# Sourced, not run. Needs: $MPCENSUS (set by tests/run.sh), root, ip netns, tcpdump, tshark.

MPCENSUS="${MPCENSUS:-$(cd "$(dirname "$0")/../.." && pwd)/build/san/mpcensus}"
. "$(cd "$(dirname "$0")/../.." && pwd)/scripts/tcpdump-lib.sh"
LAB_NAME="mpct$$$(basename "$0" .sh | tr -cd 'a-z' | cut -c1-6)"
LAB_TMP=$(mktemp -d /tmp/labtest.XXXXXX)

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for tool in ip tcpdump tshark iptables ethtool python3; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done
[ -x "$MPCENSUS" ] || skip "no binary $MPCENSUS (make test-build)"

lab_cleanup() {
    [ -n "${CAPTURE_PID:-}" ] && kill "$CAPTURE_PID" 2>/dev/null
    "$MPCENSUS" lab down --name "$LAB_NAME" >/dev/null 2>&1
    rm -rf "$LAB_TMP"
}
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

# lab_up SPECFILE [ARGS...]: brings the lab up and loads its state variables.
lab_up() {
    "$MPCENSUS" lab up "$@" --name "$LAB_NAME" >"$LAB_TMP/state.env" 2>"$LAB_TMP/up.err" ||
        fail "lab up: $(cat "$LAB_TMP/up.err")"
    . "$LAB_TMP/state.env"
}

# lab_down_and_check: tears the lab down and asserts nothing of it is left.
# lab_up_spec SPEC: sets $SPEC and brings the lab up, or skips the test if the spec is missing.
lab_up_spec() {
    SPEC=$1
    [ -f "$SPEC" ] || skip "no $SPEC"
    lab_up "$SPEC"
}

lab_down_and_check() {
    pids="$PIDS"
    # the daemon's stderr (ASan/UBSan reports of the emulators land there)
    log="/run/mpcensus/lab-$LAB_NAME.log"
    if [ -s "$log" ]; then
        cat "$log"
        grep -qE "AddressSanitizer|LeakSanitizer|runtime error" "$log" && fail "sanitizer report from the lab daemon"
    fi
    "$MPCENSUS" lab down --name "$LAB_NAME" || fail "lab down failed"
    # exactly this lab's namespaces (NAME-TOKEN): a lab named NAME-x is another lab
    left=$(ip netns list | awk '{print $1}' | grep -E "^$LAB_NAME-[A-Za-z0-9_]+\$" || true)
    [ -z "$left" ] || fail "namespaces left: $left"
    ip -o link show | grep -qE "$LAB_NAME(-[A-Za-z0-9_]+)?[@: ]" && fail "veth left in the root namespace"
    for p in $pids; do
        # a zombie waiting for its (re)parent to reap it is dead already
        state=$(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null)
        [ -z "$state" ] || [ "$state" = Z ] || fail "daemon $p still alive (state $state)"
    done
    ls /run/mpcensus/lab-"$LAB_NAME".* >/dev/null 2>&1 && fail "state files left"
    "$MPCENSUS" lab down --name "$LAB_NAME" || fail "second lab down is not idempotent"
    ok "lab down left no namespace, veth, process or state file"
}

# capture_start [NS [IF]]: tcpdump (immediate mode) in a namespace, default the vantage.
capture_start() {
    ns="${1:-$VANTAGE_NS}"; ifc="${2:-$VANTAGE_IF}"
    CAPTURE_FILE="$LAB_TMP/cap-$ns.pcap"
    ip netns exec "$ns" tcpdump -Z root --immediate-mode -B 16384 -U -n -i "$ifc" -w "$CAPTURE_FILE" 2>"$LAB_TMP/tcpdump.err" &
    CAPTURE_PID=$!
    tcpdump_wait_listening "$LAB_TMP/tcpdump.err" || fail "tcpdump did not start: $(cat "$LAB_TMP/tcpdump.err")"
}

capture_stop() {
    sleep "${1:-0.5}"
    tcpdump_stop_settled "$CAPTURE_FILE" "$CAPTURE_PID" 0.3
    CAPTURE_PID=
}

# probe ARGS...: lab probe from the vantage.
probe() {
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" lab probe "$@" >>"$LAB_TMP/probes.log" || fail "lab probe $*"
}

# first_of PROFILE FAMILY(4|6): first population address of that profile (month 0).
first_of() {
    "$MPCENSUS" lab truth "$SPEC" --with-profile --month "${MONTH:-0}" |
        awk -F, -v p="$1" -v f="$2" 'NR > 1 && $5 == p && ((f == 6) == ($1 ~ /:/)) { print $1; exit }'
}

# tshark_fields PCAP FILTER FIELDS...: one line per packet, fields separated by '|'.
tshark_fields() {
    pcap="$1"; filter="$2"; shift 2
    args=""
    for f in "$@"; do args="$args -e $f"; done
    # shellcheck disable=SC2086
    tshark -r "$pcap" -Y "$filter" -T fields -E separator='|' -E occurrence=a -E aggregator=, $args 2>/dev/null
}
