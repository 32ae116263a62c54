#!/usr/bin/python3
"""OTLP logs over HTTP protobuf against `_multi` NDJSON: same run, same machine, same records.

Usage: bench/otlp_vs_json.py [--records N] [--runs R] [--connections C] [--build DIR]
                             [--json OUT] [--no-docs]

Each run starts a fresh `ingot serve` (`--wal-sync always`, gRPC off, `--max-file-age 1s`) and
sends N records with `ingot-load`, 1000 records a request, C connections, closed loop:
`--endpoint multi` (the `logs` workload as NDJSON) or `--endpoint otlp-proto` (the same records
as OTLP log records: body = message, severity from level, the other fields as attributes,
resource service.name; docs/load.md). The two kinds alternate, so machine noise hits both alike.

The time counted runs from the start of `ingot-load` to the moment /metrics says every record is
in a Parquet file: `ingot_parquet_rows_total` >= records and `ingot_memtable_bytes` == 0, the
definition bench/run uses (bench/lib/metrics.py). It covers decode, WAL fdatasync, memtable and
Parquet. Prints the medians, the OTLP/JSON ratio against the 1.5x target and OTLP's rate against
1,000,000 records/s, writes them to bench/results/otlp_vs_json.json, and replaces (or appends)
the "OTLP logs vs JSON" section of docs/benchmarks.md between its own markers, outside the
section bench/run generates.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

# The machine and commit are described the same way as in the convert benchmark.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convert_vs_duckdb import commit, machine  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENDPOINTS = {"json": "multi", "otlp": "otlp-proto"}
LABELS = {"json": "`_multi` NDJSON", "otlp": "OTLP/HTTP protobuf `/v1/logs`"}
TARGET_RATIO = 1.5
TARGET_RATE = 1_000_000
BEGIN = "<!-- otlp_vs_json:begin (written by bench/otlp_vs_json.py; edits inside are overwritten) -->"
END = "<!-- otlp_vs_json:end -->"


def scrape(url):
    with urllib.request.urlopen(url + "/metrics", timeout=5) as r:
        text = r.read().decode()
    values = {}
    for name in ("ingot_parquet_rows_total", "ingot_memtable_bytes"):
        m = re.search(r"^%s(?:\{[^}]*\})? (\S+)$" % name, text, re.M)
        values[name] = float(m.group(1)) if m else 0.0
    return values


def cpu_seconds(pid):
    """User + system CPU time of process `pid` (all its threads), from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(build, data_dir, log_path):
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [os.path.join(build, "ingot"), "serve", "--data-dir", data_dir,
         "--http-addr", "127.0.0.1:0", "--grpc-addr", "", "--wal-sync", "always",
         "--max-file-age", "1s"],
        stderr=log, stdout=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        with open(log_path) as f:
            text = f.read()
        m = re.search(r"listening on (http://[0-9.]+:\d+)", text)
        if m and "ready: accepting data" in text:
            return proc, m.group(1)
        if proc.poll() is not None:
            raise RuntimeError("ingot exited:\n" + text)
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("ingot did not start")


def persisted(url, acked):
    """Whether /metrics says every acknowledged record is in a Parquet file."""
    m = scrape(url)
    return m["ingot_parquet_rows_total"] >= acked and m["ingot_memtable_bytes"] == 0


