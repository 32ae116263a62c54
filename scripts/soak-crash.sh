#!/usr/bin/env bash
# Soak version of the crash test: kills the server with SIGKILL under load N times (default 200)
# at random moments, restarts it, and checks with DuckDB that every acknowledged record is in
# Parquet exactly once. Needs the build and the test set-up (README).
#   scripts/soak-crash.sh [kills]
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e"
CRASH_KILLS="${1:-200}" INGOT_BUILD_DIR="${INGOT_BUILD_DIR:-$PWD/../../build}" \
  node --test --test-timeout=0 crash_recovery.test.mjs
