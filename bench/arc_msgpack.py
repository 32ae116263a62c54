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
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from endpoints import result_of, run_cells, table  # noqa: E402
from otlp_vs_json import add_common_arguments, publish, write_json  # noqa: E402

TARGET = 2_400_000
BEGIN = "<!-- arc_msgpack:begin (written by bench/arc_msgpack.py; edits inside are overwritten) -->"
END = "<!-- arc_msgpack:end -->"


def section(result, args):
    m = result["machine"]
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

{table(result['cells'])}

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

    cells = run_cells(args, args.endpoints, args.per_request)
    result = result_of(args, "arc_msgpack", cells, target_records_per_s=TARGET)
    write_json(args.json, result)
    print()
    for c in cells:
        print(f"{c['endpoint']:16} x{c['per_request']:<6} {c['median_records_per_s']:>12,.0f} "
              f"records/s (median)  vs {TARGET:,}: {c['median_records_per_s'] / TARGET:.2f}x")
    publish(args, section(result, args), BEGIN, END)


if __name__ == "__main__":
    main()
