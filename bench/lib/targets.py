"""The targets of issue 4, judged on a run's results: each one met, not met, or not measured
(when --only left out the cells it needs), with the numbers it was judged on."""
from . import plan


# The connection counts at which issue 3's --wal-sync cost is judged.
WAL_COST_CONNECTIONS = (4, 16)


def by_kind(cells, kind):
    return [c for c in cells if c.get("kind") == kind and not c.get("failed")]


def baseline(cells, width):
    for c in by_kind(cells, "duckdb"):
        if c["width"] == width:
            return c
    return None


def headline(cells):
    """The closed-loop cell of plan.HEADLINE with the most end-to-end throughput."""
    match = [c for c in by_kind(cells, "closed")
             if all(c[k] == v for k, v in plan.HEADLINE.items())]
    return max(match, key=lambda c: c["e2e"]["records_per_s"]) if match else None


def best_closed(cells, **where):
    match = [c for c in by_kind(cells, "closed") if all(c[k] == v for k, v in where.items())]
    return max(match, key=lambda c: c["e2e"]["records_per_s"]) if match else None


def open_loop(cells, width="typical"):
    match = [c for c in by_kind(cells, "open") if c["width"] == width]
    return match[0] if match else None


def memory(cells, width):
    for c in by_kind(cells, "memory"):
        if c["width"] == width:
            return c
    return None


def _ms(x):
    return "–" if x is None else "%.1f" % x


def _status(ok):
    if ok is None:
        return "not measured"
    return "met" if ok else "not met"


def wal_cost(cells, width="typical", records_per_request=1000, gzip=False):
    """Per connection count: end-to-end records/s with --wal-sync always and none, and the cost."""
    rows = {}
    for c in by_kind(cells, "closed"):
        if (c["width"], c["records_per_request"], c["gzip"]) != (width, records_per_request, gzip):
            continue
        rows.setdefault(c["connections"], {})[c["wal_sync"]] = c
    out = []
    for conns in sorted(rows):
        pair = rows[conns]
        if "always" in pair and "none" in pair:
            a, n = pair["always"], pair["none"]
            out.append({"connections": conns,
                        "always": a["e2e"]["records_per_s"], "none": n["e2e"]["records_per_s"],
                        "always_ack": a["ack_records_per_s"], "none_ack": n["ack_records_per_s"],
                        "cost": 1 - a["e2e"]["records_per_s"] / n["e2e"]["records_per_s"],
                        "p99_always": a["latency_ms"]["p99"], "p99_none": n["latency_ms"]["p99"],
                        "disturbed": bool(a.get("disturbed") or n.get("disturbed")),
                        "fsync_mean_ms": a["wal"]["fsync_mean_ms"],
                        "requests_per_group": a["wal"]["requests_per_group"]})
    return out


