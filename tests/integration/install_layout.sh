#!/bin/sh
# install_layout.sh — make install into a scratch DESTDIR lays out bin/share/man; the installed pcap finds its data there (also moved, and with the build tree hidden); man finds every page; make uninstall removes every file.
cd "$(dirname "$0")/../.." || exit 1
repo=$PWD
for tool in make python3 man; do
    command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool not installed"; exit 77; }
done
[ -x build/mpcensus ] || { echo "SKIP: build/mpcensus not built"; exit 77; }
cap="$SHARED/data/pcaps/pymptcpanalyzer/client_2.pcap"
[ -f "$cap" ] || { echo "SKIP: no shared capture $cap"; exit 77; }
tmp=$(mktemp -d /tmp/mpcinstall.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# a make of its own (not a sub-make of `make check`), with the PREFIX the build was made for
unset MAKEFLAGS MFLAGS MAKELEVEL
prefix=$(cat build/prefix 2>/dev/null || echo /usr/local)
dest="$tmp/root"

make -s install DESTDIR="$dest" PREFIX="$prefix" >"$tmp/install.log" 2>&1 || fail "make install: $(tail -5 "$tmp/install.log")"
bin="$dest$prefix/bin/mpcensus"
[ -x "$bin" ] || fail "no executable $bin"
# exactly the expected files: the binary, the data, the lab specs, one page per --man-list line
{
    echo "$prefix/bin/mpcensus"
    for f in data/*.tsv; do echo "$prefix/share/mpcensus/$(basename "$f")"; done
    for f in lab/*.spec; do echo "$prefix/share/mpcensus/lab/$(basename "$f")"; done
    "$bin" --man-list | cut -f1 | sed "s|.*|$prefix/share/man/man1/&.1|"
} | sort >"$tmp/want"
(cd "$dest" && find . -type f | sed 's|^\.||' | sort) >"$tmp/have"
diff "$tmp/want" "$tmp/have" || fail "installed files differ from the expected layout (< expected, > installed)"
cmp -s data/apple-ports.tsv "$dest$prefix/share/mpcensus/apple-ports.tsv" || fail "apple-ports.tsv differs"
echo "ok: make install laid out $(wc -l <"$tmp/have") files under bin/, share/mpcensus/, share/man/man1/"

# man finds the pages where they were put (as MANPATH would), and renders them silently
MANPATH="$dest$prefix/share/man" man -w mpcensus-scan >"$tmp/where" 2>&1 || fail "man -w mpcensus-scan: $(cat "$tmp/where")"
[ "$(cat "$tmp/where")" = "$dest$prefix/share/man/man1/mpcensus-scan.1" ] || fail "man -w: $(cat "$tmp/where")"
for page in "$dest$prefix"/share/man/man1/*.1; do
    MANWIDTH=80 man --warnings=w -l "$page" >/dev/null 2>"$tmp/man.err" || fail "man -l $page"
    [ -s "$tmp/man.err" ] && fail "man -l $page: $(cat "$tmp/man.err")"
done
echo "ok: man -w finds mpcensus-scan(1) under the installed MANPATH; man -l renders all $(ls "$dest$prefix"/share/man/man1 | wc -l) pages"

# apple_ports_source: the file the run used (python reads the JSON)
source_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["apple_ports_source"])' "$1"; }
run_pcap() { # run_pcap BINARY OUT: from /, no override
    (cd / && env -u MPCENSUS_DATA "$1" pcap -q "$cap" >"$2") || fail "$1 pcap failed"
}
run_pcap "$repo/build/mpcensus" "$tmp/build.json"
[ "$(source_of "$tmp/build.json")" = "$repo/data/apple-ports.tsv" ] || fail "build tree run used $(source_of "$tmp/build.json")"
run_pcap "$bin" "$tmp/installed.json"
want="$dest$prefix/share/mpcensus/apple-ports.tsv"
[ "$(source_of "$tmp/installed.json")" = "$want" ] || fail "installed run used '$(source_of "$tmp/installed.json")', not $want"
# apart from that path, the same analysis (Apple names included)
python3 - "$tmp/build.json" "$tmp/installed.json" <<'EOF' || fail "installed and build-tree results differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for d in (a, b):
    d.pop("apple_ports_source")
sys.exit(0 if a == b else 1)
EOF
# the installed tree moved elsewhere still finds its own data
mv "$dest$prefix" "$tmp/moved"
run_pcap "$tmp/moved/bin/mpcensus" "$tmp/moved.json"
[ "$(source_of "$tmp/moved.json")" = "$tmp/moved/share/mpcensus/apple-ports.tsv" ] ||
    fail "moved tree used '$(source_of "$tmp/moved.json")'"
# and with the build tree gone: a private mount namespace hides the checkout under an empty tmpfs
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
    unshare --mount --propagation private sh -c "mount -t tmpfs none '$repo' && [ ! -e '$repo/data' ] &&
        cd / && env -u MPCENSUS_DATA '$tmp/moved/bin/mpcensus' pcap -q '$cap' >'$tmp/hidden.json'" ||
        fail "run with the build tree hidden failed"
    [ "$(source_of "$tmp/hidden.json")" = "$tmp/moved/share/mpcensus/apple-ports.tsv" ] ||
        fail "with the build tree hidden: '$(source_of "$tmp/hidden.json")'"
    echo "ok: with the checkout hidden (tmpfs over $repo), the installed binary reads its own share/mpcensus"
else
    echo "note: not root: the hidden-build-tree run is skipped"
fi
# MPCENSUS_DATA overrides
mkdir "$tmp/override" && head -3 data/apple-ports.tsv >"$tmp/override/apple-ports.tsv"
(cd / && MPCENSUS_DATA="$tmp/override" "$tmp/moved/bin/mpcensus" pcap -q "$cap" >"$tmp/override.json") || fail "override run"
[ "$(source_of "$tmp/override.json")" = "$tmp/override/apple-ports.tsv" ] || fail "MPCENSUS_DATA not used"
# the lab's example specs are found by name
(cd / && env -u MPCENSUS_DATA "$tmp/moved/bin/mpcensus" lab truth demo.spec --month 1 >"$tmp/truth-installed.csv") ||
    fail "installed lab truth demo.spec"
build/mpcensus lab truth lab/demo.spec --month 1 | cmp -s - "$tmp/truth-installed.csv" ||
    fail "lab truth of the installed demo.spec differs from lab/demo.spec's"
mv "$tmp/moved" "$dest$prefix"
echo "ok: the installed pcap finds share/mpcensus/apple-ports.tsv (in place, moved, build tree hidden); MPCENSUS_DATA overrides; lab truth finds the installed demo.spec by name"

make -s uninstall DESTDIR="$dest" PREFIX="$prefix" >"$tmp/uninstall.log" 2>&1 || fail "make uninstall: $(tail -5 "$tmp/uninstall.log")"
left=$(cd "$dest" && find . -type f)
[ -z "$left" ] || fail "make uninstall left: $left"
[ -d "$dest$prefix/share/mpcensus" ] && fail "share/mpcensus left"
echo "ok: make uninstall removed every installed file"
