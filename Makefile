# Build for the log toolkit. Plain GNU make: `make` builds the tools, `make test` runs every test.
#
# Layout: lib/<module>/*.cpp -> build/obj -> build/liblog.a (tools link only the objects they use);
# cmd/<tool>/main.cpp -> build/bin/<tool>; tests/**/*_test.cpp -> build/bin/unit-tests.

SHELL := bash
BUILD ?= build
CXX ?= g++
CCACHE := $(shell command -v ccache 2>/dev/null)
PKGS := re2 yaml-cpp
PKGS += protobuf snappy zlib  # lib/push (protobuf + snappy bodies) and lib/http (gzip bodies)
PKGS += libzstd  # lib/chunk (block compression)
PKGS += libcurl  # lib/httpclient (the one HTTP client: push client, discovery, logcli, object store, ring)
PKGS += libsystemd  # lib/sources (logtail's journal reader, sd-journal)
PKGS += openssl  # lib/sources (logtail's syslog listener over TLS)
PKGS += simdjson  # lib/push (JSON push bodies)
PKGS += pugixml  # lib/objstore (S3's XML answers)
PKGS += libxcrypt libargon2  # lib/auth (bcrypt via crypt_r, Argon2 password hashes)
PKGS += libmaxminddb  # lib/stages (the geoip stage reads MaxMind DB files)
OPT ?= -O2
SAN ?=
CXXFLAGS ?= $(OPT) -g1
# pkg-config may not be installed yet when make reads this file; every entry target below runs
# setup first and then builds in a sub-make, which reads these again.
override CXXFLAGS += -std=c++20 -Wall -Wextra -pthread -MMD -MP -Ilib $(SAN) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl is compiled against but not linked: lib/httpclient/curl_library loads it on the first
# request, so commands that never speak HTTP do not pay for its ~28 libraries at start-up.
LINK_PKGS := $(filter-out libcurl,$(PKGS))
LDLIBS := $(or $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null),-lre2) -pthread
override LDFLAGS += $(SAN)
PREFIX ?= /usr/local
# Entry targets build in a sub-make on every core (override with JOBS=-j1).
JOBS ?= -j$(shell nproc 2>/dev/null || echo 2)

