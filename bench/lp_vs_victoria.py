#!/usr/bin/python3
"""InfluxDB line protocol into ingot against VictoriaMetrics (Debian's `victoria-metrics`): same
run, same machine, same bodies.

Usage: bench/lp_vs_victoria.py [--records N] [--runs R] [--connections C]
                               [--records-per-request K] [--build DIR] [--json OUT] [--no-docs]

Each run starts a fresh server and sends N points with `ingot-load --endpoint lp` (Telegraf-like
`cpu` points, 2 tags and 3 fields, `POST /write?db=bench`, K points a request, C connections,
closed loop; the bodies are built before the clock starts and are byte for byte the same for both
servers). The two servers alternate, so machine noise hits both alike.

- ingot: `ingot serve --wal-sync always --max-file-age 1s` (bench/otlp_vs_json.py's server). The
  time counted runs from the start of `ingot-load` until /metrics says every point is in a
  Parquet file (`ingot_parquet_rows_total` >= points, memtable empty): decode, WAL fdatasync,
  memtable, Parquet.
- VictoriaMetrics: `victoria-metrics -storageDataPath <fresh dir>`, its defaults (it acknowledges
  once a point is in its in-memory buffers; it has no WAL). Two figures: points/s acknowledged
  (`ingot-load`'s own rate: the most favourable to VictoriaMetrics, since nothing is durable nor
  searchable yet) and points/s until a query counts every sample of the run
  (`sum(count_over_time(cpu_requests[...]))`, i.e. until they are searchable; a fresh database
  takes several seconds to show new series, which dominates short runs).

The target ratio is the strict one: ingot until in Parquet over VictoriaMetrics acknowledged.
Prints the medians and the ratio against the 1.0x target, writes bench/results/lp_vs_victoria.json
and replaces (or appends) its section of docs/benchmarks.md between its own markers.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convert_vs_duckdb import commit, machine  # noqa: E402
from otlp_vs_json import measure, persisted, publish, start_server  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELS = {"ingot": "ingot (`--wal-sync always`, until in Parquet)",
          "victoria": "VictoriaMetrics (defaults, until searchable)"}
TARGET_RATIO = 1.0
BEGIN = "<!-- lp_vs_victoria:begin (written by bench/lp_vs_victoria.py; edits inside are overwritten) -->"
END = "<!-- lp_vs_victoria:end -->"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_victoria(data_dir, log_path):
    port = free_port()
    log = open(log_path, "w")
    proc = subprocess.Popen(
        ["victoria-metrics", f"-storageDataPath={data_dir}", f"-httpListenAddr=127.0.0.1:{port}",
         "-retentionPeriod=100y", "-search.latencyOffset=0s"],
        stderr=log, stdout=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("victoria-metrics exited: see " + log_path)
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("victoria-metrics did not start")


def victoria_samples(url, start_ms):
    """Samples of cpu_requests VictoriaMetrics can find, from `start_ms` to two days later."""
    end_s = start_ms / 1000 + 2 * 86400
    q = urllib.parse.urlencode({"query": "sum(count_over_time(cpu_requests[3d]))",
                                "time": f"{end_s:.3f}", "nocache": "1"})
    with urllib.request.urlopen(f"{url}/api/v1/query?{q}", timeout=10) as r:
        result = json.loads(r.read())["data"]["result"]
    return int(float(result[0]["value"][1])) if result else 0


def run_once(args, kind, work):
    data_dir = tempfile.mkdtemp(prefix=f"lp-bench-{kind}-", dir=work)
    log = os.path.join(work, f"server-{kind}.log")
    start_ms = int(time.time() * 1000)
    if kind == "ingot":
        proc, url = start_server(args.build, data_dir, log)
        stored = lambda acked: persisted(url, acked)  # noqa: E731
    else:
        proc, url = start_victoria(data_dir, log)
        stored = lambda acked: victoria_samples(url, start_ms) >= acked  # noqa: E731
    return measure(
        proc, data_dir,
        [os.path.join(args.build, "ingot-load"), "--url", url, "--endpoint", "lp",
         "--org", "bench", "--records", str(args.records), "--records-per-request",
         str(args.records_per_request), "--connections", str(args.connections),
         "--start-timestamp-ms", str(start_ms), "--duration", "600s", "--warmup", "0s",
         "--json", "--no-progress"],
        args.records, kind, stored)


def section(result, args):
    m = result["machine"]
    median = result["median_records_per_s"]
    cpu = result["median_server_cpu_us_per_record"]
    acked = result["median_acked_records_per_s"]
    ratio = result["ratio_ingot_to_victoria"]
    ratio_stored = result["ratio_until_stored"]
    rows = "\n".join(
        f"| {LABELS[k]} | {median[k]:,.0f} | "
        f"{', '.join(format(r['records_per_s'], ',') for r in result['runs'][k])} | "
        f"{acked[k]:,.0f} | {cpu[k]:.2f} |"
        for k in ("ingot", "victoria"))
    return f"""{BEGIN}
