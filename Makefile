# Makefile — builds build/mpcensus (release), the ASan/UBSan test build, tests, fuzzers.
#
# Layout: every src/<capability>/*.c is part of the library; src/cli/main.c
# holds main(). Adding a file to a capability directory needs no edit here.

CC       ?= cc
CSTD     := -std=c17 -D_GNU_SOURCE
WARN     := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wno-missing-field-initializers
PKGS     := libpcap openssl nettle zlib libisal libzstd liblzma sqlite3 libmaxminddb jansson libcurl libmnl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS   := $(PKG_LIBS) -lpthread -lm
CFLAGS   ?= -O2 -g
CFLAGS   += $(CSTD) $(WARN) -Isrc $(PKG_CFLAGS)
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

BUILD    := build
LIB_SRC  := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
MAIN_SRC := src/cli/main.c
HDRS     := $(wildcard src/*/*.h)

REL_OBJ  := $(patsubst %.c,$(BUILD)/rel/%.o,$(LIB_SRC))
SAN_OBJ  := $(patsubst %.c,$(BUILD)/san/%.o,$(LIB_SRC))

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/san/tests/%,$(UNIT_SRC))

FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 60

.PHONY: all build man test-build check demo fuzz fuzz-build deps clean bench install uninstall

all: build man
build: $(BUILD)/mpcensus
test-build: $(BUILD)/san/mpcensus $(UNIT_BIN)

$(BUILD)/mpcensus: $(REL_OBJ) $(BUILD)/rel/$(MAIN_SRC:.c=.o)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/san/mpcensus: $(SAN_OBJ) $(BUILD)/san/$(MAIN_SRC:.c=.o)
	@echo "  LD-SAN  $@"
	@$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

# Installation layout. The binary finds its data in $(PREFIX)/share/mpcensus
# (compiled in: src/io/datadir.c) or relative to itself (a moved tree).
# $(BUILD)/prefix holds the PREFIX of the last build, so a new one rebuilds
# the two objects that embed it.
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   := $(PREFIX)/bin
DATADIR  := $(PREFIX)/share/mpcensus
MANDIR   := $(PREFIX)/share/man/man1
DATA_FILES := $(wildcard data/*.tsv)
LAB_SPECS  := $(wildcard lab/*.spec)
$(shell mkdir -p $(BUILD); [ "$$(cat $(BUILD)/prefix 2>/dev/null)" = '$(PREFIX)' ] || printf '%s' '$(PREFIX)' >$(BUILD)/prefix)
PREFIX_OBJ := $(foreach v,rel san,$(BUILD)/$(v)/src/io/datadir.o $(BUILD)/$(v)/src/cli/main.o)
$(PREFIX_OBJ): CFLAGS += -DMPCENSUS_DATADIR='"$(DATADIR)"'
$(PREFIX_OBJ): $(BUILD)/prefix

$(BUILD)/rel/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC-SAN  $<"
	@$(CC) $(CFLAGS) -O1 $(SAN) -c -o $@ $<

$(BUILD)/san/tests/%: tests/unit/%.c $(SAN_OBJ) $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS) -O1 $(SAN) -Itests -o $@ $< $(SAN_OBJ) $(LDLIBS) -lcmocka

# Man pages: one per command and subcommand, rendered by the binary from the
# option tables that also parse its argv and print --help. The list comes from
# the dispatcher (`mpcensus --man-list`), so a command added to src/cli/main.c
# gets its page without an edit here. The date is the last commit's.
MAN_DATE := $(shell git log -1 --format=%cs 2>/dev/null || date -u +%F)
man: $(BUILD)/man/.stamp
$(BUILD)/man/.stamp: $(BUILD)/mpcensus
	@echo "  MAN     $(BUILD)/man/"
	@rm -rf $(BUILD)/man && mkdir -p $(BUILD)/man
	@$(BUILD)/mpcensus --man-list >$(BUILD)/man/pages.txt
	@while IFS='	' read -r page words; do \
	    $(BUILD)/mpcensus --man --date $(MAN_DATE) $$words >$(BUILD)/man/$$page.1 || exit 1; \
	done <$(BUILD)/man/pages.txt
	@touch $@

# make install [PREFIX=/usr/local] [DESTDIR=/scratch]; make uninstall with the same values.
install: build man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/lab $(DESTDIR)$(MANDIR)
	install -m 755 $(BUILD)/mpcensus $(DESTDIR)$(BINDIR)/mpcensus
	install -m 644 $(DATA_FILES) $(DESTDIR)$(DATADIR)/
	install -m 644 $(LAB_SPECS) $(DESTDIR)$(DATADIR)/lab/
	install -m 644 $(BUILD)/man/*.1 $(DESTDIR)$(MANDIR)/

# Removes what install laid out (every mpcensus page, also those of older
# versions) and the share/mpcensus directories; bin/ and man1/ stay.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mpcensus $(DESTDIR)$(MANDIR)/mpcensus.1 $(DESTDIR)$(MANDIR)/mpcensus-*.1
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/,$(notdir $(DATA_FILES))) $(addprefix $(DESTDIR)$(DATADIR)/lab/,$(notdir $(LAB_SPECS)))
	-rmdir $(DESTDIR)$(DATADIR)/lab $(DESTDIR)$(DATADIR)

# libFuzzer targets need clang; they link src/net plus the parser they exercise.
FUZZ_EXTRA_fuzz_scan_reply := src/scan/classify.c
FUZZ_EXTRA_fuzz_pcap_flow := src/pcap/analyzer.c src/pcap/flow_table.c src/pcap/mptcp_conn.c src/pcap/trace_stats.c \
  src/pcap/size_dist.c src/pcap/app_ports.c src/pcap/input_order.c src/pcap/pcap_csv.c src/io/capture.c \
  src/io/record.c src/io/outfile.c src/io/json.c src/cli/args.c src/io/errmsg.c src/io/datadir.c
FUZZ_EXTRA_fuzz_mptcp_event := src/http/mptcp_events.c
FUZZ_EXTRA_fuzz_trace_reply := src/trace/trace_match.c src/trace/trace_probe.c src/trace/trace_diff.c \
  src/trace/trace_end.c src/trace/trace_state.c src/trace/trace_targets.c src/io/json.c src/io/record_read.c \
  src/io/instream.c src/cli/args.c src/io/errmsg.c
FUZZ_EXTRA_fuzz_net_verdict := src/scan/classify.c
FUZZ_EXTRA_fuzz_report_escape := src/report/escape.c src/report/strbuf.c
FUZZ_EXTRA_fuzz_output_filter := src/scan/output_filter.c src/scan/classify.c src/cli/filter.c src/cli/args.c src/io/errmsg.c src/io/record.c src/io/outfile.c src/io/json.c
$(BUILD)/fuzz/%: fuzz/%.c fuzz/fuzz_check.h $(LIB_SRC) $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang $(CSTD) -Wall -Wextra -Werror -Wno-unused-parameter -Isrc -I. $(PKG_CFLAGS) -O1 -g \
	  -fsanitize=fuzzer,address,undefined -o $@ $< $(filter src/net/%.c,$(LIB_SRC)) $(FUZZ_EXTRA_$*) $(LDLIBS)

fuzz-build: $(FUZZ_BIN)

# Runs every libFuzzer target for FUZZ_SECONDS seconds (default 60) and
# prints the execs/s each reached.
fuzz: deps fuzz-build
	./fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

deps:
	./scripts/install-deps.sh

# The test command of README.md: installs what is missing, builds, runs all tests.
check: deps
	$(MAKE) build man test-build
	./tests/run.sh

# The demo command of README.md: the main job, on the lab.
demo: deps
	$(MAKE) build
	./scripts/demo.sh

bench: build
	@echo "benchmarks: bench/scan.sh, bench/pcap.sh (run one by hand, as root)"

clean:
	rm -rf $(BUILD)