TOOLS := logcli logd logtail
TOOLS += logchunk logidx  # issue 6: chunk and index maintenance (lib/maint)
LIB_SRCS := $(shell find lib -name '*.cpp' | sort)
LIB_OBJS := $(LIB_SRCS:%.cpp=$(BUILD)/obj/%.o)
TEST_SRCS := $(shell find tests -name '*_test.cpp' 2>/dev/null | sort) tests/test_main.cpp
TEST_OBJS := $(TEST_SRCS:%.cpp=$(BUILD)/obj/%.o)
TOOL_BINS := $(TOOLS:%=$(BUILD)/bin/%)
# Stand-ins the end-to-end tests drive (tests/tools/<name>.cpp -> $(BUILD)/bin/<name with dashes>).
TEST_TOOLS := fake-kube-apiserver
TEST_TOOLS += objstore-tool  # drives lib/objstore in tests/e2e/objstore_s3_test.sh
TEST_TOOL_BINS := $(TEST_TOOLS:%=$(BUILD)/bin/%)
# Protocol buffers: proto/*.proto -> $(BUILD)/gen/*.pb.{h,cc} (protoc), compiled into liblog.a.
PROTO_SRCS := $(wildcard proto/*.proto)
PROTO_HDRS := $(PROTO_SRCS:proto/%.proto=$(BUILD)/gen/%.pb.h)
LIB_OBJS += $(PROTO_SRCS:proto/%.proto=$(BUILD)/obj/gen/%.pb.o)
override CXXFLAGS += -I$(BUILD)/gen
.SECONDARY: $(PROTO_SRCS:proto/%.proto=$(BUILD)/gen/%.pb.cc)

.PHONY: all tools setup test unit e2e asan bench demo clean install
all: setup
	@$(MAKE) --no-print-directory $(JOBS) tools

tools: $(TOOL_BINS)

# Installs missing Debian packages; a no-op once everything is there.
setup:
	@bash scripts/setup.sh

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(@D)
	@echo "  CXX $<"
	@$(CCACHE) $(CXX) $(CXXFLAGS) -c $< -o $@

$(BUILD)/gen/%.pb.cc $(BUILD)/gen/%.pb.h: proto/%.proto
	@mkdir -p $(@D)
	@echo "  PROTOC $<"
	@protoc -Iproto --cpp_out=$(BUILD)/gen $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.cc
	@mkdir -p $(@D)
	@echo "  CXX $<"
	@$(CCACHE) $(CXX) $(CXXFLAGS) -c $< -o $@

# Generated headers exist before anything that may include them is compiled.
$(LIB_OBJS) $(TEST_OBJS): | $(PROTO_HDRS)

# The include graph points only downward (docs/architecture.md's layer table): checked whenever a
# lib/ file or the table changes, so a lower module including a higher one fails the build.
LIB_HDRS := $(shell find lib -name '*.h' | sort)
$(BUILD)/layers.ok: scripts/check_layers.py docs/architecture.md $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CHECK include layers"
	@python3 scripts/check_layers.py .
	@touch $@

.PHONY: check-layers
check-layers:
	@python3 scripts/check_layers.py .

$(BUILD)/liblog.a: $(LIB_OBJS) | $(BUILD)/layers.ok
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/bin/%: $(BUILD)/obj/cmd/%/main.o $(BUILD)/liblog.a
	@mkdir -p $(@D)
	@echo "  LD  $@"
	@$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/unit-tests: $(TEST_OBJS) $(BUILD)/liblog.a
	@mkdir -p $(@D)
	@echo "  LD  $@"
	@$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/fake-kube-apiserver: $(BUILD)/obj/tests/tools/fake_kube_apiserver.o $(BUILD)/liblog.a
	@mkdir -p $(@D)
	@echo "  LD  $@"
	@$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/objstore-tool: $(BUILD)/obj/tests/tools/objstore_tool.o $(BUILD)/liblog.a
	@mkdir -p $(@D)
	@echo "  LD  $@"
	@$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The one test command: unit tests, then end-to-end tests against the built tools, one summary line.
test: setup
	@$(MAKE) --no-print-directory $(JOBS) $(BUILD)/bin/unit-tests $(TOOL_BINS) $(TEST_TOOL_BINS)
	@bash scripts/test.sh $(BUILD)

unit: $(BUILD)/bin/unit-tests
	@$(BUILD)/bin/unit-tests $(TEST_ARGS)

# objstore_s3_test.sh and ring_etcd_test.sh run suites of the unit-test binary against s3rver and etcd.
e2e: $(TOOL_BINS) $(TEST_TOOL_BINS) $(BUILD)/bin/unit-tests
	@BIN=$(abspath $(BUILD)/bin) bash tests/e2e/run.sh

# Unit and end-to-end tests under AddressSanitizer and UndefinedBehaviorSanitizer, in their own build tree.
asan: setup
	@$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  build-asan/bin/unit-tests $(TOOL_BINS:$(BUILD)/%=build-asan/%) $(TEST_TOOL_BINS:$(BUILD)/%=build-asan/%)
	@bash scripts/test.sh build-asan

bench: setup
	@$(MAKE) --no-print-directory $(JOBS) tools bench-tools
	@BIN=$(abspath $(BUILD)/bin) bash bench/run.sh
	@BIN=$(abspath $(BUILD)/bin) bash bench/logd.sh
	@BIN=$(abspath $(BUILD)/bin) bash bench/store.sh
	@BIN=$(abspath $(BUILD)/bin) bash bench/logd_s3.sh
	@BIN=$(abspath $(BUILD)/bin) bash bench/logtail.sh
	@BIN=$(abspath $(BUILD)/bin) bash bench/ruler.sh
	@BIN=$(abspath $(BUILD)/bin) bash bench/cluster.sh
	@BIN=$(abspath $(BUILD)/bin) bash bench/volume.sh
	@BIN=$(abspath $(BUILD)/bin) bash bench/patterns.sh

# bench/loadgen: the push load generator (and null receiver) that bench/logd.sh drives.
.PHONY: bench-tools
bench-tools: $(BUILD)/bin/loadgen
$(BUILD)/obj/bench/loadgen.o: | $(PROTO_HDRS)
$(BUILD)/bin/loadgen: $(BUILD)/obj/bench/loadgen.o $(BUILD)/liblog.a
	@mkdir -p $(@D)
	@echo "  LD  $@"
	@$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

demo: setup
	@$(MAKE) --no-print-directory $(JOBS) tools
	@BIN=$(abspath $(BUILD)/bin) bash scripts/demo.sh

install: $(TOOL_BINS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0755 $(TOOL_BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(TOOLS:%=man/%.1) $(DESTDIR)$(PREFIX)/share/man/man1/
	for t in $(TOOLS); do install -m 0644 completions/$$t.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$t; \
	  install -m 0644 completions/_$$t $(DESTDIR)$(PREFIX)/share/zsh/site-functions/; done

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# libFuzzer targets, not part of `make test`: fuzz/*_fuzzer.cpp -> build/fuzz/<name>, built with
# clang and linked with the lib/ modules the decoders need. Run one with e.g.
# `build/fuzz/chunk_decode_fuzzer -max_total_time=120 build/fuzz/chunk-corpus` or
# `build/fuzz/http_request_fuzzer -max_total_time=120 fuzz/http-corpus` (seeds: requests with
# chunked bodies, trailers, pipelining and upgrades).
FUZZ_CXX ?= clang++
FUZZ_FLAGS := -std=c++20 -g -O1 -fno-omit-frame-pointer -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -Ilib $(shell pkg-config --cflags re2 libzstd simdjson snappy openssl zlib 2>/dev/null)
# Every target links the modules any decoder needs (push bodies, LogQL queries, chunks, indexes);
# the HTTP target adds the server (Beast) and what it uses.
FUZZ_LIB_SRCS := $(sort $(wildcard lib/golang/*.cpp lib/chunk/*.cpp lib/index/*.cpp lib/fsutil/*.cpp lib/model/*.cpp lib/push/*.cpp lib/logql/*.cpp lib/util/*.cpp))
FUZZ_HTTP_SRCS := $(sort $(wildcard lib/http/*.cpp))
FUZZ_LIBS = $(shell pkg-config --libs re2 libzstd simdjson snappy openssl zlib) -pthread
.PHONY: fuzz
fuzz:
	@command -v $(FUZZ_CXX) >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get install -y -qq --no-install-recommends clang libclang-rt-dev >/dev/null; }
	@$(MAKE) --no-print-directory $(patsubst fuzz/%.cpp,build/fuzz/%,$(wildcard fuzz/*_fuzzer.cpp)) build/fuzz/make_chunk_seeds
build/fuzz/http_request_fuzzer: $(FUZZ_HTTP_SRCS)
build/fuzz/%_fuzzer: fuzz/%_fuzzer.cpp $(FUZZ_LIB_SRCS)
	@mkdir -p $(@D)
	@echo "  FUZZ $@"
	@$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined -o $@ $^ $(FUZZ_LIBS)
build/fuzz/make_%_seeds: fuzz/make_%_seeds.cpp $(FUZZ_LIB_SRCS)
	@mkdir -p $(@D)
	@$(FUZZ_CXX) $(FUZZ_FLAGS) -o $@ $^ $(FUZZ_LIBS)
