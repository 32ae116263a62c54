"""bench/run's command line: choose the cells, run them in order, save the results after each cell,
then write the charts and the generated part of docs/benchmarks.md."""
import argparse
import json
import os
import platform
import sys
import time

from . import cells as cellmod
from . import plan, progress, report, sysinfo, targets

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESULTS = os.path.join(ROOT, "bench", "results")

# The order cells run in: the baselines first (their dumps feed nothing else, but a failure there
# is cheap to find), then closed loop (the open-loop rate derives from it), then the rest.
ORDER = {"duckdb": 0, "closed": 1, "open": 2, "memory": 3}


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="bench/run",
        description="End-to-end benchmark of ingot serve against DuckDB: a workload matrix "
                    "(record width, records per request, gzip, connections, --wal-sync), each "
                    "cell verified with DuckDB. Writes bench/results/matrix.json, docs/img/*.png "
                    "and the generated part of docs/benchmarks.md.")
    profile = p.add_mutually_exclusive_group()
    profile.add_argument("--quick", dest="profile", action="store_const", const="quick",
                         help="a subset answering every target, a few minutes (default)")
    profile.add_argument("--full", dest="profile", action="store_const", const="full",
                         help="the whole matrix (144 closed-loop cells; over an hour)")
    p.set_defaults(profile="quick")
    p.add_argument("--only", help="comma-separated shell patterns of cell ids, e.g. "
                                  "'closed/typical/*/c4/*' (see --list); results go to "
                                  "bench/results/matrix[-full]-only.json and the docs are left "
                                  "alone")
    p.add_argument("--list", action="store_true", help="print the cell ids and exit")
    p.add_argument("--duration", type=float, help="measured seconds of each load run "
                                                  "(default: quick 10, full 30)")
    p.add_argument("--warmup", type=float, default=2, help="seconds before the measured window "
                   "(latency and ack rate leave it out; the end-to-end figure does not)")
    p.add_argument("--runs", type=int, default=1, help="runs of each cell; the median is kept")
    p.add_argument("--duckdb-runs", type=int, default=3, help="DuckDB and ingot convert runs "
                                                            "per width (median)")
    p.add_argument("--build-dir", "--build", dest="build", default=os.path.join(ROOT, "build"),
                   help="CMake build directory holding ingot and ingot-load (default build/, "
                        "what scripts/build.sh makes)")
    p.add_argument("--work", default="/tmp/ingot-bench-run",
                   help="NDJSON dumps, data directories and server logs")
    p.add_argument("--memory-limit", default="2GiB", help="ingot serve --memory-limit")
    p.add_argument("--max-file-age", default="1s",
                   help="ingot serve --max-file-age: bounds the wait for the last records' file")
    p.add_argument("--server-flag", action="append", default=[],
                   help="extra ingot serve flag (repeatable), e.g. --server-flag=--zstd-level=3")
    p.add_argument("--open-rate", type=float,
                   help="open-loop rate in records/s (default: half the closed-loop throughput "
                        "measured in this run)")
    p.add_argument("--retries", type=int, default=2,
                   help="re-runs of a cell disturbed by other processes")
    p.add_argument("--disturbed-cores", type=float, default=0.3,
                   help="CPU (cores) other processes may use during a cell before it is re-run")
    p.add_argument("--quiet-wait", type=float, default=30,
                   help="seconds to wait, before each cell, for other processes to use less "
                        "than --disturbed-cores")
    p.add_argument("--keep-data", action="store_true", help="keep each cell's data directory")
    p.add_argument("--out", help="results file (default bench/results/matrix.json, "
                                 "matrix-full.json with --full)")
    p.add_argument("--no-docs", action="store_true", help="do not write docs or charts")
    p.add_argument("--report-only", action="store_true",
                   help="run nothing: regenerate the charts and docs/benchmarks.md from --out")
    args = p.parse_args(argv)
    if args.duration is None:
        args.duration = 30 if args.profile == "full" else 10
    if args.out is None:
        name = "matrix" + ("-full" if args.profile == "full" else "") + \
            ("-only" if args.only else "") + ".json"
        args.out = os.path.join(RESULTS, name)
    args.docs = not args.no_docs and (not args.only or args.report_only)
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    cells = plan.select(plan.quick() if args.profile == "quick" else plan.full(), args.only,
                        open_rate_given=bool(args.open_rate))
    if not cells:
        raise SystemExit("bench/run: --only %r matches no cell of the %s profile (see --list)"
                         % (args.only, args.profile))
    cells.sort(key=lambda c: ORDER[c.kind])
    if args.list:
        print("\n".join(c.id for c in cells))
        return 0
    if args.report_only:
        with open(args.out) as f:
            results = json.load(f)
        results["targets"] = targets.evaluate(results)  # derived: judged by this code's rules
        save(results, args.out)
        write_outputs(results, args)
        return 0
    results = new_results(args)
    failures = run_cells(cells, args, results)
    results["wall_s"] = time.monotonic() - results.pop("_started")
    results["loadavg"]["end"] = sysinfo.loadavg()
    results["targets"] = targets.evaluate(results)
    save(results, args.out)
    if args.docs:
        write_outputs(results, args)
    print_summary(results, args.out)
    for f in failures:
        progress.note("FAILED " + f)
    return 1 if failures else 0


