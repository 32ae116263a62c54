#!/usr/bin/python3
"""Every ingestion endpoint end to end, side by side: records/s until in Parquet, fsync on.

Usage: bench/endpoints.py [--endpoints E ...] [--records N] [--runs R] [--connections C]
                          [--per-request K] [--build DIR] [--json OUT] [--no-docs]

Each run starts a fresh `ingot serve` (`--wal-sync always`: fsync on, gRPC off,
`--max-file-age 1s`) and sends N records with `ingot-load --endpoint E` (docs/load.md), K records
a request, C connections, closed loop, on the same machine. What a record is depends on the
endpoint: the `logs` workload for the JSON endpoints, OTLP and Loki (one log record, ~267 bytes
of JSON); the `metrics` workload for Prometheus remote_write (one sample); one point of a
measurement with 2 tags and 3 fields for line protocol and Arc MessagePack. The time runs from
the start of `ingot-load` until /metrics says every record is in a Parquet file, as
bench/otlp_vs_json.py measures it (its measure() is used). Endpoints are interleaved, the order
reversed every other run, so machine noise hits them alike. Prints the medians, writes
bench/results/endpoints.json and replaces (or appends) the "Every endpoint" section of
docs/benchmarks.md between its own markers.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convert_vs_duckdb import commit, machine  # noqa: E402
from otlp_vs_json import (add_common_arguments, measure, persisted, publish,  # noqa: E402
                          start_server, write_json)

BEGIN = "<!-- endpoints:begin (written by bench/endpoints.py; edits inside are overwritten) -->"
END = "<!-- endpoints:end -->"
ENDPOINTS = ["multi", "json", "bulk", "hec", "otlp-proto", "otlp-json", "lp", "msgpack-columnar",
             "msgpack-rows", "prom-rw", "loki"]
# The workload whose records an endpoint carries best (lp and msgpack ignore it).
WORKLOAD = {"prom-rw": "metrics"}


def run_once(args, endpoint, per_request):
    """One fresh server loaded through `endpoint` until every record is in Parquet."""
    data_dir = tempfile.mkdtemp(prefix=f"endpoint-bench-{endpoint}-", dir=args.work)
    proc, url = start_server(args.build, data_dir, os.path.join(args.work, "server.log"))
    return measure(
        proc, data_dir,
        [os.path.join(args.build, "ingot-load"), "--url", url, "--endpoint", endpoint,
         "--workload", WORKLOAD.get(endpoint, "logs"), "--stream", "bench",
         "--records", str(args.records), "--records-per-request", str(per_request),
         "--connections", str(args.connections), "--duration", "600s", "--warmup", "0s",
         "--json", "--no-progress"],
        args.records, endpoint, lambda acked: persisted(url, acked))


def summarize(cell):
    """The medians of a cell's runs."""
    runs = cell["runs"]
    cell["median_records_per_s"] = statistics.median(r["records_per_s"] for r in runs)
    cell["median_server_cpu_us_per_record"] = statistics.median(
        r["server_cpu_us_per_record"] for r in runs)
    cell["wire_bytes_per_record"] = statistics.median(r["wire_bytes"] / r["records"] for r in runs)


def run_cells(args, endpoints, per_requests):
    """Every (endpoint, records a request) cell, `args.runs` times, interleaved."""
    cells = [{"endpoint": e, "per_request": k, "runs": []} for e in endpoints for k in per_requests]
    for i in range(args.runs):
        for cell in (cells if i % 2 == 0 else reversed(cells)):
            r = run_once(args, cell["endpoint"], cell["per_request"])
            cell["runs"].append(r)
            print(f"run {i + 1} {cell['endpoint']:16} x{cell['per_request']:<6}: "
                  f"{r['records_per_s']:>10,} records/s until in Parquet "
                  f"({r['acked_records_per_s']:,} acknowledged/s, "
                  f"server {r['server_cpu_us_per_record']:.2f} CPU µs/record)", flush=True)
    for cell in cells:
        summarize(cell)
    return cells


def result_of(args, name, cells, **extra):
    return {"benchmark": name, "commit": args.commit or commit(),
            "date": time.strftime("%Y-%m-%d", time.gmtime()), "machine": machine(),
            "settings": {"records": args.records, "connections": args.connections,
                         "wal_sync": "always", "runs": args.runs, "max_file_age": "1s"},
            "cells": cells, "note": args.note, **extra}


def table(cells):
    """The Markdown table of cells (endpoint, records a request, median, runs, CPU, wire bytes)."""
    head = ("| endpoint | records/request | records/s until in Parquet (median) | runs | "
            "server CPU µs/record | bytes/record on the wire |\n"
            "|---|---:|---:|---|---:|---:|\n")
    return head + "\n".join(
        f"| `{c['endpoint']}` | {c['per_request']:,} | {c['median_records_per_s']:,.0f} | "
        f"{', '.join(format(r['records_per_s'], ',') for r in c['runs'])} | "
        f"{c['median_server_cpu_us_per_record']:.2f} | {c['wire_bytes_per_record']:.1f} |"
        for c in cells)


def section(result, args):
    m = result["machine"]
    return f"""{BEGIN}
## Every endpoint (`bench/endpoints.py`)

`bench/endpoints.py --records {args.records} --runs {args.runs} --connections {args.connections} --per-request {args.per_request}`
(commit {result['commit']}, {result['date']}; {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB;
server and `ingot-load` on the same machine). Each run: a fresh `ingot serve --wal-sync always
--max-file-age 1s`, {args.records:,} records through one endpoint (`ingot-load --endpoint`,
docs/load.md), {args.per_request:,} a request, {args.connections} connections, closed loop.
Records/s counts from the first request until every record is in a Parquet file. A record is one
`logs` record (~267 B as JSON) for the JSON endpoints, OTLP and Loki; one sample of the `metrics`
workload for remote_write; one point with 2 tags and 3 fields for line protocol and Arc
MessagePack, so compare endpoints of the same kind. Median of {args.runs} runs per cell, cells
interleaved.

{table(result['cells'])}
{result['note']}
{END}"""


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--endpoints", nargs="+", default=ENDPOINTS, choices=ENDPOINTS)
    p.add_argument("--per-request", type=int, default=1000)
    add_common_arguments(p, "/tmp/ingot-endpoint-bench", "endpoints.json", 2_000_000)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    cells = run_cells(args, args.endpoints, [args.per_request])
    result = result_of(args, "endpoints", cells)
    write_json(args.json, result)
    print()
    for c in cells:
        print(f"{c['endpoint']:16} {c['median_records_per_s']:>12,.0f} records/s (median)")
    publish(args, section(result, args), BEGIN, END)


if __name__ == "__main__":
    main()
