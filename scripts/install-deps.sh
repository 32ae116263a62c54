#!/usr/bin/env bash
# Installs what ingot needs on Debian 12, idempotently.
#   scripts/install-deps.sh          build dependencies (Debian packages), plus Node.js and the
#                                    npm packages of tests/e2e (DuckDB's client, used by
#                                    scripts/query to read the Parquet files)
#   scripts/install-deps.sh --test   also what the tests and benchmarks need: clang for the
#                                    fuzzers, clang-format, Python's Elasticsearch and InfluxDB
#                                    clients, VictoriaMetrics (bench/lp_vs_victoria.py), zstd,
#                                    Prometheus (the remote_write client of the e2e tests),
#                                    HAProxy and nginx (the load balancers of the scale-out test),
#                                    boto3 (an S3 client for bench/object_store.py)
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[[ "${1:-}" == "--test" ]] && with_tests=1

packages=(
  build-essential cmake ninja-build pkg-config git
  libsimdjson-dev libboost-dev libzstd-dev liblz4-dev libsnappy-dev libdeflate-dev zlib1g-dev
  libthrift-dev thrift-compiler libxxhash-dev libspdlog-dev libfmt-dev libcli11-dev
  libtoml11-dev libgtest-dev libgmock-dev libbenchmark-dev libcurl4-openssl-dev libssl-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc libmsgpack-cxx-dev
)
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
if (( with_tests )); then
  packages+=(clang libclang-rt-14-dev clang-format python3 python3-elasticsearch python3-influxdb
             victoria-metrics zstd prometheus haproxy nginx python3-boto3
             python3-matplotlib linux-perf strace valgrind heaptrack)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# `npm ci` would refuse: the registry here offers only this platform's DuckDB binding, so the lock
# file lists no others. `install --no-save` follows the lock file and leaves it untouched.
(cd tests/e2e && npm install --no-save --no-audit --no-fund --loglevel=error)
