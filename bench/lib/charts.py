"""PNG charts of a run (matplotlib from Debian, python3-matplotlib), written to docs/img/:

bench-throughput.png  end-to-end records/s by connections, per width and --wal-sync, DuckDB line
bench-latency.png     latency percentiles of the typical closed-loop cells and the open-loop run
bench-memory.png      server RSS (and ingot's accounted memory) over time in a few cells
(bench-full-*.png for the full profile)
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

from . import plan, targets  # noqa: E402

STYLE = {"always": "-", "none": "--"}


def write_all(results, out_dir):
    """Writes the charts a run has data for; the full profile's are named bench-full-*.png."""
    os.makedirs(out_dir, exist_ok=True)
    prefix = "bench-full-" if results.get("profile") == "full" else "bench-"
    written = []
    for name, fn in (("throughput.png", throughput), ("latency.png", latency),
                     ("memory.png", memory)):
        fig = fn(results)
        if fig is None:
            continue
        path = os.path.join(out_dir, prefix + name)
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    return written


def _subtitle(results):
    return "%s profile, commit %s, %s (%d vCPU)" % (
        results["profile"], results["commit"]["commit"], results["machine"]["cpu"],
        results["machine"]["cores"])


def throughput(results):
    cells = results["cells"]
    closed = targets.by_kind(cells, "closed")
    widths = [w for w in plan.WIDTHS if any(c["width"] == w for c in closed)]
    if not widths:
        return None
    fig, axes = plt.subplots(1, len(widths), figsize=(5 * len(widths), 4.2), squeeze=False)
    for ax, width in zip(axes[0], widths):
        series = {}
        for c in closed:
            if c["width"] == width:
                key = (c["wal_sync"], c["records_per_request"], c["gzip"])
                series.setdefault(key, []).append(c)
        for (sync, rpr, gz), cs in sorted(series.items()):
            cs.sort(key=lambda c: c["connections"])
            ax.plot([c["connections"] for c in cs], [c["e2e"]["records_per_s"] / 1e6 for c in cs],
                    STYLE[sync], marker="o" if not gz else "s",
                    label="wal-sync %s, %d/req%s" % (sync, rpr, ", gzip" if gz else ""))
        duck = targets.baseline(cells, width)
        if duck:
            ax.axhline(duck["duckdb"]["records_per_s"] / 1e6, color="black", linestyle=":",
                       label="DuckDB NDJSON → Parquet")
        ax.set_xscale("log", base=2)
        ax.set_xticks([1, 4, 16, 64])
        ax.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.set_ylim(bottom=0)
        ax.set_xlabel("connections")
        ax.set_ylabel("M records/s, end to end (until in Parquet)")
        ax.set_title("%s records" % width)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle("ingot serve end-to-end throughput — " + _subtitle(results), fontsize=9)
    fig.tight_layout()
    return fig


def latency(results):
    cells = results["cells"]
    chosen = [c for c in targets.by_kind(cells, "closed")
              if c["width"] == "typical" and c["records_per_request"] == 1000 and not c["gzip"]]
    chosen.sort(key=lambda c: (c["wal_sync"] != "always", c["connections"]))
    chosen += targets.by_kind(cells, "open")
    chosen = [c for c in chosen if c["latency_ms"]["p50"] is not None]
    if not chosen:
        return None
    pcts = [("p50", "p50"), ("p90", "p90"), ("p99", "p99"), ("p999", "p99.9")]
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(chosen) + 2), 4.5))
    width = 0.8 / len(pcts)
    for i, (key, label) in enumerate(pcts):
        xs = [j + (i - 1.5) * width for j in range(len(chosen))]
        ax.bar(xs, [c["latency_ms"][key] for c in chosen], width, label=label)
    ax.set_xticks(range(len(chosen)))
    ax.set_xticklabels([_latency_label(c) for c in chosen], fontsize=7)
    ax.set_yscale("log")
    ax.axhline(20, color="red", linestyle=":", label="20 ms target (open loop p99)")
    ax.set_ylabel("ms (log scale)")
    ax.set_xlabel("closed loop: from the send; open loop: from the due time (no coordinated "
                  "omission)", fontsize=8)
    ax.set_title("Latency, typical records, 1000/request — " + _subtitle(results), fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _latency_label(c):
    if c["kind"] == "open":
        return "open loop %s\n%d conns, %s\n@ %.0fk/s" % (
            c["width"], c["connections"], c["wal_sync"], c["target_records_per_s"] / 1e3)
    return "closed\n%d conns\n%s" % (c["connections"], c["wal_sync"])


def memory(results):
    cells = results["cells"]
    picks = _memory_cells(cells)
    if not picks:
        return None
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for c in picks:
        series = [s for s in c.get("series", []) if s["t"] >= 0]
        line, = ax.plot([s["t"] for s in series], [s["rss_mb"] for s in series],
                        label="RSS, " + _memory_label(c))
        used = [s for s in series if "memory_used_mb" in s]
        ax.plot([s["t"] for s in used], [s["memory_used_mb"] for s in used], ":",
                color=line.get_color(), label="accounted (ingot_memory_used_bytes)")
    budget = results["settings"]["memory_limit_mib"]
    ax.axhline(budget, color="red", linestyle="--", label="--memory-limit %d MiB" % budget)
    ax.set_xlabel("seconds since the load started")
    ax.set_ylabel("MiB")
    ax.set_ylim(bottom=0)
    ax.set_title("Server memory over time — " + _subtitle(results), fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _memory_cells(cells):
    head = targets.headline(cells)
    picks = [head] if head else []
    if head:
        picks += [c for c in targets.by_kind(cells, "closed")
                  if c["wal_sync"] == "none" and c["connections"] == head["connections"]
                  and c["width"] == head["width"]
                  and c["records_per_request"] == head["records_per_request"]
                  and c["gzip"] == head["gzip"]]
    wide = targets.best_closed(cells, width="wide", wal_sync="always", gzip=False,
                               records_per_request=1000)
    if wide:
        picks.append(wide)
    picks += targets.by_kind(cells, "open")[:1]
    return picks


def _memory_label(c):
    if c["kind"] == "open":
        return "open loop %s %.0fk/s" % (c["width"], c["target_records_per_s"] / 1e3)
    return "%s, %d conns, %s" % (c["width"], c["connections"], c["wal_sync"])
