#!/bin/sh
# lab_teardown.sh — `lab down` removes its own lab only (not labs named NAME-…); a signal to `lab up` at any moment leaves nothing behind; endless spec inputs are refused at 1 MiB.
# Oracles: ip netns list, /proc (processes tagged through their environment), /run/mpcensus, the kernel's peak RSS.
. "$(dirname "$0")/../../lab/testlib.sh"
DEMO="$(dirname "$0")/../../lab/demo.spec"
TAG="mpctag$$"

# procs_tagged TAG: pids whose environment carries MPC_TEST_TAG=TAG (lab up and what it forked)
procs_tagged() {
    for e in /proc/[0-9]*/environ; do
        { tr '\0' '\n' <"$e"; } 2>/dev/null | grep -qx "MPC_TEST_TAG=$1" && { p=${e#/proc/}; echo "${p%/environ}"; }
    done
}
# nothing_left NAME TAG WHAT: no namespace, state file or process of that lab
nothing_left() {
    left=$(ip netns list | awk '{print $1}' | grep "^$1-" | tr '\n' ' ')
    [ -z "$left" ] || fail "$3: namespaces left: $left"
    ls /run/mpcensus/lab-"$1".* >/dev/null 2>&1 && fail "$3: state files left: $(ls /run/mpcensus/lab-"$1".*)"
    procs=$(procs_tagged "$2" | tr '\n' ' ')
    for p in $procs; do
        st=$(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null)
        [ -z "$st" ] || [ "$st" = Z ] || fail "$3: process $p ($(cat /proc/$p/comm 2>/dev/null)) left"
    done
    return 0
}

# 1. down --name X leaves a lab named X-y alone
SMALL="$LAB_TMP/small.spec"
printf 'seed 3\nrouters 1\nprefix 198.18.200.0/29\nprofile kv1 1 80=kernel-v1\nprofile v0 1 80=v0\n' >"$SMALL"
OTHER="$LAB_NAME-x"
trap '"$MPCENSUS" lab down --name "$OTHER" >/dev/null 2>&1; lab_cleanup' EXIT
MPC_TEST_TAG="$TAG-x" "$MPCENSUS" lab up "$SMALL" --name "$OTHER" >"$LAB_TMP/other.env" 2>"$LAB_TMP/err" || fail "lab up $OTHER: $(cat "$LAB_TMP/err")"
lab_up "$SMALL"
other_ns=$(ip netns list | awk '{print $1}' | grep -c "^$OTHER-")
other_daemon=$(. "$LAB_TMP/other.env"; echo "$PIDS")
lab_down_and_check
[ "$(ip netns list | awk '{print $1}' | grep -c "^$OTHER-")" = "$other_ns" ] || fail "lab down --name $LAB_NAME removed namespaces of lab $OTHER"
[ -f "/run/mpcensus/lab-$OTHER.env" ] || fail "lab down --name $LAB_NAME removed the state of lab $OTHER"
kill -0 "$other_daemon" 2>/dev/null || fail "lab down --name $LAB_NAME killed the daemon of lab $OTHER"
ip netns exec "$OTHER-v" true || fail "lab $OTHER damaged"
"$MPCENSUS" lab down --name "$OTHER" || fail "lab down $OTHER"
nothing_left "$OTHER" "$TAG-x" "lab down $OTHER"
ok "lab down --name $LAB_NAME left lab $OTHER ($other_ns namespaces, daemon $other_daemon) untouched"

# 2. SIGTERM / SIGINT to lab up at any moment: lab up removes what it built before exiting
interrupted=0
for sig in TERM INT; do
    for delay in 0.01 0.05 0.1 0.2 0.35 0.6; do
        MPC_TEST_TAG="$TAG-$sig$delay" "$MPCENSUS" lab up "$DEMO" --name "$LAB_NAME" >/dev/null 2>"$LAB_TMP/up.err" &
        up=$!
        sleep "$delay"
        kill -s "$sig" $up 2>/dev/null
        i=0
        while kill -0 $up 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
        kill -0 $up 2>/dev/null && fail "lab up did not exit 30 s after SIG$sig"
        wait $up
        rc=$?
        if [ $rc -eq 0 ]; then
            # finished before the signal: a complete lab, removed by down
            "$MPCENSUS" lab down --name "$LAB_NAME" || fail "lab down after a complete lab up"
        else
            interrupted=$((interrupted + 1))
        fi
        nothing_left "$LAB_NAME" "$TAG-$sig$delay" "SIG$sig after ${delay}s (lab up exit $rc: $(tail -1 "$LAB_TMP/up.err"))"
    done
done
[ $interrupted -ge 6 ] || fail "only $interrupted of 12 signals hit a lab up in progress: the check is vacuous"
ok "SIGTERM/SIGINT to lab up at 10 ms..0.6 s ($interrupted interrupted mid-build): no namespace, process, log or state left"

# 3. a spec that never ends: refused at 1 MiB, in bounded memory, nothing built
mkfifo "$LAB_TMP/endless"
( yes '# an endless comment' >"$LAB_TMP/endless" ) 2>/dev/null &
writer=$!
# the writer blocks in open() until a reader comes: never leave it behind, even when a check fails
trap 'kill $writer 2>/dev/null; "$MPCENSUS" lab down --name "$OTHER" >/dev/null 2>&1; lab_cleanup' EXIT
for spec in /dev/urandom "$LAB_TMP/endless"; do
    /usr/bin/time -f "%M" -o "$LAB_TMP/rss" timeout 30 "$MPCENSUS" lab truth "$spec" >/dev/null 2>"$LAB_TMP/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "larger than 1048576 bytes" "$LAB_TMP/err" ||
        fail "lab truth $spec: exit $rc (124 = still reading after 30 s): $(head -c 300 "$LAB_TMP/err")"
    rss=$(tail -1 "$LAB_TMP/rss")
    [ "$rss" -lt 262144 ] || fail "lab truth $spec peaked at $rss KB"
    ok "lab truth $spec: refused at 1 MiB ($(cat "$LAB_TMP/err")), peak $rss KB"
done
kill $writer 2>/dev/null
if "$MPCENSUS" lab up /dev/urandom --name "$LAB_NAME" >/dev/null 2>"$LAB_TMP/err"; then fail "lab up /dev/urandom succeeded"; fi
grep -q "larger than 1048576 bytes" "$LAB_TMP/err" || fail "lab up /dev/urandom: $(head -c 300 "$LAB_TMP/err")"
nothing_left "$LAB_NAME" none "lab up /dev/urandom"
ok "lab up /dev/urandom refused, nothing built"
