"""findings.json and the human summary (summary.md), from the audit's measurements."""
import re

from .common import fmt_num


def _get(d, *path, default=None):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return default
        d = d[p]
    return d


def findings(info, metrics, sections, steps, baseline, deltas, regressions, warnings, missing,
             target):
    e2e = sections.get("e2e", {})
    prof = sections.get("profile", {})
    sysc = sections.get("syscalls", {})
    conv = sections.get("convert_allocations", {})
    cg = sections.get("callgrind_convert", {})
    cgs = sections.get("callgrind_server", {})
    sites = sections.get("allocation_sites", {})
    alloc = e2e.get("allocations", {})
    per_record = alloc.get("per_record")

    summary = {
        "commit": info.get("commit"),
        "mode": info["params"]["mode"],
        "e2e_records_per_s": _get(e2e, "load", "records_per_s"),
        "e2e_latency_p99_ms": _get(e2e, "load", "latency_ms", "p99"),
        "server_cpu_us_per_record": e2e.get("server_cpu_us_per_record"),
        "allocations_per_record": per_record,
        "allocation_target": target,
        "allocation_target_met": (per_record < target) if per_record is not None else None,
        "http_allocations_per_request": alloc.get("http_threads_per_request"),
        "convert_allocations_per_record": conv.get("allocations_per_record"),
        "syscalls_per_request": sysc.get("per_request"),
        "fsyncs_per_request": e2e.get("fsyncs_per_request"),
        "wal_fsync_ms_mean": e2e.get("wal_fsync_ms_mean"),
        "server_request_ms_mean": e2e.get("server_request_ms_mean"),
        "server_cores": e2e.get("server_cores_in_window"),
        "instructions_per_record_convert": cg.get("ir_per_record"),
        "instructions_per_record_server": cgs.get("ir_per_record"),
        "top_stage_self": next(iter(prof.get("stages_self_pct", {}).items()), None),
        "regressions": len(regressions),
        "noisy_warnings": len(warnings),
        "baseline": ({k: baseline.get(k) for k in ("commit", "generated", "mode", "source")}
                     if baseline else None),
    }
    out = {
        "summary": summary,
        "run": info,
        "steps": steps,
        "metrics": metrics,
        "hotspots": {
            "by_stage_self_pct": prof.get("stages_self_pct"),
            "by_stage_including_kernel_and_allocator_pct": prof.get("stages_inclusive_pct"),
            "kernel_pct": prof.get("kernel_pct"),
            "kernel_by_syscall_pct": prof.get("kernel_syscalls_pct"),
            "kernel_by_stage_pct": prof.get("kernel_by_stage_pct"),
            "page_faults_by_stage_pct": prof.get("page_faults_by_stage_pct"),
            "allocator_by_stage_pct": prof.get("allocator_by_stage_pct"),
            "threads_pct": prof.get("threads_pct"),
            "by_thread_stage_self_pct": prof.get("stages_self_pct_by_thread"),
            "page_faults_by_function_pct": prof.get("page_faults_by_function_pct"),
            "page_faults_by_thread_pct": prof.get("page_faults_by_thread_pct"),
            "top_functions_self": prof.get("top_functions"),
            "samples": prof.get("samples"),
            "complete_stacks_pct": prof.get("complete_stacks_pct"),
            "flamegraph": prof.get("flamegraph"),
            "callgrind_convert_top_functions": cg.get("top_functions"),
        },
        "allocations": {
            "target_per_record": target,
            "e2e": {k: v for k, v in alloc.items() if k != "per_thread"},
            "by_thread_role": _get(sections, "profile_run", "allocations", "per_role"),
            "convert": conv,
            "http_bench_allocs_per_request": {
                b["case"]: b["allocs/req"] for b in sections.get("stage_benchmarks", [])
                if "allocs/req" in b},
            "sites": sites,
        },
        "syscalls": sysc,
        "instructions": {"convert": {k: v for k, v in cg.items() if k != "files"},
                         "server": cgs,
                         "perf_stat": e2e.get("perf_stat")},
        "stage_benchmarks": sections.get("stage_benchmarks"),
        "e2e": {k: v for k, v in e2e.items() if k not in ("allocations", "threads_cpu_s")},
        "comparison": {"baseline": summary["baseline"], "deltas": deltas,
                       "params_differ": {
                           k: {"baseline": (baseline.get("params") or {}).get(k),
                               "current": v}
                           for k, v in info["params"].items()
                           if baseline and (baseline.get("params") or {}).get(k) != v},
                       "missing_from_this_run": missing,
                       "rules": "every metric worse by more than 5% is flagged: strict ones "
                                "(callgrind instructions, allocation and syscall counts) as "
                                "regressions, noisy ones (wall-clock) as noisy regressions; "
                                "nothing is flagged against a baseline of the other mode"},
        "regressions": regressions,
        "noisy_warnings": warnings,
    }
    out["findings"], out["next_actions"] = _analyse(out, sections, target)
    return out


