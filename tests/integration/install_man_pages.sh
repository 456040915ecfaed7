#!/bin/sh
# install_man_pages.sh — one man page per command and subcommand: every command --help names has one, every option and section --help lists is in it, groff -ww and man -l render each without a warning.
[ -x "$MPCENSUS" ] || { echo "SKIP: MPCENSUS ($MPCENSUS) not built"; exit 77; }
for tool in groff man python3; do
    command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool not installed"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$(dirname "$0")/../.." || exit 1

"$MPCENSUS" --man-list >"$tmp/pages.txt" || { echo "FAIL: --man-list exit $?"; exit 1; }
echo "pages: $(cut -f1 "$tmp/pages.txt" | tr '\n' ' ')"
mkdir "$tmp/man"
while IFS='	' read -r page words; do
    # shellcheck disable=SC2086
    "$MPCENSUS" --man --date 2026-01-01 $words >"$tmp/man/$page.1" || { echo "FAIL: --man $words"; exit 1; }
    # shellcheck disable=SC2086
    "$MPCENSUS" $words --help >"$tmp/man/$page.help" || { echo "FAIL: $words --help exit $?"; exit 1; }
    # rendering: groff with every warning enabled, and man -l as a reader runs it
    groff -man -Tutf8 -ww -z "$tmp/man/$page.1" 2>"$tmp/groff.err"
    [ -s "$tmp/groff.err" ] && { echo "FAIL: groff -ww warns on $page:"; cat "$tmp/groff.err"; exit 1; }
    MANWIDTH=80 man --warnings=w -l "$tmp/man/$page.1" >"$tmp/man/$page.man80" 2>"$tmp/man.err" ||
        { echo "FAIL: man -l $page"; cat "$tmp/man.err"; exit 1; }
    [ -s "$tmp/man.err" ] && { echo "FAIL: man -l warns on $page:"; cat "$tmp/man.err"; exit 1; }
    # the text to search: one long line per paragraph, no hyphenation, no overstrike
    groff -man -Tascii -rHY=0 -rLL=2000n -P-cbu "$tmp/man/$page.1" >"$tmp/man/$page.txt" 2>/dev/null
done <"$tmp/pages.txt"

# Python reads --help as a user would (its own parser of the help layout) and
# looks for what it finds in the rendered page.
python3 - "$tmp/man" "$tmp/pages.txt" <<'EOF' || exit 1
import os, re, sys
mandir, pages_file = sys.argv[1], sys.argv[2]
pages = {}
for line in open(pages_file):
    page, _, words = line.rstrip("\n").partition("\t")
    pages[words] = page
bad = 0
def fail(msg):
    global bad
    bad += 1
    print("FAIL:", msg)

n_opts = 0
for words, page in pages.items():
    help_text = open(os.path.join(mandir, page + ".help")).read()
    raw = open(os.path.join(mandir, page + ".txt")).read()
    man = re.sub(r"\s+", " ", raw)
    # .SH titles start at column 0, .SS (option groups) at column 3
    headings = {l.strip() for l in raw.splitlines() if l[:1].isalpha() or (l[:3] == "   " and l[3:4].isalpha())}
    # every command / subcommand a help lists has its own page
    m = re.search(r"^(Commands|Subcommands):\n(.*?)\n\n", help_text, re.S | re.M)
    if m:
        for sub in re.findall(r"^  (\S+)", m.group(2), re.M):
            key = (words + " " + sub).strip()
            if key not in pages:
                fail(f"'mpcensus {key}' is listed by '{words} --help' but has no man page")
            elif f"{pages[key]}(1)" not in man:
                fail(f"{page}(1) does not refer to {pages[key]}(1)")
    elif words == "":
        fail("mpcensus --help lists no commands")
    # every option label ("-p, --target-ports=P[,P|LO-HI...]") is in the page, metavar included
    for label in re.findall(r"^  (?:    )?((?:-\w, )?--[\w-]+(?:=\S+)?)", help_text, re.M):
        n_opts += 1
        if label not in man:
            fail(f"{page}: option '{label}' of --help is not in the man page")
    # every section title and option group of --help is a section / subsection of the page
    for title in re.findall(r"\n\n([A-Z][^\n]*):(?=\n)", help_text):   # a title follows a blank line
        if title in ("Options", "Commands", "Subcommands"):
            continue
        if title.upper() not in headings and title not in headings:
            fail(f"{page}: section '{title}' of --help is not in the man page")
    if f"{page.upper()}(1)" not in man:
        fail(f"{page}: no {page.upper()}(1) header")
if len(pages) < 10 or n_opts < 100:
    fail(f"only {len(pages)} pages and {n_opts} options found")
print(f"checked {len(pages)} pages, {n_opts} options")
sys.exit(1 if bad else 0)
EOF

# the pages of `make` (build/man, what make install installs) are the same list
if [ -f build/man/pages.txt ]; then
    diff "$tmp/pages.txt" build/man/pages.txt >/dev/null || { echo "FAIL: build/man/pages.txt differs from --man-list"; exit 1; }
fi
# a page for an unknown command is a usage error, not an empty page
"$MPCENSUS" --man frobnicate >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "unknown command 'frobnicate'" "$tmp/err" || { echo "FAIL: --man frobnicate: exit $rc"; exit 1; }
echo "ok: every command and subcommand has a page listing what its --help lists; groff -ww and man -l are silent"
