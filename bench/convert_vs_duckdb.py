#!/usr/bin/python3
"""Times `ingot convert` against DuckDB converting the same NDJSON file to zstd Parquet, in the
same run, alternating the two so that machine noise hits both alike.

Usage: bench/convert_vs_duckdb.py [--records N] [--runs R] [--work DIR] [--json OUT]

Generates the data with bench/gen_logs.py (the generator of BASELINES.md) unless it exists,
then for each run times DuckDB (`COPY (SELECT * FROM read_json(IN)) TO OUT (FORMAT parquet,
COMPRESSION zstd)`, all cores) and `build/ingot convert IN OUT` (all cores), both as whole
processes started from here. Prints a table with the medians and the ratios, and writes them as
JSON. Installs nothing: it needs the README's test set-up (Node.js + tests/e2e/node_modules).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1),
            "kernel": platform.release()}


def commit():
    try:
        return subprocess.check_output(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                       text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def timed(cmd):
    started = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return time.perf_counter() - started, out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--work", default="/tmp/ingot-bench")
    p.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "convert_vs_duckdb.json"))
    p.add_argument("--ingot", default=os.path.join(ROOT, "build", "ingot"))
    args = p.parse_args()

    os.makedirs(args.work, exist_ok=True)
    data = os.path.join(args.work, "logs-%d.ndjson" % args.records)
    if not os.path.exists(data):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_logs.py"),
                        str(args.records), data, "42"], check=True)
    duck_out = os.path.join(args.work, "duckdb.parquet")
    ingot_out = os.path.join(args.work, "ingot.parquet")

    duck_s, ingot_s = [], []
    for run in range(args.runs):
        for who in (("duckdb", "ingot") if run % 2 == 0 else ("ingot", "duckdb")):
            if who == "duckdb":
                seconds, out = timed(["node", os.path.join(ROOT, "bench", "duckdb_convert.mjs"),
                                      data, duck_out])
                duck_info = json.loads(out.stdout)
                duck_s.append(seconds)
            else:
                seconds, _ = timed([args.ingot, "convert", data, ingot_out])
                ingot_s.append(seconds)
            print("run %d %-6s %.3f s" % (run + 1, who, seconds), file=sys.stderr)

    duck_bytes = os.path.getsize(duck_out)
    ingot_bytes = os.path.getsize(ingot_out)
    result = {
        "benchmark": "convert_vs_duckdb",
        "records": args.records,
        "input_bytes": os.path.getsize(data),
        "runs": args.runs,
        "duckdb": {"version": duck_info["version"], "threads": duck_info["threads"],
                   "seconds": duck_s, "median_s": statistics.median(duck_s),
                   "records_per_s": args.records / statistics.median(duck_s),
                   "parquet_bytes": duck_bytes},
        "ingot": {"seconds": ingot_s, "median_s": statistics.median(ingot_s),
                  "records_per_s": args.records / statistics.median(ingot_s),
                  "parquet_bytes": ingot_bytes},
        "speed_ratio": statistics.median(duck_s) / statistics.median(ingot_s),
        "size_ratio": ingot_bytes / duck_bytes,
        "machine": machine(),
        "commit": commit(),
        "date": time.strftime("%Y-%m-%d"),
    }
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print("| | median time | records/s | Parquet size |\n|---|---|---|---|")
    for who in ("duckdb", "ingot"):
        r = result[who]
        print("| %s | %.3f s | %.0f | %.1f MB |" % (who, r["median_s"], r["records_per_s"],
                                                  r["parquet_bytes"] / 1e6))
    print("\ningot is %.2fx DuckDB's speed; its file is %.3fx DuckDB's size (%d records, %d runs, %s)"
          % (result["speed_ratio"], result["size_ratio"], args.records, args.runs,
             result["machine"]["cpu"]))


if __name__ == "__main__":
    main()