def _analyse(f, sections, target):
    """Findings backed by the numbers above, and what to do about them, most valuable first."""
    found, actions = [], []
    s = f["summary"]
    prof = sections.get("profile", {})
    e2e = sections.get("e2e", {})
    alloc = e2e.get("allocations", {})
    sites = _get(sections, "allocation_sites", "sites", default=[]) or []
    roles = _get(sections, "profile_run", "allocations", "per_role", default={}) or {}
    records_profile = _get(sections, "profile_run", "records_total")
    dec_bench = next((b for b in sections.get("stage_benchmarks") or []
                      if b.get("benchmark") == "json_decode_bench" and "items_per_s" in b
                      and str(b.get("case", "")).startswith("BM_DecodeNdjson/1000")), None)

    # 1. allocations per record against the target
    if s["allocations_per_record"] is not None:
        met = s["allocations_per_record"] < target
        ev = ["%.4g heap allocations per record end to end (target < %g): %s" % (
            s["allocations_per_record"], target, "met" if met else "NOT met")]
        if alloc.get("http_threads_per_request") is not None:
            ev.append("I/O threads (HTTP + decode + commit): %.1f allocations per request of "
                      "1000 records (%.4g per record)" % (alloc["http_threads_per_request"],
                                                         alloc["http_threads_per_record"]))
        if records_profile:
            for role, a in sorted(roles.items(), key=lambda kv: -kv[1]["allocations"]):
                if a["allocations"]:
                    ev.append("%s threads: %.4g allocations per record" % (
                        role, a["allocations"] / records_profile))
        if s["convert_allocations_per_record"] is not None:
            ev.append("ingot convert (decode + encode, 32 MiB chunks): %.4g per record" %
                      s["convert_allocations_per_record"])
        for site in sites[:8]:
            ev.append("site: %s in %s — %.1f per request (%.0f%% of all): `%s` (%s), called "
                      "from %s" % (site["site"], site["function"], site["per_request"] or 0,
                                   100 * site["share"], site.get("code") or "?",
                                   ", ".join(site.get("allocating_call") or []) or "?",
                                   (site.get("called_from") or ["-"])[0]))
        found.append({"id": "allocations-per-record", "severity": "ok" if met else "high",
                      "title": "Heap allocations per record: %.3g (target < %g, %s)" % (
                          s["allocations_per_record"], target, "met" if met else "not met"),
                      "evidence": ev})
        functions = _get(sections, "allocation_sites", "functions", default=[]) or []
        if not met and functions:
            worst = [x for x in functions if x["per_request"]][:3]
            actions.append({
                "action": "Remove the top allocation sites of the request path: " + "; ".join(
                    "%s at %s (%.0f per request): %s" % (
                        x["function"], ", ".join(x["lines"][:4]), x["per_request"],
                        site_advice(x["function"] + " " + " ".join(x["lines"])))
                    for x in worst),
                "why": "%.3g allocations per record against a target of %g; the I/O threads "
                       "make %.0f per 1000-record request, and these sites are %.0f%% of all "
                       "allocation calls (heaptrack)" % (
                           s["allocations_per_record"], target,
                           alloc.get("http_threads_per_request") or 0,
                           100 * sum(x["share"] for x in worst)),
                "expected": "allocations per record under %g once the per-request sites are "
                            "gone; less allocator and page-fault time" % target,
                "target": "heap allocations per record < %g" % target,
                # the allocator's own time, and the page faults of the I/O threads (those of
                # the persister are its merge buffers: a finding of their own)
                "addressable_pct": round(
                    (prof.get("stages_self_pct") or {}).get("allocator", 0)
                    + (prof.get("page_faults_by_thread_pct") or {}).get("http", 0), 1),
                "finding": "allocations-per-record"})

    # 2. CPU by stage
    stages = prof.get("stages_self_pct") or {}
    if stages:
        top3 = list(stages.items())[:6]
        ev = ["%s: %.1f%% of cpu-clock samples (self)" % (k, v) for k, v in top3]
        tf = prof.get("top_functions") or []
        ev += ["%s [%s] %.1f%%" % (t["function"], t["stage"], t["self_pct"]) for t in tf[:6]]
        # decoding runs on the I/O threads; "columns" work on the persister threads is the
        # merge of a partition's chunks, not decoding
        by_thread = prof.get("stages_self_pct_by_thread") or {}
        http_stages = by_thread.get("http", stages)
        decode_pct = sum(http_stages.get(k, 0) for k in ("parse", "decode", "columns"))
        inl = (prof.get("inlined_in_top_functions") or [])
        hot = inl[0] if inl else None
        if decode_pct > 20:
            why = "decode on the I/O threads (simdjson parse, the walker, column building) is " \
                  "%.1f%% of the server's samples" % decode_pct
            if hot and hot["inlined_code_pct"]:
                why += "; in %s (%.1f%% self) the samples fall on %s" % (
                    hot["function"], hot["self_pct"], ", ".join(
                        "%s %.1f%%" % (x["code"], x["pct"]) for x in hot["inlined_code_pct"][:3]))
            actions.append({
                "action": "Decode is the largest stage: profile its hottest inlined code "
                          "(perf annotate of the top function) and cut per-field work",
                "why": why,
                "expected": "BASELINES.md puts reading every field of these records at ~0.35 "
                            "µs/record with simdjson; json_decode_bench takes %s µs/record" % (
                                fmt_num(1e6 / dec_bench["items_per_s"]) if dec_bench else "?"),
                "addressable_pct": round(decode_pct, 1),
                "finding": "cpu-by-stage"})
        found.append({"id": "cpu-by-stage", "severity": "info",
                      "title": "Where the server's CPU goes: %s" % ", ".join(
                          "%s %.0f%%" % (k, v) for k, v in top3[:4]),
                      "evidence": ev})

    # 3. kernel: WAL copy, fsync, page faults
    ksys = prof.get("kernel_syscalls_pct") or {}
    kpct = prof.get("kernel_pct") or {}
    kstage = prof.get("kernel_by_stage_pct") or {}
    if kpct:
        total_k = sum(kpct.values())
        ev = ["kernel: %.1f%% of samples (%s)" % (total_k, ", ".join(
            "%s %.1f%%" % (k, v) for k, v in kpct.items()))]
        ev += ["syscall %s: %.1f%%" % (k, v) for k, v in list(ksys.items())[:5]]
        ev += ["kernel time on behalf of %s: %.1f%%" % (k, v) for k, v in list(kstage.items())[:4]]
        found.append({"id": "kernel-time", "severity": "medium" if total_k > 25 else "info",
                      "title": "Kernel time: %.0f%% of the server's CPU" % total_k,
                      "evidence": ev})
        wal_calls = {k: ksys.get(k, 0) for k in ("pwritev", "pwrite", "writev", "fdatasync",
                                                 "unlink", "fallocate", "ftruncate")}
        wal_total = sum(wal_calls.values())
        if wal_total > 5:
            inside = prof.get("kernel_syscall_functions_pct") or {}
            where = "; ".join("%s: %s" % (call, ", ".join("%s %.1f%%" % kv
                                                          for kv in inside[call].items()))
                              for call in ("pwritev", "fdatasync") if inside.get(call))
            copying = any(f.startswith("copy_") for f in (inside.get("pwritev") or {}))
            actions.append({
                "action": "Make the WAL cheaper in the kernel: " + (
                    "pwritev's time is the copy of the request bodies into the page cache; try "
                    "O_DIRECT writes from aligned buffers (no page-cache copy; the data is "
                    "synced anyway), or " if copying else "") +
                          "recycle segment files (overwrite a retired, preallocated segment "
                          "instead of unlinking it and allocating a new one; BASELINES.md: "
                          "overwriting a preallocated file is ~2x cheaper per write+fdatasync "
                          "than appending), and keep group commits large",
                "why": "WAL system calls are %.1f%% of server samples (%s)%s; records per WAL "
                       "group: %s" % (wal_total, ", ".join(
                           "%s %.1f%%" % kv for kv in wal_calls.items() if kv[1] > 0),
                           "; inside them: " + where if where else "",
                           fmt_num(e2e.get("records_per_wal_group"))),
                "expected": "part of that kernel time back; measure with wal_bench and this "
                            "audit's WAL share",
                "addressable_pct": round(wal_total, 1),
                "finding": "kernel-time"})
        pf = kpct.get("page faults", 0)
        pf_fn = prof.get("page_faults_by_function_pct") or {}
        pf_thr = prof.get("page_faults_by_thread_pct") or {}
        if pf > 2:
            top_fn, top_pct = next(iter(pf_fn.items()), ("?", 0))
            ev = ["page faults: %.1f%% of the server's samples (the kernel maps and zeroes fresh "
                  "pages: clear_page_erms)" % pf]
            ev += ["faults taken in %s: %.1f%%" % kv for kv in list(pf_fn.items())[:5]]
            ev += ["on %s threads: %.1f%%" % kv for kv in pf_thr.items()]
            mm = (sections.get("syscalls") or {}).get("memory_calls_per_request") or {}
            if mm:
                ev.append("memory-management syscalls per request (strace): " + ", ".join(
                    "%s %.2f" % kv for kv in mm.items()))
            found.append({"id": "page-faults", "severity": "high" if pf > 10 else "medium",
                          "title": "Page faults: %.0f%% of the server's CPU, %.0f%% in %s" % (
                              pf, top_pct, top_fn),
                          "evidence": ev})
            actions.append({
                "action": "Stop faulting in fresh memory in %s: %s" % (top_fn,
                                                                     fault_advice(top_fn)),
                "why": "page faults are %.1f%% of the server's samples, %.1f%% of them in %s "
                       "(threads: %s)" % (pf, top_pct, top_fn, ", ".join(
                           "%s %.1f%%" % kv for kv in pf_thr.items())),
                "expected": "most of that kernel time back; the stage's own time unchanged",
                "addressable_pct": round(top_pct, 1),
                "finding": "page-faults"})

    # 4. allocator CPU
    alloc_cpu = stages.get("allocator")
    if alloc_cpu:
        by = prof.get("allocator_by_stage_pct") or {}
        found.append({"id": "allocator-cpu", "severity": "medium" if alloc_cpu > 3 else "info",
                      "title": "malloc/free: %.1f%% of the server's CPU" % alloc_cpu,
                      "evidence": ["allocator time on behalf of %s: %.1f%%" % kv
                                   for kv in list(by.items())[:4]]})

    # 5. syscalls
    sysc = sections.get("syscalls") or {}
    if sysc.get("per_request") is not None:
        found.append({"id": "syscalls-per-request", "severity": "info",
                      "title": "%.1f system calls per request (1000 records)" % sysc["per_request"],
                      "evidence": ["%s: %.2f per request" % (t["syscall"], t["per_request"])
                                   for t in sysc.get("top", [])[:8]] + [
                          "fsyncs per request without strace: %s" % fmt_num(
                              e2e.get("fsyncs_per_request"))]})

    callers = sysc.get("memory_syscall_callers")
    if callers:
        ev = []
        for call, rows in callers.items():
            ev += ["%s from %s: %.2f per request" % (call, x["caller"], x["per_request"])
                   for x in rows[:3]]
        found.append({"id": "memory-syscalls", "severity": "medium",
                      "title": "The allocator maps or grows memory on the request path",
                      "evidence": ev})
        actions.append({
            "action": "Keep request-path memory mapped: reuse the buffers named here (or raise "
                      "glibc's trim/mmap thresholds: try bench/audit --server-env "
                      "GLIBC_TUNABLES=glibc.malloc.trim_threshold=...)",
            "why": "; ".join(ev[:3]),
            "expected": "fewer mprotect/mmap calls and first-touch page faults",
            "addressable_pct": round((prof.get("kernel_pct") or {}).get("page faults", 0), 1),
            "finding": "memory-syscalls"})

    # 6. instructions
    cg = sections.get("callgrind_convert") or {}
    if cg.get("ir_per_record"):
        ph = cg.get("ir_per_record_by_phase", {})
        ev = ["%s: %.0f instructions/record" % kv for kv in ph.items()]
        ev += ["%s [%s]: %.0f/record (%.1f%%)" % (t["function"], t["stage"], t["ir_per_record"],
                                                  t["share_pct"])
               for t in cg.get("top_functions", [])[:6]]
        found.append({"id": "instructions-per-record", "severity": "info",
                      "title": "ingot convert: %.0f instructions per record (callgrind, one "
                               "thread)" % cg["ir_per_record"], "evidence": ev})
        zstd = ph.get("of which zstd (compress)")
        if zstd and zstd / cg["ir_per_record"] > 0.2:
            actions.append({
                "action": "Compress less data: find which columns reach zstd with most bytes "
                          "(high-cardinality strings such as request_id and message) and whether "
                          "their encoding, page size or zstd parameters are worth their cost",
                "why": "zstd executes %.0f instructions per record, %.0f%% of ingot convert "
                       "(callgrind), and %.1f%% of the server's CPU samples" % (
                           zstd, 100 * zstd / cg["ir_per_record"], stages.get("compress", 0)),
                "expected": "a cut in the largest single library cost; check the file size "
                            "in the same run (parquet_bench bytes_per_record)",
                "addressable_pct": round(stages.get("compress", 0), 1),
                "finding": "instructions-per-record"})

    # 7. micro benchmarks against end to end
    benches = {(b["benchmark"], b.get("case")): b for b in sections.get("stage_benchmarks") or []
               if "items_per_s" in b}
    dec = next((b for (n, c), b in benches.items()
                if n == "json_decode_bench" and c and c.startswith("BM_DecodeNdjson/1000")), None)
    enc = next((b for (n, c), b in benches.items()
                if n == "parquet_bench" and c and "codec:3/level:1" in c), None)
    cpu = e2e.get("server_cpu_us_per_record")
    if dec and enc and cpu:
        stage_us = 1e6 / dec["items_per_s"] + 1e6 / enc["items_per_s"]
        found.append({"id": "micro-vs-end-to-end", "severity": "info",
                      "title": "The decode and encode stages explain %.0f%% of the server's CPU "
                               "per record" % (100 * stage_us / cpu),
                      "evidence": [
                          "json_decode_bench: %.2fM records/s = %.3f µs/record" % (
                              dec["items_per_s"] / 1e6, 1e6 / dec["items_per_s"]),
                          "parquet_bench zstd-1: %.2fM records/s = %.3f µs/record" % (
                              enc["items_per_s"] / 1e6, 1e6 / enc["items_per_s"]),
                          "server end to end: %.3f µs of CPU per record (all threads, final "
                          "flush included)" % cpu,
                          "the rest (%.3f µs/record) is HTTP, the WAL, the memtable merge, "
                          "kernel time and allocation: invisible to the stage benchmarks"
                          % (cpu - stage_us)]})

    # 7b. decode cost per record against body size (full mode runs 100, 1000, 10000)
    sizes = {}
    for b in sections.get("stage_benchmarks") or []:
        if b.get("benchmark") == "json_decode_bench" and "items_per_s" in b:
            m = re.match(r"BM_DecodeNdjson/(\d+)", str(b.get("case", "")))
            if m:
                sizes[int(m.group(1))] = b["items_per_s"]
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        if sizes[large] < 0.85 * sizes[small]:
            found.append({"id": "decode-slows-with-body-size", "severity": "medium",
                          "title": "Decoding gets slower per record as bodies grow: %.2fM "
                                   "records/s at %d records a body, %.2fM at %d" % (
                                       sizes[small] / 1e6, small, sizes[large] / 1e6, large),
                          "evidence": ["json_decode_bench BM_DecodeNdjson/%d: %.2fM records/s"
                                       % (n, v / 1e6) for n, v in sorted(sizes.items())] + [
                              "per-record work is the same, so the difference is memory: "
                              "larger column buffers for each body (see the page-fault share "
                              "of the profile)"]})

    # 7c. what bounds the end-to-end throughput
    cores = e2e.get("server_cores_in_window")
    ncores = (f["run"].get("machine") or {}).get("cores") or 2
    load = e2e.get("load") or {}
    if cores is not None and load.get("records_per_s"):
        lat = (load.get("latency_ms") or {}).get("mean")
        srv_ms = e2e.get("server_request_ms_mean")
        fs_ms = e2e.get("wal_fsync_ms_mean")
        bound = cores < 0.8 * ncores
        ev = ["%.0f records/s with the server using %.2f of %d cores (CPU time / wall time in "
              "the window)" % (load["records_per_s"], cores, ncores)]
        if lat is not None:
            ev.append("closed loop, %s connections: mean latency %.1f ms as the client sees it; "
                      "connections / latency = %.0f requests/s" % (
                          load.get("connections"), lat,
                          1e3 * (load.get("connections") or 0) / lat if lat else 0))
        if srv_ms is not None:
            ev.append("server-side request time: %.1f ms mean" % srv_ms)
        if fs_ms is not None:
            ev.append("WAL fdatasync: %.1f ms mean per group commit, %s fsyncs per request, %s "
                      "records per group" % (fs_ms, fmt_num(e2e.get("fsyncs_per_request")),
                                            fmt_num(e2e.get("records_per_wal_group"))))
        found.append({
            "id": "throughput-bound",
            "severity": "info",
            "title": ("End to end at this concurrency is bound by request latency, not CPU: the "
                      "server used %.2f of %d cores" if bound else
                      "End to end is CPU-bound: the server used %.2f of %d cores") % (cores,
                                                                                    ncores),
            "evidence": ev})

    # 8. shutdown
    for name in ("e2e", "profile_run"):
        r = sections.get(name) or {}
        if r.get("shutdown_hung"):
            found.append({"id": "shutdown-hang", "severity": "high",
                          "title": "The server did not exit after SIGTERM (%s run)" % name,
                          "evidence": ["stacks saved in the scratch directory (hang-stacks.txt)"]})

    # 9. regressions
    for r in f["regressions"]:
        found.append({"id": "regression:" + r["metric"], "severity": "high",
                      "title": "Regression: %s %s -> %s %s (%+.1f%%)" % (
                          r["metric"], fmt_num(r["baseline"]), fmt_num(r["current"]),
                          r["unit"], r["change_pct"] or 0),
                      "evidence": ["baseline %s" % (f["comparison"]["baseline"] or {})]})
    # A stated target first, then by the share of the server's CPU the action can touch.
    actions.sort(key=lambda a: (0 if a.get("target") else 1, -(a.get("addressable_pct") or 0)))
    for i, a in enumerate(actions, 1):
        a["priority"] = i
    return found, actions


