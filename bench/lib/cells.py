"""One benchmark cell, from a fresh server to a verified result.

closed / open  start ingot, run ingot-load (closed loop, or open loop at a rate), poll /metrics
               until every acknowledged record is in Parquet, stop ingot with SIGTERM, count the
               rows with DuckDB (must equal the records acknowledged: otherwise the cell fails).
               Throughput = acknowledged records / (start of the load -> all in Parquet).
memory         buffer one width's records in memory (files only at shutdown), read what the
               memtable holds per record, then stop: the one Parquet file it writes is ingot's
               output for exactly the records DuckDB converts.
duckdb         dump the records ingot-load sends, time DuckDB and `ingot convert` on them.

A cell during which other processes used more than `ctx.disturbed_cores` of the machine is run
again (up to `ctx.retries` times); the attempt least disturbed is kept and flagged when it still was.
"""
import os
import resource
import shutil
import statistics
import time
from dataclasses import dataclass, field

from . import duckdb, load, metrics, plan, progress, sysinfo
from .sampler import Sampler
from .server import Server


class CellFailed(Exception):
    pass


@dataclass
class Context:
    ingot: str
    ingot_load: str
    work: str
    duration: float
    warmup: float
    memory_limit: str
    max_file_age: str
    server_flags: list
    runs: int = 1
    duckdb_runs: int = 3
    retries: int = 2
    disturbed_cores: float = 0.3
    quiet_wait: float = 30
    persist_timeout: float = 300
    keep_data: bool = False
    dumps: dict = field(default_factory=dict)  # width -> NDJSON path


def run(ctx, cell, label, rate=None):
    """The cell's result: the median of ctx.runs runs (by throughput), each the least disturbed of
    up to 1 + ctx.retries attempts."""
    if cell.kind == "duckdb":
        return _baseline(ctx, cell, label)
    once = {"closed": _load_cell, "open": _load_cell, "memory": _memory_cell}[cell.kind]
    runs = []
    for i in range(ctx.runs):
        run_label = label if ctx.runs == 1 else "%s run %d/%d" % (label, i + 1, ctx.runs)
        runs.append(_least_disturbed(ctx, lambda: once(ctx, cell, run_label, rate), run_label))
    return _median_run(runs)


def _least_disturbed(ctx, attempt, label):
    tries = []
    for n in range(1 + ctx.retries):
        _wait_quiet(ctx, label)
        r = attempt()
        tries.append(r)
        other = r["machine_cpu"]["other_cores"]
        if other <= ctx.disturbed_cores:
            break
        progress.note("%s: other processes used %.2f cores meanwhile (load average %.1f): %s" % (
            label, other, sysinfo.loadavg()["1m"],
            "running it again" if n < ctx.retries else "keeping the least disturbed attempt"))
    best = min(tries, key=lambda r: r["machine_cpu"]["other_cores"])
    best["attempts"] = len(tries)
    best["disturbed"] = best["machine_cpu"]["other_cores"] > ctx.disturbed_cores
    return best


def _wait_quiet(ctx, label):
    def show(other, waited):
        progress.status("%s  waiting for a quieter machine: other processes use %.2f cores "
                        "(%.0f s of at most %.0f)" % (label, other, waited, ctx.quiet_wait))
    waited = sysinfo.wait_quiet(ctx.disturbed_cores, ctx.quiet_wait, show)
    if waited >= ctx.quiet_wait:
        progress.note("%s: the machine stayed busy for %.0f s; running anyway" % (label, waited))


def _median_run(runs):
    if len(runs) == 1:
        return runs[0]
    key = (lambda r: r["e2e"]["records_per_s"]) if "e2e" in runs[0] else (lambda r: 0)
    ordered = sorted(runs, key=key)
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["runs"] = [{"e2e_records_per_s": r.get("e2e", {}).get("records_per_s"),
                       "ack_records_per_s": r.get("ack_records_per_s"),
                       "p99_ms": r.get("latency_ms", {}).get("p99"),
                       "other_cores": r["machine_cpu"]["other_cores"]} for r in runs]
    return chosen


def _cell_dir(ctx, cell):
    d = os.path.join(ctx.work, "cells", cell.id.replace("/", "_"))
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d)
    return d


