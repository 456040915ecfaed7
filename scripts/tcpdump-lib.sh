# tcpdump-lib.sh — starting and stopping a lab capture without losing packets (sourced by lab/testlib.sh and scripts/demo-stages.sh).

# tcpdump_wait_listening ERRFILE: waits up to 5 s for tcpdump's "listening on" line; 1 if it never came.
tcpdump_wait_listening() {
    for _ in $(seq 50); do
        grep -q "listening on" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# tcpdump_stop_settled FILE PID [INTERVAL]: stops tcpdump once FILE stopped growing (it runs with -U, so every
# packet is written at once; on a busy machine it may lag, and packets still queued die with it).
tcpdump_stop_settled() {
    last=-1
    for _ in $(seq 40); do
        size=$(stat -c %s "$1" 2>/dev/null || echo 0)
        [ "$size" = "$last" ] && break
        last=$size
        sleep "${3:-0.3}"
    done
    kill "$2" 2>/dev/null
    wait "$2" 2>/dev/null
}
