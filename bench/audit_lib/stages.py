"""The stage benchmarks (Google Benchmark binaries built with ingot), run and read as JSON."""
import json
import os

from .common import progress, run, warn

# binary (under the build directory), stage, benchmarks in --quick (None: not run), benchmarks
# in full mode. --quick leaves out what takes long to set up or has a fixed long MinTime
# (parquet_bench's whole-file runs: 2 s each over 1M records; auth_bench hashes passwords first).
BENCHES = [
    ("src/protocols/json/json_decode_bench", "decode",
     r"BM_DecodeNdjson/1000$", r"BM_Decode"),
    ("src/parquet/parquet_bench", "encode",
     r"BM_EncodeRowGroup$", r"BM_WriteGenLogs/codec:3/level:1/|BM_EncodeRowGroup$"),
    ("src/wal/wal_bench", "wal",
     r"BM_Crc32c/32768$|BM_Append/bytes:1024/sync_none:0/no_prealloc:0/.*threads:8$",
     r"BM_Crc32c/32768$|BM_Crc32cOneStream/1048576$|"
     r"BM_Append/bytes:1024/sync_none:[01]/no_prealloc:0/.*threads:(1|8)$|"
     r"BM_Append/bytes:262144/sync_none:0/no_prealloc:0/.*threads:8$"),
    ("src/http/http_bench", "http",
     r"BM_KeepAliveGet/real_time/threads:1$|BM_KeepAlivePostJson4KiB/real_time/threads:1$",
     r"BM_KeepAlive.*threads:1$"),
    ("src/auth/auth_bench", "auth", None,
     r"BM_Check(BasicCached|Bearer)/threads:1$|BM_CheckSplunk$|BM_CheckBasicToken$"),
]
# Counters that are exact (not timings): compared strictly.
STRICT_COUNTERS = {"allocs/req": "allocations/request", "bytes_per_record": "bytes/record"}
INFO_COUNTERS = {"p50_us": "µs", "p99_us": "µs", "fsyncs_per_s": "fsyncs/s",
                 "records_per_group": "records/group", "file_bytes": "bytes"}


def discover(build):
    """Benchmarks of the build that BENCHES does not list (a stage added later): every
    executable named *_bench under build/src. Full mode runs them whole, 0.2 s a case."""
    known = {rel for rel, *_ in BENCHES}
    extra = []
    for dirpath, _, files in os.walk(os.path.join(build, "src")):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, build)
            if (name.endswith("_bench") and rel not in known and os.access(path, os.X_OK)
                    and "CMakeFiles" not in rel):
                extra.append((rel, "other: " + os.path.basename(os.path.dirname(rel)), None,
                              r"."))
    return sorted(extra)


def run_all(build, workdir, quick, metrics):
    results = []
    for rel, stage, quick_filter, full_filter in BENCHES + discover(build):
        binary = os.path.join(build, rel)
        name = os.path.basename(rel)
        if quick and quick_filter is None:
            results.append({"benchmark": name, "stage": stage, "skipped": "not in --quick"})
            continue
        if not os.path.exists(binary):
            warn("%s not built: skipped" % rel)
            results.append({"benchmark": name, "stage": stage, "skipped": "not built"})
            continue
        out = os.path.join(workdir, name + ".json")
        cmd = [binary, "--benchmark_filter=" + (quick_filter if quick else full_filter),
               "--benchmark_format=json", "--benchmark_out_format=json",
               "--benchmark_out=" + out]
        if quick or stage.startswith("other"):
            cmd.append("--benchmark_min_time=0.2")
        elif stage != "encode":  # parquet_bench's 2 s runs over 1M records are steady enough
            cmd += ["--benchmark_repetitions=3", "--benchmark_report_aggregates_only=true"]
        progress("stage benchmark %s (%s)" % (name, stage))
        r = run(cmd, check=False, timeout=1800, cwd=workdir)
        if r.returncode != 0 or not os.path.exists(out):
            warn("%s exited %d: %s" % (name, r.returncode, (r.stderr or "")[-300:]))
            results.append({"benchmark": name, "stage": stage, "error": r.returncode})
            continue
        data = json.load(open(out))
        for b in data.get("benchmarks", []):
            if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
                continue
            if b.get("error_occurred"):
                results.append({"benchmark": name, "case": b["name"], "stage": stage,
                                "error": b.get("error_message")})
                continue
            case = b.get("run_name", b["name"])
            entry = {"benchmark": name, "case": case, "stage": stage,
                     "real_time": b.get("real_time"), "time_unit": b.get("time_unit")}
            key = "stage.%s.%s" % (name, case)
            if "items_per_second" in b:
                entry["items_per_s"] = b["items_per_second"]
                metrics.add(key + ".items_per_s", b["items_per_second"], "items/s",
                            better="higher", kind="noisy")
            else:
                metrics.add(key + ".time", b["real_time"], b.get("time_unit", "ns"),
                            better="lower", kind="noisy")
            if "bytes_per_second" in b:
                entry["mb_per_s"] = b["bytes_per_second"] / 1e6
            for counter, unit in STRICT_COUNTERS.items():
                if counter in b:
                    entry[counter] = b[counter]
                    metrics.add(key + "." + counter.replace("/", "_per_"), b[counter], unit,
                                better="lower", kind="strict")
            for counter, unit in INFO_COUNTERS.items():
                if counter in b:
                    entry[counter] = b[counter]
            results.append(entry)
            progress("  %-70s %s" % (case, _describe(entry)))
    return results


def _describe(e):
    if "items_per_s" in e:
        s = "%.3gM items/s" % (e["items_per_s"] / 1e6)
    else:
        s = "%.4g %s" % (e["real_time"], e["time_unit"])
    if "mb_per_s" in e:
        s += ", %.0f MB/s" % e["mb_per_s"]
    if "allocs/req" in e:
        s += ", %.2f allocs/req" % e["allocs/req"]
    return s