def _load_spec(ctx, cell, rate=None, records=None):
    width = plan.WIDTHS[cell.width]
    spec = {"workload": width.workload, "records_per_request": cell.records_per_request,
            "connections": cell.connections, "bodies": cell.bodies(), "seed": plan.SEED,
            "start_ms": plan.START_MS, "gzip": cell.gzip}
    if records:
        spec["records"] = records
    else:
        spec.update(duration=ctx.duration, warmup=ctx.warmup, rate=rate)
    return spec


def _server_status(sampler):
    s = sampler.latest
    if not s:
        return ""
    return "  | server %.2f cores, RSS %.0f MB, Parquet %s rows" % (
        s.get("cores", 0), s.get("rss_mb", 0), progress.grouped(s.get("parquet_rows", 0)))


# ---- closed and open loop ----

def _load_cell(ctx, cell, label, rate):
    d = _cell_dir(ctx, cell)
    flags = ["--wal-sync", cell.wal_sync, "--memory-limit", ctx.memory_limit,
             "--max-file-age", ctx.max_file_age] + ctx.server_flags
    loadavg = sysinfo.loadavg()
    with Server(ctx.ingot, os.path.join(d, "data"), flags, os.path.join(d, "server.log")) as srv:
        srv.start()
        ready_kb = sysinfo.process_memory_kb(srv.pid)["VmRSS"]
        sampler = Sampler(srv.pid, srv.url)
        sampler.start()
        marks = {}

        def on_started(t):
            marks.update(t0=t, ticks0=sysinfo.process_ticks(srv.pid), cpu=sysinfo.CpuWindow())

        spec = _load_spec(ctx, cell, rate=rate)
        lr = load.run(ctx.ingot_load, srv.url, spec, label, on_started,
                      extra_status=lambda: _server_status(sampler))
        report = lr["report"]
        acked = report["whole_run"]["records_ok"]
        done_at, _ = metrics.wait_persisted(srv.url, acked, ctx.persist_timeout, label)
        server_ticks = sysinfo.process_ticks(srv.pid) - marks["ticks0"]
        cpu = marks["cpu"].close(server_ticks + report["client_cpu_s"] * sysinfo.TICK)
        mem_kb = sysinfo.process_memory_kb(srv.pid)
        final = metrics.fetch(srv.url)
        sampler.stop()
        exit_code = srv.stop()
        command = srv.command()
    stored = _verify(d, acked, exit_code, label, ctx.keep_data)
    seconds = done_at - marks["t0"]
    return {
        "id": cell.id, "kind": cell.kind, "width": cell.width,
        "records_per_request": cell.records_per_request, "gzip": cell.gzip,
        "connections": cell.connections, "wal_sync": cell.wal_sync,
        "target_records_per_s": rate,
        "duration_s": ctx.duration, "warmup_s": ctx.warmup, "bodies": spec["bodies"],
        "acknowledged": acked,
        "errors": report["whole_run"]["errors"], "statuses": report["statuses"],
        "first_error_body": report.get("first_error_body", {}),
        "missed": report.get("missed", 0),
        "e2e": {"seconds": seconds, "records_per_s": acked / seconds},
        "ack_records_per_s": report["records_per_s"],
        "load_seconds": lr["ended"] - marks["t0"],
        "drain_s": done_at - lr["ended"],
        "mb_per_s": report["mb_per_s"],
        "json_bytes_per_record": report["bytes"]["raw"] / max(report["records_sent"], 1),
        "latency_ms": _percentiles(report["latency_ms"]),
        "service_ms": _percentiles(report["service_ms"]),
        "server": {"cpu_cores": server_ticks / sysinfo.TICK / seconds,
                   "cpu_us_per_record": server_ticks / sysinfo.TICK / acked * 1e6,
                   "rss_ready_mb": ready_kb / 1024, "rss_end_mb": mem_kb["VmRSS"] / 1024,
                   "rss_peak_mb": mem_kb["VmHWM"] / 1024, "exit_code": exit_code},
        "client": {"cpu_s": report["client_cpu_s"],
                   "cpu_cores": report["client_cpu_s"] / max(lr["ended"] - marks["t0"], 1e-9)},
        "machine_cpu": cpu, "loadavg_before": loadavg,
        "wal": _wal_figures(final),
        "parquet": _parquet_figures(stored, final),
        "series": sampler.series(marks["t0"]),
        "server_command": command, "load_command": lr["command"],
    }


def _percentiles(histogram):
    """ingot-load's latency figures, with None instead of 0 when no answer came after the warmup
    (a cell whose requests take longer than the run): nothing was measured."""
    if histogram.get("count", 1) == 0:
        return {k: (0 if k == "count" else None) for k in histogram}
    return histogram