def measure(proc, data_dir, load_cmd, records, label, stored):
    """Runs `load_cmd` (ingot-load ... --json) against the server `proc`, then waits until
    `stored(acknowledged records)`; stops the server and removes `data_dir`. The figures of the
    run, timed from the start of the load."""
    try:
        started = time.perf_counter()
        cpu0 = cpu_seconds(proc.pid)
        load = subprocess.run(load_cmd, check=True, capture_output=True, text=True)
        acked_s = time.perf_counter() - started
        report = json.loads(load.stdout)
        acked = report["whole_run"]["records_ok"]
        if acked < records:
            raise RuntimeError(f"{label}: only {acked} of {records} records acknowledged: "
                               f"{report.get('statuses')} {report.get('first_error_body')}")
        while not stored(acked):
            if time.perf_counter() - started > 600:
                raise RuntimeError(f"{label}: records not stored after 600 s")
            time.sleep(0.02)
        stored_s = time.perf_counter() - started
        server_cpu_s = cpu_seconds(proc.pid) - cpu0
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        shutil.rmtree(data_dir, ignore_errors=True)
    return {"records": acked, "persisted_s": round(stored_s, 3),
            "records_per_s": round(acked / stored_s), "acked_s": round(acked_s, 3),
            "acked_records_per_s": round(report.get("records_per_s", 0)),
            "wire_bytes": report.get("bytes", {}).get("wire", 0),
            "client_cpu_s": report.get("client_cpu_s", 0),
            "server_cpu_s": round(server_cpu_s, 2),
            "server_cpu_us_per_record": round(server_cpu_s * 1e6 / acked, 3)}


def run_once(build, kind, records, connections, work):
    data_dir = tempfile.mkdtemp(prefix=f"otlp-bench-{kind}-", dir=work)
    proc, url = start_server(build, data_dir, os.path.join(work, f"server-{kind}.log"))
    return measure(
        proc, data_dir,
        [os.path.join(build, "ingot-load"), "--url", url, "--endpoint", ENDPOINTS[kind],
         "--stream", "bench", "--records", str(records), "--records-per-request", "1000",
         "--connections", str(connections), "--duration", "600s", "--warmup", "0s",
         "--json", "--no-progress"],
        records, kind, lambda acked: persisted(url, acked))


def section(result, args):
    m = result["machine"]
    median = result["median_records_per_s"]
    ratio = result["ratio_otlp_to_json"]
    wire = {k: statistics.median(r["wire_bytes"] for r in v) / args.records
            for k, v in result["runs"].items()}
    cpu = result["median_server_cpu_us_per_record"]
    rows = "\n".join(
        f"| {LABELS[k]} | {median[k]:,.0f} | "
        f"{', '.join(format(r['records_per_s'], ',') for r in result['runs'][k])} | "
        f"{cpu[k]:.2f} | {wire[k]:.0f} |"
        for k in ("json", "otlp"))
    return f"""{BEGIN}
## OTLP logs vs JSON (`bench/otlp_vs_json.py`)

`bench/otlp_vs_json.py --records {args.records} --runs {args.runs} --connections {args.connections}`
(commit {result['commit']}, {result['date']}; {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB;
server and `ingot-load` on the same machine). Each run: a fresh `ingot serve --wal-sync always
--max-file-age 1s`, {args.records:,} records of the `logs` workload, 1000 a request,
{args.connections} connections, closed loop; the same generated records as NDJSON (`_multi`) and as
OTLP log records (`ingot-load --endpoint otlp-proto`: message → body, level → severity, the rest →
attributes). Records/s counts from the first request until every record is in a Parquet file
(`ingot_parquet_rows_total`, memtable empty). Median of {args.runs} runs, alternating the two.
Server CPU is the `ingot serve` process's user + system time over the same interval (decode, WAL,
memtable, Parquet) per record: less sensitive than records/s to other load on the machine.

| endpoint | records/s until in Parquet (median) | runs | server CPU µs/record (median) | bytes/record on the wire |
|---|---|---|---|---|
{rows}

OTLP / JSON: **{ratio:.2f}x** records/s (target ≥ {TARGET_RATIO}x: {'met' if ratio >= TARGET_RATIO else 'not met'}),
server CPU per record OTLP / JSON: {cpu['otlp'] / cpu['json']:.2f}x;
OTLP {median['otlp']:,.0f} records/s (target ≥ {TARGET_RATE:,}: {'met' if median['otlp'] >= TARGET_RATE else 'not met'}).
{result['note']}
{END}"""