SITE_ADVICE = [
    (r"Column::Append|BatchBuilder::Add\b|Column::Reserve|Column::Widen",
     "each request's column buffers are new (sized for the expected records); they travel to "
     "the memtable with the batch, so reuse needs a pool the persister refills, or one block "
     "for all of a batch's columns"),
    (r"Column::Column",
     "the Column constructor allocates before any value (a default member initializer such "
     "as `offsets_{0}`, for every column type): allocate on first use"),
    (r"RecordBatch::AddColumn",
     "every request creates its Column objects and its name index again; reuse the previous "
     "request's column objects and index on the thread when the stream's shape repeats"),
    (r"BatchBuilder::Child|BatchBuilder::Reset|AppendFormattedKey",
     "the key tree (node names) is rebuilt for every request; keep it per thread and stream"),
    (r"EndRecord", "per-record work at the end of each record; look for a temporary string"),
    (r"Ingester::Commit|EncodeRequestHeader|Decoded::Stream|IngestApi|PersistedWatermark",
     "per-request bookkeeping of the commit path: pool or embed these objects"),
    (r"memtable|Persister|SealedPartition", "the persister: reuse merge buffers between files"),
    (r"parquet::", "Parquet encoding: reuse page and dictionary buffers between row groups"),
]


FAULT_ADVICE = [
    (r"AppendRowsFrom|SealedPartition|Persister|Merge",
     "the persister copies a partition's chunks into newly allocated merged columns for every "
     "file; blocks that large are mmap'd by glibc and unmapped when the file is written, so "
     "every file touches (and the kernel zeroes) hundreds of MB of new pages. Keep the merge "
     "buffers between files (per persister thread, cleared but not freed), or encode row "
     "groups straight from the chunks without the merged copy"),
    (r"Column::|BatchBuilder|Reserve",
     "request-path column buffers are new memory for every request; keep them between "
     "requests"),
    (r"parquet::", "Parquet page and dictionary buffers are new memory for every row group; "
     "reuse them"),
]