def _wal_figures(m):
    fsyncs = m.get("ingot_wal_fsync_seconds_count", 0)
    groups = m.get("ingot_wal_group_records_count", 0)
    return {"fsyncs": fsyncs,
            "fsync_mean_ms": 1e3 * m.get("ingot_wal_fsync_seconds_sum", 0) / fsyncs if fsyncs else 0,
            "requests_per_group": m.get("ingot_wal_group_records_sum", 0) / groups if groups else 0,
            "bytes": m.get("ingot_wal_bytes_total", 0)}


def _parquet_figures(stored, m):
    return {"files": stored["files"], "bytes": stored["bytes"], "rows": stored["rows"],
            "bytes_per_record": stored["bytes"] / max(stored["rows"], 1),
            "rejected_requests_memory": m.get("ingot_rejected_requests_total", 0)}


def _verify(cell_dir, acknowledged, exit_code, label, keep_data):
    """Counts the rows with DuckDB; they must be exactly the acknowledged records."""
    data = os.path.join(cell_dir, "data")
    if exit_code != 0:
        raise CellFailed("%s: ingot serve exited %s after SIGTERM (log: %s)"
                         % (label, exit_code, os.path.join(cell_dir, "server.log")))
    stored = duckdb.count(data)
    if stored["rows"] != acknowledged:
        raise CellFailed("%s: DuckDB counts %s rows in %s, but %s records were acknowledged"
                         % (label, progress.grouped(stored["rows"]), data,
                            progress.grouped(acknowledged)))
    if not keep_data:
        shutil.rmtree(data)
    return stored


# ---- memory per buffered record ----

def _memory_cell(ctx, cell, label, _rate):
    """Every record of the width sent once and held in memory (no file until shutdown)."""
    d = _cell_dir(ctx, cell)
    width = plan.WIDTHS[cell.width]
    flags = ["--max-file-age", "24h", "--max-file-rows", "1000000000", "--max-file-size", "64GiB",
             "--memory-limit", "8GiB"] + ctx.server_flags
    loadavg = sysinfo.loadavg()
    with Server(ctx.ingot, os.path.join(d, "data"), flags, os.path.join(d, "server.log")) as srv:
        srv.start()
        ready_kb = sysinfo.process_memory_kb(srv.pid)["VmRSS"]
        marks = {}
        lr = load.run(ctx.ingot_load, srv.url, _load_spec(ctx, cell, records=width.records), label,
                      lambda t: marks.update(t0=t, ticks0=sysinfo.process_ticks(srv.pid),
                                             cpu=sysinfo.CpuWindow()))
        acked = lr["report"]["whole_run"]["records_ok"]
        m = _wait_ingested(srv.url, acked)
        cpu = marks["cpu"].close(sysinfo.process_ticks(srv.pid) - marks["ticks0"]
                                 + lr["report"]["client_cpu_s"] * sysinfo.TICK)
        held_kb = sysinfo.process_memory_kb(srv.pid)
        stop_started = time.monotonic()
        exit_code = srv.stop()
        shutdown_s = time.monotonic() - stop_started
        command = srv.command()
    stored = _verify(d, acked, exit_code, label, ctx.keep_data)
    buffered = m["ingot_records_ingested_total"] - m.get("ingot_parquet_rows_total", 0)
    json_bytes = m["ingot_ingested_bytes_total"]
    # What holds the buffered records: the memtable, and partitions sealed but not yet written
    # (none with these flags, but a sealed partition still holds its records).
    memtable = m["ingot_memtable_bytes"] + m.get("ingot_persist_backlog_bytes", 0)
    if buffered < acked:
        raise CellFailed("%s: only %s of %s records were still buffered when measured (a file "
                         "was written early?)" % (label, progress.grouped(buffered),
                                                  progress.grouped(acked)))
    return {
        "id": cell.id, "kind": "memory", "width": cell.width, "records": acked,
        "buffered": buffered, "json_bytes": json_bytes,
        "json_bytes_per_record": json_bytes / acked,
        "memtable_bytes": memtable,
        "memtable_bytes_per_record": memtable / max(buffered, 1),
        "memtable_ratio": (memtable / max(buffered, 1)) / (json_bytes / acked),
        "memory_used_bytes": m["ingot_memory_used_bytes"],
        "memory_used_ratio": (m["ingot_memory_used_bytes"] / max(buffered, 1)) / (json_bytes / acked),
        "rss_ready_mb": ready_kb / 1024, "rss_held_mb": held_kb["VmRSS"] / 1024,
        "rss_growth_ratio": (held_kb["VmRSS"] - ready_kb) * 1024 / json_bytes,
        "rss_peak_mb": held_kb["VmHWM"] / 1024,
        "shutdown_s": shutdown_s,
        "parquet": {"files": stored["files"], "bytes": stored["bytes"], "rows": stored["rows"],
                    "bytes_per_record": stored["bytes"] / max(stored["rows"], 1)},
        "machine_cpu": cpu, "loadavg_before": loadavg,
        "server_command": command, "load_command": lr["command"],
    }