def evaluate(results):
    cells = results["cells"]
    out = []
    duck = baseline(cells, "typical")
    head = headline(cells)

    # 1. End-to-end throughput against DuckDB's conversion of the same records.
    if head and duck:
        ratio = head["e2e"]["records_per_s"] / duck["duckdb"]["records_per_s"]
        out.append({"target": "throughput", "goal": ">= 1.0x DuckDB", "ratio": ratio,
                    "status": _status(ratio >= 1.0),
                    "disturbed": bool(head.get("disturbed") or duck.get("disturbed")),
                    "measured": "%s records/s end to end (`%s`) vs DuckDB's %s: **%.2fx**" % (
                        "{:,.0f}".format(head["e2e"]["records_per_s"]), head["id"],
                        "{:,.0f}".format(duck["duckdb"]["records_per_s"]), ratio)})
    else:
        out.append({"target": "throughput", "goal": ">= 1.0x DuckDB", "status": _status(None)})

    # 2. p99 ack latency in open loop at half that throughput.
    ol = open_loop(cells)
    if ol and ol["latency_ms"]["p99"] is not None:
        p99 = ol["latency_ms"]["p99"]
        out.append({"target": "p99 latency", "goal": "<= 20 ms", "value": p99,
                    "status": _status(p99 <= 20 and ol.get("missed", 0) == 0),
                    "disturbed": bool(ol.get("disturbed")),
                    "measured": "**%.1f ms** at %s records/s (`%s`; service time p99 %.1f ms, "
                                "%d due requests never sent)" % (
                                    p99, "{:,.0f}".format(ol["target_records_per_s"]), ol["id"],
                                    ol["service_ms"]["p99"], ol.get("missed", 0))})
    else:
        out.append({"target": "p99 latency", "goal": "<= 20 ms", "status": _status(None)})

    # 3. Memory held per buffered record, every width.
    mems = [m for m in (memory(cells, w) for w in plan.WIDTHS) if m]
    if mems:
        worst = max(m["memtable_ratio"] for m in mems)
        out.append({"target": "memory per buffered record", "goal": "<= 1.5x its JSON size",
                    "value": worst, "status": _status(worst <= 1.5),
                    "measured": ", ".join("%s %.2fx (%.0f of %.0f B)" % (
                        m["width"], m["memtable_ratio"], m["memtable_bytes_per_record"],
                        m["json_bytes_per_record"]) for m in mems)})
    else:
        out.append({"target": "memory per buffered record", "goal": "<= 1.5x its JSON size",
                    "status": _status(None)})

    # 4. Peak RSS within the memory budget, every load cell.
    loads = by_kind(cells, "closed") + by_kind(cells, "open")
    if loads:
        peak = max(loads, key=lambda c: c["server"]["rss_peak_mb"])
        budget_mb = results["settings"]["memory_limit_mib"]
        out.append({"target": "peak RSS", "goal": "<= --memory-limit (%d MiB)" % budget_mb,
                    "value": peak["server"]["rss_peak_mb"],
                    "status": _status(peak["server"]["rss_peak_mb"] <= budget_mb),
                    "measured": "**%.0f MiB** at most (`%s`), budget %d MiB" % (
                        peak["server"]["rss_peak_mb"], peak["id"], budget_mb)})
    else:
        out.append({"target": "peak RSS", "goal": "<= --memory-limit", "status": _status(None)})

    # 5. Parquet size against DuckDB's for the same records, every width.
    pairs = [(m, baseline(cells, m["width"])) for m in mems]
    pairs = [(m, b) for m, b in pairs if b]
    if pairs:
        ratios = [(m["width"], m["parquet"]["bytes"] / b["duckdb"]["parquet_bytes"]) for m, b in pairs]
        worst = max(r for _, r in ratios)
        out.append({"target": "Parquet size", "goal": "<= 1.05x DuckDB's", "value": worst,
                    "status": _status(worst <= 1.05),
                    "measured": ", ".join("%s %.3fx" % wr for wr in ratios)})
    else:
        out.append({"target": "Parquet size", "goal": "<= 1.05x DuckDB's", "status": _status(None)})

    # 6. Issue 3's figure: what --wal-sync always costs against none, and p99 with fsync on.
    wal = [w for w in wal_cost(cells) if w["connections"] in WAL_COST_CONNECTIONS]
    goal = "< 15% at 1000 records/request (issue 3)"
    if wal:
        worst = max(w["cost"] for w in wal)
        out.append({"target": "--wal-sync always cost", "goal": goal, "value": worst,
                    "status": _status(worst < 0.15),
                    "disturbed": any(w["disturbed"] for w in wal),
                    "measured": "; ".join(
                        "%d connections **%.0f%%** (%s vs %s records/s, p99 %s ms with fsync "
                        "on, %s ms off)" % (
                            w["connections"], 100 * w["cost"], "{:,.0f}".format(w["always"]),
                            "{:,.0f}".format(w["none"]), _ms(w["p99_always"]), _ms(w["p99_none"]))
                        for w in wal)})
    else:
        out.append({"target": "--wal-sync always cost", "goal": goal, "status": _status(None)})
    return out
