#!/usr/bin/python3
"""Arc MessagePack end to end: records/s until in Parquet, against Arc's 2.42M records/s.

Usage: bench/arc_msgpack.py [--records N] [--runs R] [--connections C] [--per-request K ...]
                            [--build DIR] [--json OUT] [--no-docs]

Each run starts a fresh `ingot serve` (`--wal-sync always`: fsync on, gRPC off,
`--max-file-age 1s`) and sends N records with `ingot-load --endpoint msgpack-columnar` (and
`msgpack-rows`), K records a request, C connections, closed loop, on the same machine: metrics of
one measurement with 2 tags and 3 fields (src/tools/load/arc_body.h), as issue 12's target has
them. The time runs from the start of `ingot-load` until /metrics says every record is in a
Parquet file, as bench/otlp_vs_json.py measures it (its measure() is used). Prints the medians,
writes bench/results/arc_msgpack.json and replaces (or appends) the "Arc MessagePack" section of
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

TARGET = 2_400_000
BEGIN = "<!-- arc_msgpack:begin (written by bench/arc_msgpack.py; edits inside are overwritten) -->"
END = "<!-- arc_msgpack:end -->"


def run_once(args, endpoint, per_request):
    data_dir = tempfile.mkdtemp(prefix=f"arc-bench-{endpoint}-", dir=args.work)
    proc, url = start_server(args.build, data_dir, os.path.join(args.work, "server.log"))
    return measure(
        proc, data_dir,
        [os.path.join(args.build, "ingot-load"), "--url", url, "--endpoint", endpoint,
         "--stream", "bench", "--records", str(args.records), "--records-per-request",
         str(per_request), "--connections", str(args.connections), "--duration", "600s",
         "--warmup", "0s", "--json", "--no-progress"],
        args.records, endpoint, lambda acked: persisted(url, acked))


def section(result, args):
    m = result["machine"]
    rows = "\n".join(
        f"| `{c['endpoint']}` | {c['per_request']:,} | {c['median_records_per_s']:,.0f} | "
        f"{', '.join(format(r['records_per_s'], ',') for r in c['runs'])} | "
        f"{c['median_server_cpu_us_per_record']:.2f} | {c['wire_bytes_per_record']:.1f} |"
        for c in result["cells"])
    best = max(result["cells"], key=lambda c: c["median_records_per_s"])
    met = best["median_records_per_s"] >= TARGET
    return f"""{BEGIN}
## Arc MessagePack (`bench/arc_msgpack.py`)

`bench/arc_msgpack.py --records {args.records} --runs {args.runs} --connections {args.connections} --per-request {' '.join(map(str, args.per_request))}`
(commit {result['commit']}, {result['date']}; {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB;
server and `ingot-load` on the same machine). Each run: a fresh `ingot serve --wal-sync always
--max-file-age 1s`, {args.records:,} records of one measurement with 2 tags and 3 fields
(`ingot-load --endpoint msgpack-columnar|msgpack-rows`, docs/load.md), {args.connections}
connections, closed loop. Records/s counts from the first request until every record is in a
Parquet file (`ingot_parquet_rows_total`, memtable empty). Median of {args.runs} runs per cell,
cells interleaved.

| endpoint | records/request | records/s until in Parquet (median) | runs | server CPU µs/record | bytes/record on the wire |
|---|---:|---:|---|---:|---:|
{rows}

Target ≥ {TARGET:,} records/s end to end (Arc's headline 2.42M, fsync on): best cell
`{best['endpoint']}` at {best['per_request']:,} records a request, **{best['median_records_per_s']:,.0f}**
records/s: **{'met' if met else 'not met'}** ({best['median_records_per_s'] / TARGET:.2f}x).
The stage benchmark (decode only, one core) is in the table of stage benchmarks above.
{result['note']}
{END}"""


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--per-request", type=int, nargs="+", default=[1000, 10000])
    p.add_argument("--endpoints", nargs="+", default=["msgpack-columnar", "msgpack-rows"])
    add_common_arguments(p, "/tmp/ingot-arc-bench", "arc_msgpack.json", 20_000_000)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)

    cells = [{"endpoint": e, "per_request": k, "runs": []}
             for e in args.endpoints for k in args.per_request]
    for i in range(args.runs):
        for cell in (cells if i % 2 == 0 else reversed(cells)):
            r = run_once(args, cell["endpoint"], cell["per_request"])
            cell["runs"].append(r)
            print(f"run {i + 1} {cell['endpoint']:16} x{cell['per_request']:<6}: "
                  f"{r['records_per_s']:>10,} records/s until in Parquet "
                  f"({r['acked_records_per_s']:,} acknowledged/s, "
                  f"server {r['server_cpu_us_per_record']:.2f} CPU µs/record)", flush=True)
    for cell in cells:
        cell["median_records_per_s"] = statistics.median(r["records_per_s"] for r in cell["runs"])
        cell["median_server_cpu_us_per_record"] = statistics.median(
            r["server_cpu_us_per_record"] for r in cell["runs"])
        cell["wire_bytes_per_record"] = statistics.median(
            r["wire_bytes"] / r["records"] for r in cell["runs"])

    result = {
        "benchmark": "arc_msgpack",
        "commit": args.commit or commit(),
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "machine": machine(),
        "settings": {"records": args.records, "connections": args.connections,
                     "wal_sync": "always", "runs": args.runs, "max_file_age": "1s"},
        "cells": cells,
        "target_records_per_s": TARGET,
        "note": args.note,
    }
    write_json(args.json, result)
    print()
    for c in cells:
        print(f"{c['endpoint']:16} x{c['per_request']:<6} {c['median_records_per_s']:>12,.0f} "
              f"records/s (median)  vs {TARGET:,}: {c['median_records_per_s'] / TARGET:.2f}x")
    publish(args, section(result, args), BEGIN, END)


if __name__ == "__main__":
    main()
