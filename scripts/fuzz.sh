#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each for N
# seconds (default 20) on its seed corpus in fuzz/corpus/<target>/. New inputs found go to a
# scratch directory, not the repo; a crash fails the script and leaves crash-* files in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
# Warnings are GCC's job (the main build); clang's differ and do not stop a fuzz run.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DINGOT_FUZZ=ON -DINGOT_WERROR=OFF >/dev/null
targets=$(cmake --build build-fuzz --target help | sed -n 's/^\(fuzz_[a-z0-9_]*\):.*/\1/p' | sort -u)
cmake --build build-fuzz --target $targets
for t in $targets; do
  bin=$(find build-fuzz -type f -name "$t" -perm -u+x | head -n1)
  scratch=$(mktemp -d)
  corpus="fuzz/corpus/$t"
  mkdir -p "$corpus"
  echo "fuzzing $t for ${seconds}s" >&2
  (cd build-fuzz && "../$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$scratch" "../$corpus" 2>&1 | tail -n 12)
  rm -rf "$scratch"
done