## Line protocol: ingot vs VictoriaMetrics (`bench/lp_vs_victoria.py`)

`bench/lp_vs_victoria.py --records {args.records} --runs {args.runs} --connections {args.connections} --records-per-request {args.records_per_request}`
(commit {result['commit']}, {result['date']}; {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB;
servers and `ingot-load` on the same machine; VictoriaMetrics {result['victoria_version']}).
Each run: a fresh server, {args.records:,} Telegraf-like `cpu` points (2 tags, 3 fields,
`ingot-load --endpoint lp`, the same bodies for both), {args.records_per_request} a request,
{args.connections} connections, closed loop. ingot runs `--wal-sync always` and counts until every
point is in a Parquet file; VictoriaMetrics runs with its defaults (no fsync before it answers)
and counts until a query finds every sample. Median of {args.runs} runs, alternating the two.
Server CPU is the server process's user + system time over the same interval, per point.

| server | points/s until stored (median) | runs | points/s acknowledged (median) | server CPU µs/point (median) |
|---|---|---|---|---|
{rows}

ingot until in Parquet / VictoriaMetrics acknowledged: **{ratio:.2f}x** points/s (target ≥ {TARGET_RATIO}x: {'met' if ratio >= TARGET_RATIO else 'not met'});
until stored on both sides (VictoriaMetrics: searchable): {ratio_stored:.2f}x.
{result['note']}
{END}"""


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--records", type=int, default=2_000_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--connections", type=int, default=4)
    p.add_argument("--records-per-request", type=int, default=5000)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--work", default="/tmp/ingot-lp-bench")
    p.add_argument("--json", default=os.path.join(ROOT, "bench", "results", "lp_vs_victoria.json"))
    p.add_argument("--docs", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    p.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    p.add_argument("--note", default="", help="a sentence for the docs (e.g. machine load)")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    # Debian's build prints no -version: the package's version says which it is.
    version = subprocess.run(["victoria-metrics", "-version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True).stdout.strip() or (
        "Debian package " + subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", "victoria-metrics"],
            capture_output=True, text=True).stdout.strip())

    runs = {"ingot": [], "victoria": []}
    for i in range(args.runs):
        order = ["ingot", "victoria"] if i % 2 == 0 else ["victoria", "ingot"]
        for kind in order:
            r = run_once(args, kind, args.work)
            runs[kind].append(r)
            print(f"run {i + 1} {kind:8}: {r['records_per_s']:>10,} points/s until stored "
                  f"({r['acked_records_per_s']:,} acknowledged/s, "
                  f"server {r['server_cpu_us_per_record']:.2f} CPU µs/point)", flush=True)

    median = {k: statistics.median(r["records_per_s"] for r in v) for k, v in runs.items()}
    acked = {k: statistics.median(r["acked_records_per_s"] for r in v) for k, v in runs.items()}
    cpu = {k: statistics.median(r["server_cpu_us_per_record"] for r in v)
           for k, v in runs.items()}
    ratio = median["ingot"] / acked["victoria"]
    ratio_stored = median["ingot"] / median["victoria"]
    result = {
        "benchmark": "lp_vs_victoria",
        "commit": commit(),
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "machine": machine(),
        "victoria_version": version,
        "settings": {"records": args.records, "records_per_request": args.records_per_request,
                     "connections": args.connections, "runs": args.runs,
                     "ingot": "--wal-sync always --max-file-age 1s"},
        "runs": runs,
        "median_records_per_s": median,
        "median_acked_records_per_s": acked,
        "median_server_cpu_us_per_record": cpu,
        "ratio_ingot_to_victoria": round(ratio, 3),
        "ratio_until_stored": round(ratio_stored, 3),
        "target": {"ratio": TARGET_RATIO, "met": ratio >= TARGET_RATIO},
        "note": args.note,
    }
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"\ningot until in Parquet / VictoriaMetrics acknowledged: {ratio:.2f}x points/s "
          f"(target {TARGET_RATIO}x: {'met' if ratio >= TARGET_RATIO else 'not met'}); "
          f"until stored on both sides: {ratio_stored:.2f}x")
    publish(args, section(result, args), BEGIN, END)


if __name__ == "__main__":
    main()