def _wait_ingested(url, acked, timeout=60):
    """The metrics once every acknowledged record is counted in the memtable."""
    deadline = time.monotonic() + timeout
    while True:
        m = metrics.fetch(url)
        if m.get("ingot_records_ingested_total", 0) >= acked or time.monotonic() > deadline:
            return m
        time.sleep(0.05)


# ---- DuckDB (and ingot convert) on the same records ----

def _baseline(ctx, cell, label):
    width = plan.WIDTHS[cell.width]
    d = _cell_dir(ctx, cell)
    ndjson = os.path.join(ctx.work, "dumps", "%s-%d.ndjson" % (cell.width, width.records))
    os.makedirs(os.path.dirname(ndjson), exist_ok=True)
    progress.status("%s  writing %s %s records with ingot-load --dump-ndjson" % (
        label, progress.grouped(width.records), width.workload))
    dump_cmd = load.dump_ndjson(ctx.ingot_load, ndjson, width.workload, width.records, plan.SEED,
                                plan.START_MS)
    ctx.dumps[cell.width] = ndjson
    duck, ingot = [], []
    for i in range(ctx.duckdb_runs):
        progress.status("%s  run %d/%d: DuckDB COPY ... (FORMAT parquet, COMPRESSION zstd)" % (
            label, i + 1, ctx.duckdb_runs))
        duck.append(_least_disturbed_child(ctx, lambda: duckdb.convert(
            ndjson, os.path.join(d, "duckdb.parquet")), label + " DuckDB"))
        progress.status("%s  run %d/%d: ingot convert" % (label, i + 1, ctx.duckdb_runs))
        ingot.append(_least_disturbed_child(ctx, lambda: duckdb.ingot_convert(
            ctx.ingot, ndjson, os.path.join(d, "ingot.parquet")), label + " ingot convert"))
    duck_s = statistics.median(r["seconds"] for r in duck)
    ingot_s = statistics.median(r["seconds"] for r in ingot)
    result = {
        "id": cell.id, "kind": "duckdb", "width": cell.width, "records": width.records,
        "ndjson_bytes": os.path.getsize(ndjson), "dump_command": dump_cmd,
        "duckdb": {"version": duck[0]["version"], "threads": duck[0]["threads"],
                   "seconds": [r["seconds"] for r in duck],
                   "process_seconds": [r["process_seconds"] for r in duck],
                   "median_s": duck_s, "records_per_s": width.records / duck_s,
                   "parquet_bytes": duck[-1]["bytes"],
                   "bytes_per_record": duck[-1]["bytes"] / width.records,
                   "other_cores": [r["machine_cpu"]["other_cores"] for r in duck]},
        "ingot_convert": {"seconds": [r["seconds"] for r in ingot], "median_s": ingot_s,
                          "records_per_s": width.records / ingot_s,
                          "parquet_bytes": ingot[-1]["bytes"],
                          "bytes_per_record": ingot[-1]["bytes"] / width.records},
        "machine_cpu": {"other_cores": max(r["machine_cpu"]["other_cores"] for r in duck)},
        "disturbed": any(r["disturbed"] for r in duck + ingot),
    }
    if duck[0]["records"] != width.records:
        raise CellFailed("%s: DuckDB read %d records from %s, expected %d"
                         % (label, duck[0]["records"], ndjson, width.records))
    if not ctx.keep_data:
        shutil.rmtree(d)
    return result


def _least_disturbed_child(ctx, fn, label):
    """Runs a child process measurement; what the machine did besides it decides a retry."""
    def attempt():
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        window = sysinfo.CpuWindow()
        r = fn()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        child = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        r["machine_cpu"] = window.close(child * sysinfo.TICK)
        return r
    return _least_disturbed(ctx, attempt, label)
