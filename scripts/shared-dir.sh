# shared-dir.sh — sourced: sets SHARED to the shared data folder (../shared beside the checkout).
# A clone made elsewhere (git clone /work/main /tmp/x) finds it beside its origin checkout.
if [ -z "${SHARED:-}" ]; then
    SHARED="$(cd .. && pwd)/shared"
    if [ ! -d "$SHARED/data" ]; then
        origin=$(git config --get remote.origin.url 2>/dev/null || true)
        if [ -n "$origin" ] && [ -d "$origin/../shared/data" ]; then
            SHARED=$(cd "$origin/../shared" && pwd)
        fi
    fi
fi
export SHARED
