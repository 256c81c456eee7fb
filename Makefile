# capsule-gate — every command a user or CI needs. `make demo` and `make test` are the README's first two.
SHELL := /bin/bash
export SWIFT_BACKTRACE := enable=no
PREFIX ?= /usr/local
SWIFT ?= swift
RELEASE_FLAGS := -c release --static-swift-stdlib
BIN_DEBUG := .build/debug/capsule-gate
BIN_RELEASE := .build/release/capsule-gate

.PHONY: all deps build release demo test bench fuzz examples format lint check install uninstall clean

all: build

deps:
	@scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

demo: release
	@scripts/demo.sh $(BIN_RELEASE)

# Tests spawn processes and time real faults, so at most UNIT_WIDTH / E2E_WIDTH of them run at once: 2 cores are
# shared by the tests, the binaries under test and their servers. A bare `swift test` runs all 240 at once, starves
# the test process's two cooperative threads for seconds, and its timing checks fail.
UNIT_WIDTH ?= 4
E2E_WIDTH ?= 4
test: deps
	$(SWIFT) build --build-tests
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(UNIT_WIDTH) $(SWIFT) test --skip-build --filter '^CapsuleGateTests\.'
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(E2E_WIDTH) $(SWIFT) test --skip-build --filter '^EndToEndTests\.'

examples: build
	@examples/run.sh $(BIN_DEBUG)

bench: release
	@bench/run.sh $(BIN_RELEASE)

fuzz: deps
	@scripts/fuzz.sh

format:
	git ls-files -z '*.swift' | xargs -0 $(SWIFT) format format --parallel --in-place

lint:
	git ls-files -z '*.swift' | xargs -0 $(SWIFT) format lint --strict --parallel

check: deps
	$(SWIFT) build -Xswiftc -warnings-as-errors
	$(MAKE) test
	$(MAKE) lint

install: release
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 755 $(BIN_RELEASE) "$(DESTDIR)$(PREFIX)/bin/capsule-gate"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/capsule-gate"

clean:
	rm -rf .build