def update_docs(path, text, begin=BEGIN, end=END):
    """Replaces the section between the markers `begin` and `end` of `path` with `text` (which
    carries them), or appends it."""
    with open(path) as f:
        doc = f.read()
    if begin in doc and end in doc:
        doc = doc[:doc.index(begin)] + text + doc[doc.index(end) + len(end):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    with open(path, "w") as f:
        f.write(doc)


def add_common_arguments(p, work, results, records):
    """The options of the server benchmarks: records a run (default `records`), runs,
    connections, binaries, scratch directory `work`, results file bench/results/`results`, the
    docs section."""
    p.add_argument("--records", type=int, default=records)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--connections", type=int, default=4)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--work", default=work)
    p.add_argument("--json", default=os.path.join(ROOT, "bench", "results", results))
    p.add_argument("--docs", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    p.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    p.add_argument("--note", default="", help="a sentence for the docs (e.g. machine load)")
    p.add_argument("--commit", default=None,
                   help="commit the binaries in --build were built from (default: this HEAD)")


def publish(args, text, begin, end):
    """Says where the results went, and replaces the docs section between `begin` and `end` with
    `text` unless --no-docs."""
    print(f"wrote {args.json}")
    if not args.no_docs:
        update_docs(args.docs, text, begin, end)
        print(f"updated {args.docs}")


def write_json(path, result):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_common_arguments(p, "/tmp/ingot-otlp-bench", "otlp_vs_json.json", 3_000_000)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)

    runs = {"json": [], "otlp": []}
    for i in range(args.runs):
        order = ["json", "otlp"] if i % 2 == 0 else ["otlp", "json"]
        for kind in order:
            r = run_once(args.build, kind, args.records, args.connections, args.work)
            runs[kind].append(r)
            print(f"run {i + 1} {kind:4}: {r['records_per_s']:>10,} records/s until in Parquet "
                  f"({r['acked_records_per_s']:,} acknowledged/s, "
                  f"server {r['server_cpu_us_per_record']:.2f} CPU µs/record, "
                  f"{r['wire_bytes'] / r['records']:.0f} B/record)", flush=True)

    median = {k: statistics.median(r["records_per_s"] for r in v) for k, v in runs.items()}
    cpu = {k: statistics.median(r["server_cpu_us_per_record"] for r in v)
           for k, v in runs.items()}
    ratio = median["otlp"] / median["json"]
    result = {
        "benchmark": "otlp_vs_json",
        "commit": args.commit or commit(),
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "machine": machine(),
        "settings": {"records": args.records, "records_per_request": 1000,
                     "connections": args.connections, "wal_sync": "always", "runs": args.runs,
                     "max_file_age": "1s"},
        "runs": runs,
        "median_records_per_s": median,
        "ratio_otlp_to_json": round(ratio, 3),
        "median_server_cpu_us_per_record": cpu,
        "cpu_ratio_json_to_otlp": round(cpu["json"] / cpu["otlp"], 3),
        "targets": {"ratio": TARGET_RATIO, "otlp_records_per_s": TARGET_RATE,
                    "ratio_met": ratio >= TARGET_RATIO, "rate_met": median["otlp"] >= TARGET_RATE},
        "note": args.note,
    }
    write_json(args.json, result)

    print()
    print(f"{'endpoint':34} {'records/s (median)':>20}")
    for k in ("json", "otlp"):
        print(f"{LABELS[k].replace('`', ''):34} {median[k]:>20,.0f}")
    print(f"{'ratio OTLP / JSON':34} {ratio:>19.2f}x  (target {TARGET_RATIO}x: "
          f"{'met' if ratio >= TARGET_RATIO else 'not met'})")
    print(f"{'server CPU µs/record JSON, OTLP':34} {cpu['json']:>9.2f} {cpu['otlp']:>9.2f}  "
          f"(JSON / OTLP {cpu['json'] / cpu['otlp']:.2f}x)")
    print(f"{'OTLP vs 1,000,000 records/s':34} {median['otlp'] / TARGET_RATE:>19.2f}x  "
          f"({'met' if median['otlp'] >= TARGET_RATE else 'not met'})")
    publish(args, section(result, args), BEGIN, END)


if __name__ == "__main__":
    main()