def fault_advice(function):
    for rx, advice in FAULT_ADVICE:
        if re.search(rx, function):
            return advice
    return "reuse the buffer it writes into instead of allocating a new one each time"


def site_advice(site):
    import re
    for rx, advice in SITE_ADVICE:
        if re.search(rx, site):
            return advice
    return "find what it allocates per request and reuse it"


def summary_markdown(f):
    s = f["summary"]
    run = f["run"]
    m = run["machine"]
    lines = ["# Performance audit summary", "",
             "Commit %s%s, %s mode, %s; %d vCPU %s; load average %s at the start, %s at "
             "the end (other processes on the machine make wall-clock figures noisy). "
             "Generated by `bench/audit` (see docs/audit.md) in %s s; details in "
             "findings.json." % (
                 run.get("commit"), " (uncommitted changes)" if run.get("dirty") else "",
                 s["mode"], run.get("started"), m["cores"], m["cpu"],
                 (m.get("loadavg_at_start") or ["?"])[0], (m.get("loadavg_at_end") or ["?"])[0],
                 run.get("seconds", "?")), ""]
    base = s.get("baseline")
    deltas = {d["metric"]: d for d in f["comparison"]["deltas"]}

    def row(label, metric, value, unit):
        d = deltas.get(metric)
        change = ""
        if d and d.get("change_pct") is not None:
            change = "%+.1f%% (%s)" % (d["change_pct"], d["verdict"])
        return "| %s | %s %s | %s |" % (label, fmt_num(value), unit, change or "-")

    lines += ["## Key numbers", "",
              "| metric | this run | vs baseline%s |" % (
                  " (%s, %s)" % (base["commit"], base["mode"]) if base else ""),
              "|---|---|---|",
              row("end-to-end throughput (noisy)", "e2e.records_per_s", s["e2e_records_per_s"],
                  "records/s"),
              row("p99 latency (noisy)", "e2e.latency_p99_ms", s["e2e_latency_p99_ms"], "ms"),
              row("server CPU per record (noisy)", "e2e.server_cpu_us_per_record",
                  s["server_cpu_us_per_record"], "µs"),
              row("heap allocations per record (target < %g)" % s["allocation_target"],
                  "allocs.e2e_per_record", s["allocations_per_record"], ""),
              row("allocations per request, I/O threads", "allocs.http_threads_per_request",
                  s["http_allocations_per_request"], ""),
              row("allocations per record, ingot convert", "allocs.convert_per_record",
                  s["convert_allocations_per_record"], ""),
              row("syscalls per request (strace)", "syscalls.per_request",
                  s["syscalls_per_request"], ""),
              row("fsyncs per request (noisy)", "e2e.fsyncs_per_request",
                  s["fsyncs_per_request"], ""),
              row("WAL fdatasync, mean (noisy)", "e2e.wal_fsync_ms_mean",
                  s.get("wal_fsync_ms_mean"), "ms"),
              row("server-side request time, mean (noisy)", "e2e.server_request_ms_mean",
                  s.get("server_request_ms_mean"), "ms"),
              row("server cores used in the window", "e2e.server_cores",
                  s.get("server_cores"), ""),
              row("instructions per record, ingot convert", "ir.convert_per_record",
                  s["instructions_per_record_convert"], ""),
              row("instructions per record, server", "ir.server_per_record",
                  s["instructions_per_record_server"], ""),
              ""]
    target = "met" if s["allocation_target_met"] else ("NOT met" if s["allocation_target_met"]
                                                       is False else "not measured")
    lines += ["Allocation target (< %g per record): **%s**." % (s["allocation_target"], target),
              ""]

    hs = f["hotspots"]
    if hs.get("by_stage_self_pct"):
        lines += ["## CPU by stage (server, perf cpu-clock, self time)", "",
                  "| stage | share | incl. kernel + allocator work done for it |", "|---|---:|---:|"]
        incl = hs.get("by_stage_including_kernel_and_allocator_pct") or {}
        for st, pct in hs["by_stage_self_pct"].items():
            lines.append("| %s | %.1f%% | %s |" % (st, pct, ("%.1f%%" % incl[st])
                                                   if st in incl else ""))
        lines += ["", "Threads: " + ", ".join("%s %.0f%%" % kv for kv in
                                              (hs.get("threads_pct") or {}).items()) + "."]
        for role, st in (hs.get("by_thread_stage_self_pct") or {}).items():
            lines.append("- %s threads: %s" % (role, ", ".join(
                "%s %.1f%%" % kv for kv in list(st.items())[:5])))
        lines += ["",
                  "Kernel by syscall: " + ", ".join(
                      "%s %.1f%%" % kv for kv in list((hs.get("kernel_by_syscall_pct") or {})
                                                      .items())[:6]) + ".", ""]
        lines += ["Top functions by self time:", "", "| function | stage | self |",
                  "|---|---|---:|"]
        for t in (hs.get("top_functions_self") or [])[:12]:
            lines.append("| `%s` (%s) | %s | %.1f%% |" % (t["function"][:90], t["dso"],
                                                          t["stage"], t["self_pct"]))
        if hs.get("flamegraph"):
            lines += ["", "Flame graph: `%s`." % hs["flamegraph"]]
        lines.append("")

    al = f["allocations"]
    if al.get("sites", {}).get("sites"):
        lines += ["## Where the allocations come from (heaptrack, server)", "",
                  "Innermost line of ingot's own sources on each allocating stack; per request "
                  "of 1000 records, over the whole run of a server under load.", "",
                  "| call site | per request | share | code (allocating call) | called from |",
                  "|---|---:|---:|---|---|"]
        for x in al["sites"]["sites"][:10]:
            code = x.get("code") or x["function"]
            calls = ", ".join(x.get("allocating_call") or [])
            lines.append("| `%s` | %.1f | %.0f%% | `%s`%s | %s |" % (
                x["site"], x["per_request"] or 0, 100 * x["share"], code.replace("|", "\\|"),
                " (%s)" % calls if calls else "", (x.get("called_from") or ["-"])[0]))
        lines += ["", "%s allocation calls in all, %s of them on the main thread (start-up and "
                  "shut-down)." % (fmt_num(al["sites"].get("total_allocations")),
                                   fmt_num(al["sites"].get("main_thread_allocations"))), ""]
    roles = al.get("by_thread_role")
    if roles:
        lines += ["Allocation calls (and bytes) by thread, profile run: " + ", ".join(
            "%s %s (%.0f MB)" % (r, fmt_num(v["allocations"]), v["bytes"] / 1e6) for r, v in
            sorted(roles.items(), key=lambda kv: -kv[1]["allocations"])) + ".", ""]

    sy = f.get("syscalls") or {}
    if sy.get("top"):
        lines += ["## System calls per request (strace -c -f)", "",
                  ", ".join("%s %.2f" % (t["syscall"], t["per_request"]) for t in sy["top"][:8])
                  + " (per request of 1000 records).", ""]
    ins = f["instructions"]["convert"]
    if ins.get("ir_per_record"):
        lines += ["## Instructions per record (callgrind, ingot convert --threads 1)", "",
                  ", ".join("%s: %.0f" % kv for kv in ins["ir_per_record_by_phase"].items())
                  + ".", ""]
    ps = f["instructions"].get("perf_stat") or {}
    if ps.get("pmu_available"):
        lines += ["Server (perf stat, hardware counters, e2e window): %s instructions/record%s."
                  % (fmt_num(ps.get("instructions_per_record")),
                     ", %s cycles/record" % fmt_num(ps["cycles_per_record"])
                     if ps.get("cycles_per_record") else ""), ""]
    elif ps:
        lines += ["perf stat: this machine exposes no hardware counters (instructions "
                  "`<not supported>`), so instruction counts come from callgrind only.", ""]
    srv = f["instructions"].get("server") or {}
    if srv.get("ir_per_record_by_phase"):
        lines += ["Server (callgrind, 100 requests + final flush): " + ", ".join(
            "%s: %.0f" % kv for kv in srv["ir_per_record_by_phase"].items()) + ".", ""]

    if f.get("findings"):
        lines += ["## Findings", ""]
        for x in f["findings"]:
            lines.append("- [%s] %s" % (x["severity"], x["title"]))
        lines.append("")

    lines += ["## Regressions", ""]
    if not base:
        lines += ["No previous findings.json to compare with: this run is the first baseline "
                  "(commit bench/results/audit/findings.json).", ""]
    elif f["regressions"]:
        for r in f["regressions"]:
            lines.append("- **%s**: %s -> %s %s (%+.1f%%)" % (
                r["metric"], fmt_num(r["baseline"]), fmt_num(r["current"]), r["unit"],
                r["change_pct"] or 0))
        lines.append("")
    else:
        lines += ["None over 5%% among %d strict metrics compared with %s." % (
            sum(1 for d in f["comparison"]["deltas"] if d["kind"] == "strict"),
            base["commit"]), ""]
    pd = f["comparison"].get("params_differ")
    if base and pd:
        lines += ["Parameters differ from the baseline's (%s): compare with care." % ", ".join(
            "%s %s -> %s" % (k, v["baseline"], v["current"]) for k, v in pd.items()), ""]
    if f["noisy_warnings"]:
        lines += ["Noisy (wall-clock) metrics worse by more than 5% (re-run on a quiet machine "
                  "before believing them): " + ", ".join(
            "%s %+.1f%%" % (w["metric"], w["change_pct"] or 0) for w in f["noisy_warnings"])
            + ".", ""]

    if f["next_actions"]:
        lines += ["## What to optimize next", ""]
        for a in f["next_actions"]:
            touches = (" Touches %.1f%% of the server's CPU samples." % a["addressable_pct"]
                       if a.get("addressable_pct") else "")
            lines.append("%d. %s%s. *Why:* %s. *Expected:* %s.%s" % (
                a["priority"], "**[target]** " if a.get("target") else "", a["action"], a["why"],
                a["expected"], touches))
        lines.append("")
    bad = {k: v for k, v in f["steps"].items() if not v.startswith("ok")}
    if bad:
        lines += ["Steps not completed: " + "; ".join("%s: %s" % kv for kv in bad.items()), ""]
    return "\n".join(lines)
