# ferry: `make` builds every program into bin/; `make check` runs every
# test against a private PostgreSQL; `make demo` runs a whole migration.
# Both install the Debian packages they need first (`make deps`).

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man/man1
CC ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config

# Libraries: libpq, libuuid and libxxhash ship .pc files; libcsv does not.
PACKAGES := libpq uuid libxxhash
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PACKAGES) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PACKAGES) 2>/dev/null)

WARNINGS := -Wall -Wextra -Wshadow -Wconversion -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-sign-conversion
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -Ilib $(PKG_CFLAGS) $(WARNINGS) $(CFLAGS)
LIBS = $(PKG_LIBS) -lcsv -lm -pthread

# Each program: its sources.  transform/ holds both ferry-keymap and
# ferry-transform.
extract_SRC = $(wildcard extract/*.c)
load_SRC = $(wildcard load/*.c)
verify_SRC = $(wildcard verify/*.c)
keymap_SRC = $(wildcard transform/keymap*.c)
transform_SRC = $(filter-out $(keymap_SRC),$(wildcard transform/*.c))

NAMES := extract load keymap transform verify
PROGRAMS = $(foreach n,$(NAMES),$(if $($(n)_SRC),bin/ferry-$(n)))
MANPAGES = $(wildcard */ferry-*.1)

LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:%.c=build/%.o)

# Objects are rebuilt when the flags change (a SANITIZE=1 build, say).
FLAGS_STAMP = build/flags
FLAGS_NOW = $(CC) $(ALL_CFLAGS) $(LDFLAGS)

all: $(PROGRAMS)

$(FLAGS_STAMP): FORCE
	@mkdir -p build
	@echo '$(FLAGS_NOW)' | cmp -s - $@ || echo '$(FLAGS_NOW)' > $@

build/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

build/libferry.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

define program_rule
bin/ferry-$(1): $$($(1)_SRC:%.c=build/%.o) build/libferry.a
	@mkdir -p bin
	$$(CC) $$(LDFLAGS) -o $$@.tmp $$^ $$(LIBS) && mv -f $$@.tmp $$@
endef
$(foreach n,$(NAMES),$(eval $(call program_rule,$(n))))

-include $(shell find build -name '*.d' 2>/dev/null)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/

# The Debian packages ferry builds, tests and demonstrates with.
DEB_PACKAGES = gcc make pkg-config libpq-dev libcsv-dev uuid-dev \
	libxxhash-dev postgresql postgresql-client perl util-linux man-db
# Not root: prints the one command to run, and fails.
deps:
	@missing=; for p in $(DEB_PACKAGES) $(EXTRA_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q ' installed$$' || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
		echo "ferry needs:$$missing" >&2; \
		echo "run: sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
		exit 1; fi; \
	echo "installing:$$missing" >&2; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -q && apt-get install -y -q $$missing

check: deps
	$(MAKE) WERROR=1 all
	tests/run

valgrind:
	$(MAKE) deps EXTRA_PACKAGES=valgrind
	$(MAKE) WERROR=1 all
	FERRY_VALGRIND=1 tests/run

demo: deps all
	pipelines/demo

# Fuzz targets: tests/fuzz/NAME.c defines LLVMFuzzerTestOneInput; each is
# built with clang's libFuzzer (ASan + UBSan) and run FUZZ_SECONDS on its
# seed corpus tests/fuzz/corpus/NAME/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/*.c))
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -Ilib $(PKG_CFLAGS) -g -O1 \
	-fsanitize=fuzzer,address,undefined
build/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(LIBS)
fuzz:
	$(MAKE) deps EXTRA_PACKAGES="clang libclang-rt-14-dev"
	$(MAKE) fuzz-run
fuzz-run: $(FUZZ_TARGETS)
	@for target in $(FUZZ_TARGETS); do \
		name=$${target##*/}; mkdir -p build/fuzz/corpus-$$name; \
		echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
		$$target -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			build/fuzz/corpus-$$name tests/fuzz/corpus/$$name || exit 1; \
	done

# Benchmarks print figures; they are not tests.  bench/run [NAME...].
bench: EXTRA_PACKAGES += time pgcopydb pgloader
bench: deps all
	bench/run $(BENCH)

clean:
	rm -rf build bin

FORCE:
.PHONY: all install deps check valgrind demo fuzz fuzz-run bench clean FORCE
