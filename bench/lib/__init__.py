"""bench/run's modules: one concern each (see bench/README.md).

plan      the workload matrix: widths, cells, profiles, --only
sysinfo   the machine, the commit, CPU and memory of processes from /proc
server    `ingot serve` on loopback: start, wait for ready, sample, stop
metrics   /metrics: parse, poll until every acknowledged record is in Parquet
load      `ingot-load`: closed and open loop runs with a progress line, NDJSON dumps
duckdb    DuckDB (npm client): NDJSON -> zstd Parquet timing, row counts over a data dir
cells     one benchmark cell from start to verified result
targets   the targets of issue 4, met or not, from the results
report    bench/results/matrix.json and the generated part of docs/benchmarks.md
charts    PNG charts in docs/img/
progress  the progress line on stderr
"""
