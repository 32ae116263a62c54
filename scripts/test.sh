#!/usr/bin/env bash
# Builds ingot with warnings as errors and runs every test: the format check, the layer check,
# unit tests (ctest), the benchmark tools' Python tests, end-to-end tests against the real server
# and DuckDB (tests/e2e), and a bounded run of every fuzzer. Exits non-zero on the first failure.
#   FUZZ_SECONDS=N   seconds per fuzzer (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s\n' "$*" >&2; }

step "format check"
git ls-files '*.h' '*.cc' | xargs clang-format --dry-run --Werror

step "layer check (no folder of src/ includes one above it: scripts/check-layers.py)"
/usr/bin/python3 scripts/check-layers.py

step "build (warnings are errors: INGOT_WERROR is on by default)"
scripts/build.sh -DINGOT_WERROR=ON

step "unit tests"
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 300

step "benchmark and audit tools (their pure-Python parts)"
for dir in bench/lib bench/audit_lib; do
  /usr/bin/python3 -m unittest discover -s "$dir" -p 'test_*.py'
done

step "end-to-end tests"
(cd tests/e2e && INGOT_BUILD_DIR="$PWD/../../build" node --test --test-concurrency=1)

step "fuzzers"
scripts/fuzz.sh "${FUZZ_SECONDS:-20}"

step "all tests passed"
