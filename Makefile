# The two commands of the README, and the pieces they are made of.
#   make run   — install dependencies, build, migrate the embedded database, serve the API with workers
#   make test  — install dependencies, build, run every test (release, ASan+UBSan, TSan)
JOBS ?= 2
DATABASE ?= sqlite:./data/auto-a11y.db
LISTEN ?= 127.0.0.1:8080
RELEASE := build/release

.PHONY: all deps build run test bench format clean

all: build

deps:
	@scripts/install-deps

# Only the binary `make run` serves with (`cmake --build --preset release` builds everything).
build: deps
	@cmake --preset release -DA11Y_WERROR=ON >/dev/null
	@cmake --build --preset release -j$(JOBS) --target auto-a11y

run: build
	$(RELEASE)/auto-a11y --database $(DATABASE) migrate
	$(RELEASE)/auto-a11y --database $(DATABASE) serve --listen $(LISTEN) --workers 4

# Builds and runs each test suite once, in the release or a sanitizer build (scripts/run-tests
# says which); the release stage also builds the benchmark programs, so `make bench` builds.
test: deps
	@JOBS=$(JOBS) scripts/run-tests

bench: build
	@cmake --build --preset release -j$(JOBS) --target benchmarks
	@scripts/install-deps --bench
	@scripts/run-benchmarks
	@scripts/bench-api
	@scripts/bench-crawl
	@scripts/bench-check
	@scripts/bench-bulk

format:
	@find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf build