def context(args):
    return cellmod.Context(
        ingot=os.path.join(args.build, "ingot"), ingot_load=os.path.join(args.build, "ingot-load"),
        work=args.work, duration=args.duration, warmup=args.warmup,
        memory_limit=args.memory_limit, max_file_age=args.max_file_age,
        server_flags=args.server_flag, runs=args.runs, duckdb_runs=args.duckdb_runs,
        retries=args.retries, disturbed_cores=args.disturbed_cores,
        quiet_wait=args.quiet_wait, keep_data=args.keep_data)


def new_results(args):
    ingot = os.path.join(args.build, "ingot")
    build = sysinfo.build_info(os.path.abspath(args.build))
    return {
        "benchmark": "bench/run", "profile": args.profile, "only": args.only,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "commit": sysinfo.commit(build["source"] or ROOT), "build": build,
        "machine": sysinfo.machine(),
        "versions": {"ingot": sysinfo.version([ingot, "--version"]),
                     "node": sysinfo.version(["node", "--version"]),
                     "python": platform.python_version()},
        "settings": {"duration_s": args.duration, "warmup_s": args.warmup, "runs": args.runs,
                     "duckdb_runs": args.duckdb_runs, "memory_limit": args.memory_limit,
                     "memory_limit_mib": mib(args.memory_limit),
                     "max_file_age": args.max_file_age, "server_flags": args.server_flag,
                     "endpoint": "_multi", "seed": plan.SEED, "start_ms": plan.START_MS,
                     "disturbed_cores": args.disturbed_cores, "open_rate": args.open_rate},
        "widths": {w.name: {"workload": w.workload, "records": w.records, "about": w.about}
                   for w in plan.WIDTHS.values()},
        "loadavg": {"start": sysinfo.loadavg()},
        "cells": [],
        "_started": time.monotonic(),
    }


def mib(size):
    units = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "KB": 1e3, "MB": 1e6, "GB": 1e9, "B": 1}
    for suffix in sorted(units, key=len, reverse=True):
        if size.endswith(suffix):
            return int(float(size[:-len(suffix)]) * units[suffix] / 2**20)
    return int(float(size) / 2**20)


def run_cells(cells, args, results):
    ctx = context(args)
    check_binaries(ctx)
    failures = []
    for i, cell in enumerate(cells):
        label = "[%d/%d] %s" % (i + 1, len(cells), cell.id)
        rate = open_rate(cell, args, results) if cell.kind == "open" else None
        progress.note("%s  (load average %.1f)" % (label, sysinfo.loadavg()["1m"]))
        started = time.monotonic()
        try:
            r = cellmod.run(ctx, cell, label, rate)
        except Exception as e:  # noqa: BLE001 - every failure is reported, the others still run
            failures.append("%s: %s" % (cell.id, e))
            progress.note("%s FAILED: %s" % (label, e))
            r = {"id": cell.id, "kind": cell.kind, "width": cell.width, "failed": str(e)}
        r["wall_s"] = time.monotonic() - started
        results["cells"].append(r)
        progress.note("%s  %s" % (label, report.one_line(r)))
        save(results, args.out)
    return failures


def check_binaries(ctx):
    for path in (ctx.ingot, ctx.ingot_load):
        if not os.access(path, os.X_OK):
            raise SystemExit("bench/run: %s not found; build it (scripts/build.sh) or pass "
                             "--build-dir" % path)


def open_rate(cell, args, results):
    if args.open_rate:
        return args.open_rate
    best = targets.best_closed(results["cells"], width=cell.width,
                               records_per_request=cell.records_per_request, gzip=cell.gzip,
                               wal_sync=cell.wal_sync)
    if best is None:
        raise SystemExit("bench/run: %s needs a closed-loop cell of the same shape to derive its "
                         "rate from, or --open-rate" % cell.id)
    return round(best["e2e"]["records_per_s"] / 2, -3)


def save(results, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({k: v for k, v in results.items() if not k.startswith("_")}, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def write_outputs(results, args):
    from . import charts  # matplotlib, only when charts are drawn
    img = os.path.join(ROOT, "docs", "img")
    written = charts.write_all(results, img)
    doc = os.path.join(ROOT, "docs", "benchmarks.md")
    report.update_doc(doc, results, [os.path.relpath(p, os.path.dirname(doc)) for p in written])
    progress.note("wrote %s and %s" % (os.path.relpath(doc, ROOT),
                                        ", ".join(os.path.relpath(p, ROOT) for p in written)))


def shown(path):
    """A path relative to the current directory when it is below it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def print_summary(results, path):
    progress.note("done in %.0f s; results in %s" % (results["wall_s"], shown(path)))
    for t in results["targets"]:
        status = t["status"] + (" †" if t.get("disturbed") else "")
        progress.note("target %-27s %-14s %s" % (t["target"], status,
                                                  t.get("measured", "").replace("**", "")))
    for w in targets.wal_cost(results["cells"]):
        progress.note("--wal-sync always costs %.0f%% at %d connections (%s vs %s records/s)" % (
            100 * w["cost"], w["connections"], progress.rate(w["always"]),
            progress.rate(w["none"])))
