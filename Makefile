# SPDX-License-Identifier: AGPL-3.0-or-later
# klientas - GNU Makefile.
#   make                 build the server (build/klientas) and the web application (web/dist)
#   make DEBUG=1         without optimisation
#   make SANITIZE=address,undefined   objects in build/san, with ASan and UBSan
#   make run             install what is missing, build, make the demo database, serve :8080
#   make test            install, build and run every test tier; ends "N passed, N failed"
#   make bench           wrk benchmarks and the import (see docs/benchmarks.md)
#   make format          clang-format the C sources in place

PKGS := libmicrohttpd jansson sqlite3 libpq libsodium xlsxwriter libical libcurl

ifdef SANITIZE
BUILD ?= build/san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD ?= build
SANFLAGS :=
endif

ifeq ($(DEBUG),1)
OPT := -O0 -g3
else
OPT := -O2 -g
endif

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wvla -Werror
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS ?= $(OPT)
ALL_CFLAGS = -std=c17 $(CFLAGS) $(WARN) -pthread -D_GNU_SOURCE $(SANFLAGS) -MMD -MP \
	-Isrc -I$(BUILD)/gen $(PKG_CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lunistring -lcsv -lm -pthread $(SANFLAGS)

LIB_SRC := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJ := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC)) $(BUILD)/obj/gen/migrations.o
MAIN_OBJ := $(BUILD)/obj/cli/main.o
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(patsubst tests/%.c,$(BUILD)/obj/tests/%.o,$(UNIT_SRC))
STORE_SRC := $(wildcard tests/store/*.c)
STORE_OBJ := $(patsubst tests/%.c,$(BUILD)/obj/tests/%.o,$(STORE_SRC))
SQL := $(sort $(wildcard sql/sqlite/*.sql sql/postgres/*.sql))
C_FILES := $(wildcard src/*/*.c src/*/*.h tests/unit/*.c tests/unit/*.h tests/store/*.c \
	tests/store/*.h tools/*.c bench/*.c)

.PHONY: all web run test test-fast bench format format-check clean deps unit store-test
.DELETE_ON_ERROR:

all: $(BUILD)/klientas web

$(BUILD)/klientas: $(MAIN_OBJ) $(BUILD)/libklientas.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/libklientas.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests -c -o $@ $<

$(BUILD)/obj/gen/migrations.o: $(BUILD)/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Migrations are embedded in the binary: one C string per sql/<backend>/NNNN_name.sql.
$(BUILD)/gen/migrations.c: $(SQL) tools/embed-sql
	@mkdir -p $(dir $@)
	sh tools/embed-sql $(SQL) > $@

$(BUILD)/test-unit: $(UNIT_OBJ) $(BUILD)/libklientas.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/test-store: $(STORE_OBJ) $(BUILD)/libklientas.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/bench-gen: $(BUILD)/obj/bench/gen.o $(BUILD)/libklientas.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/obj/bench/%.o: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

unit: $(BUILD)/test-unit
store-test: $(BUILD)/test-store

# The web application: built only when its sources changed.
WEB_SRC := $(shell find web/src web/index.html web/package.json web/vite.config.ts \
	web/tsconfig.json -type f 2>/dev/null)
ifneq ($(wildcard web/package.json),)
web: web/dist/index.html
web/dist/index.html: $(WEB_SRC) web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build
	@touch $@
else
web:
endif

deps:
	scripts/install-deps

run: deps
	$(MAKE) all
	scripts/run-demo

test: deps
	scripts/test-all

bench: deps
	$(MAKE) all
	bench/run
	bench/import

format:
	clang-format -i $(C_FILES)

format-check:
	clang-format --dry-run --Werror $(C_FILES)

clean:
	rm -rf build web/dist

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(STORE_OBJ:.o=.d) \
	$(BUILD)/obj/bench/gen.d
