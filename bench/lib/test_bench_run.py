"""Unit tests of bench/run's pure-Python parts: the plan and --only, the command line, /metrics
parsing, the targets and the generated section of docs/benchmarks.md (from a recorded run,
testdata/results.json). Nothing here starts a server or needs matplotlib.

    /usr/bin/python3 -m unittest discover -s bench/lib -t bench
"""
import copy
import itertools
import json
import os
import sys
import tempfile
import unittest

# Run as lib.test_bench_run (discover -t bench) or as a top-level module (discover bench/lib).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lib import cli, metrics, plan, report, targets  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata", "results.json")


def load_fixture():
    with open(FIXTURE) as f:
        return json.load(f)


def ids(cells):
    return [c.id for c in cells]


class PlanTest(unittest.TestCase):
    def test_ids_are_unique(self):
        for cells in (plan.quick(), plan.full()):
            self.assertEqual(len(ids(cells)), len(set(ids(cells))))

    def test_full_is_the_whole_matrix(self):
        closed = {(c.width, c.records_per_request, c.gzip, c.connections, c.wal_sync)
                  for c in plan.full() if c.kind == "closed"}
        expected = set(itertools.product(("narrow", "typical", "wide"), (100, 1000, 10000),
                                         (False, True), (1, 4, 16, 64), ("always", "none")))
        self.assertEqual(closed, expected)
        self.assertEqual(len(closed), 144)
        kinds = [c.kind for c in plan.full()]
        for kind in ("duckdb", "memory", "open"):
            self.assertEqual(kinds.count(kind), 3, kind)

    def test_quick_answers_every_target(self):
        quick = set(ids(plan.quick()))
        for conns in (4, 16):  # issue 3's --wal-sync cost at both
            for sync in ("always", "none"):
                self.assertIn("closed/typical/r1000/plain/c%d/%s" % (conns, sync), quick)
        self.assertIn("open/typical/r1000/plain/c%d/always" % plan.OPEN_LOOP_CONNECTIONS, quick)
        for width in plan.WIDTHS:
            self.assertIn("memory/" + width, quick)
            self.assertIn("duckdb/" + width, quick)

    def test_every_request_size_divides_the_records(self):
        for width in plan.WIDTHS.values():
            for rpr in (100, 1000, 10000):
                self.assertEqual(width.records % rpr, 0, (width.name, rpr))
        self.assertEqual(plan.Cell("closed", "wide", 10000).bodies(), 13)

    def test_cell_ids(self):
        self.assertEqual(plan.Cell("closed", "narrow", 100, True, 64, "none").id,
                         "closed/narrow/r100/gzip/c64/none")
        self.assertEqual(plan.Cell("memory", "wide").id, "memory/wide")


class SelectTest(unittest.TestCase):
    def test_no_pattern_selects_everything(self):
        self.assertEqual(ids(plan.select(plan.quick(), None)), ids(plan.quick()))
        self.assertEqual(ids(plan.select(plan.quick(), "")), ids(plan.quick()))

    def test_pattern_adds_the_duckdb_baseline_first(self):
        got = ids(plan.select(plan.quick(), "closed/typical/*/c4/*"))
        self.assertEqual(got, ["duckdb/typical", "closed/typical/r1000/plain/c4/always",
                               "closed/typical/r1000/plain/c4/none"])

    def test_comma_separated_patterns(self):
        got = ids(plan.select(plan.full(), " memory/wide , closed/narrow/r100/gzip/c64/none"))
        self.assertEqual(got, ["duckdb/narrow", "duckdb/wide", "closed/narrow/r100/gzip/c64/none",
                               "memory/wide"])

    def test_patterns_match_whole_ids(self):
        self.assertEqual(plan.select(plan.quick(), "closed/typical"), [])
        self.assertEqual(plan.select(plan.quick(), "Closed/*"), [])  # case matters
        self.assertEqual(len(plan.select(plan.full(), "closed/*/r10000/*")), 3 + 48)

    def test_open_loop_brings_the_closed_cells_its_rate_comes_from(self):
        got = ids(plan.select(plan.quick(), "open/*"))
        self.assertEqual(got, ["duckdb/typical", "closed/typical/r1000/plain/c1/always",
                               "closed/typical/r1000/plain/c4/always",
                               "closed/typical/r1000/plain/c16/always",
                               "open/typical/r1000/plain/c16/always"])
        self.assertEqual(ids(plan.select(plan.quick(), "open/*", open_rate_given=True)),
                         ["duckdb/typical", "open/typical/r1000/plain/c16/always"])

    def test_baseline_selected_itself_is_not_repeated(self):
        self.assertEqual(ids(plan.select(plan.quick(), "duckdb/wide,memory/wide")),
                         ["duckdb/wide", "memory/wide"])


class RunsTest(unittest.TestCase):
    def test_median_run_is_kept_with_every_run_listed(self):
        from lib import cells
        runs = [{"e2e": {"records_per_s": rps}, "ack_records_per_s": rps,
                 "latency_ms": {"p99": 1.0}, "machine_cpu": {"other_cores": 0.1}, "n": n}
                for n, rps in enumerate((300.0, 100.0, 200.0))]
        got = cells._median_run(runs)
        self.assertEqual(got["n"], 2)
        self.assertEqual([r["e2e_records_per_s"] for r in got["runs"]], [300.0, 100.0, 200.0])
        self.assertIs(cells._median_run(runs[:1]), runs[0])
        self.assertEqual(cells._median_run(runs[:2])["n"], 1)  # even: the lower middle

    def test_percentiles_without_answers(self):
        from lib import cells
        self.assertEqual(cells._percentiles({"p99": 0.0, "count": 0}), {"p99": None, "count": 0})
        self.assertEqual(cells._percentiles({"p99": 3.0, "count": 5}), {"p99": 3.0, "count": 5})


class CommandLineTest(unittest.TestCase):
    def test_defaults(self):
        a = cli.parse_args([])
        self.assertEqual(a.profile, "quick")
        self.assertEqual(a.duration, 10)
        self.assertEqual(a.out, os.path.join(cli.RESULTS, "matrix.json"))
        self.assertEqual(a.build, os.path.join(cli.ROOT, "build"))
        self.assertTrue(a.docs)

    def test_full_and_only(self):
        a = cli.parse_args(["--full", "--only", "closed/*", "--build-dir", "/b"])
        self.assertEqual((a.profile, a.duration, a.build), ("full", 30, "/b"))
        self.assertEqual(a.out, os.path.join(cli.RESULTS, "matrix-full-only.json"))
        self.assertFalse(a.docs)  # --only never rewrites the docs
        self.assertEqual(cli.parse_args(["--full"]).out,
                         os.path.join(cli.RESULTS, "matrix-full.json"))

    def test_sizes(self):
        self.assertEqual(cli.mib("2GiB"), 2048)
        self.assertEqual(cli.mib("512MiB"), 512)
        self.assertEqual(cli.mib("1GB"), 953)


class MetricsTest(unittest.TestCase):
    TEXT = "\n".join([
        "# HELP ingot_records_ingested_total Records acknowledged.",
        "# TYPE ingot_records_ingested_total counter",
        "ingot_records_ingested_total 1000",
        'ingot_ingested_bytes_total{org="a",stream="s",endpoint="_multi"} 100',
        'ingot_ingested_bytes_total{org="b",stream="s",endpoint="_json"} 50.5',
        'ingot_wal_fsync_seconds_bucket{le="0.001"} 3',
        "ingot_wal_fsync_seconds_sum 0.004",
        "ingot_wal_fsync_seconds_count 4",
        "ingot_memtable_bytes 0",
        "ingot_parquet_rows_total 1000",
        "ingot_persist_backlog_partitions 0",
    ])

    def test_parse_sums_label_sets_and_drops_buckets(self):
        m = metrics.parse(self.TEXT)
        self.assertEqual(m["ingot_ingested_bytes_total"], 150.5)
        self.assertEqual(m["ingot_wal_fsync_seconds_count"], 4)
        self.assertNotIn("ingot_wal_fsync_seconds_bucket", m)

    def test_persisted(self):
        m = metrics.parse(self.TEXT)
        self.assertTrue(metrics.is_persisted(m, 1000))
        self.assertFalse(metrics.is_persisted(m, 1001))
        self.assertFalse(metrics.is_persisted(dict(m, ingot_memtable_bytes=10), 1000))


class TargetsTest(unittest.TestCase):
    def setUp(self):
        self.results = load_fixture()

    def test_every_target_is_measured_by_the_quick_profile(self):
        got = {t["target"]: t for t in targets.evaluate(self.results)}
        self.assertEqual(list(got), ["throughput", "p99 latency", "memory per buffered record",
                                     "peak RSS", "Parquet size", "--wal-sync always cost"])
        for t in got.values():
            self.assertIn(t["status"], ("met", "not met"), t["target"])
            self.assertIn("measured", t)

    def test_missing_cells_are_not_measured(self):
        r = copy.deepcopy(self.results)
        r["cells"] = [c for c in r["cells"] if c["kind"] != "open"]
        got = {t["target"]: t["status"] for t in targets.evaluate(r)}
        self.assertEqual(got["p99 latency"], "not measured")
        r["cells"] = [c for c in r["cells"] if c["kind"] == "duckdb"]
        self.assertEqual({t["status"] for t in targets.evaluate(r)}, {"not measured"})

    def test_failed_cells_are_ignored(self):
        r = copy.deepcopy(self.results)
        for c in r["cells"]:
            if c["kind"] == "memory":
                c["failed"] = "boom"
        got = {t["target"]: t["status"] for t in targets.evaluate(r)}
        self.assertEqual(got["memory per buffered record"], "not measured")

    def test_wal_cost(self):
        cells = [{"kind": "closed", "width": "typical", "records_per_request": 1000,
                  "gzip": False, "connections": 4, "wal_sync": sync,
                  "e2e": {"records_per_s": rps}, "ack_records_per_s": rps,
                  "latency_ms": {"p99": p99}, "wal": {"fsync_mean_ms": 1, "requests_per_group": 2},
                  "server": {"rss_peak_mb": 1}, "id": "closed/x/" + sync}
                 for sync, rps, p99 in (("always", 90.0, 5), ("none", 100.0, 4))]
        (w,) = targets.wal_cost(cells)
        self.assertAlmostEqual(w["cost"], 0.1)
        self.assertFalse(w["disturbed"])
        cells[1]["disturbed"] = True
        self.assertTrue(targets.wal_cost(cells)[0]["disturbed"])
        del cells[1]["disturbed"]
        self.assertEqual((w["p99_always"], w["p99_none"]), (5, 4))
        r = {"cells": cells, "settings": {"memory_limit_mib": 1}}
        wal = [t for t in targets.evaluate(r) if t["target"] == "--wal-sync always cost"][0]
        self.assertEqual(wal["status"], "met")

    def test_headline_is_the_fastest_of_its_shape(self):
        head = targets.headline(self.results["cells"])
        same = [c for c in targets.by_kind(self.results["cells"], "closed")
                if all(c[k] == v for k, v in plan.HEADLINE.items())]
        self.assertEqual(head["e2e"]["records_per_s"],
                         max(c["e2e"]["records_per_s"] for c in same))


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.results = load_fixture()
        self.results["targets"] = targets.evaluate(self.results)
        self.charts = ["img/bench-throughput.png", "img/bench-latency.png"]

    def test_render(self):
        text = report.render(self.results, self.charts)
        self.assertTrue(text.startswith(report.BEGIN))
        self.assertTrue(text.rstrip("\n").endswith(report.END))
        for heading in ("### Targets", "### Closed loop", "### `--wal-sync always` against",
                        "### Open loop", "### Memory per buffered record", "### Charts"):
            self.assertIn(heading, text)
        self.assertIn("![Latency percentiles](img/bench-latency.png)", text)
        self.assertIn(self.results["commit"]["commit"], text)
        for t in self.results["targets"]:
            self.assertIn("| %s | %s |" % (t["target"], t["goal"]), text)
        self.assertNotIn("Failed cells", text)

    def test_tables_are_rectangular(self):
        text = report.render(self.results, self.charts)
        rows = []
        for line in text.splitlines() + [""]:
            if line.startswith("|"):
                rows.append(line)
            elif rows:
                widths = {r.count("|") - r.count("\\|") for r in rows}
                self.assertEqual(len(widths), 1, rows[0])
                self.assertRegex(rows[1], r"^\|(---:?\|)+$")
                rows = []

    def test_cells_without_answers_after_the_warmup(self):
        r = copy.deepcopy(self.results)
        for c in r["cells"]:
            if c["kind"] in ("closed", "open"):  # what cells._percentiles makes of count 0
                c["latency_ms"] = {k: (0 if k == "count" else None) for k in c["latency_ms"]}
                c["service_ms"] = {k: (0 if k == "count" else None) for k in c["service_ms"]}
        r["targets"] = targets.evaluate(r)
        got = {t["target"]: t for t in r["targets"]}
        self.assertEqual(got["p99 latency"]["status"], "not measured")
        self.assertIn("p99 – ms with fsync on", got["--wal-sync always cost"]["measured"])
        text = report.render(r, [])
        self.assertIn("| – | – | – |", text)

    def test_failed_cells_are_listed(self):
        r = copy.deepcopy(self.results)
        r["cells"].append({"id": "closed/wide/r100/gzip/c64/none", "kind": "closed",
                           "width": "wide", "failed": "ingot serve exited 1"})
        text = report.render(r, [])
        self.assertIn("**Failed cells**: `closed/wide/r100/gzip/c64/none`: ingot serve exited 1",
                      text)
        self.assertTrue(text.rstrip("\n").endswith(report.END))

    def test_update_doc_keeps_the_hand_written_parts(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "benchmarks.md")
            with open(path, "w") as f:
                f.write("# Benchmarks\n\nBefore.\n\n%s\nold\n%s\n\nAfter.\n" % (
                    report.BEGIN, report.END))
            report.update_doc(path, self.results, self.charts)
            with open(path) as f:
                once = f.read()
            self.assertTrue(once.startswith("# Benchmarks\n\nBefore.\n\n" + report.BEGIN))
            self.assertTrue(once.endswith(report.END + "\n\nAfter.\n"))
            self.assertNotIn("\nold\n", once)
            self.assertEqual(once.count(report.BEGIN_PREFIX), 1)
            report.update_doc(path, self.results, self.charts)
            with open(path) as f:
                self.assertEqual(f.read(), once)

    def test_update_doc_appends_without_markers(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "benchmarks.md")
            with open(path, "w") as f:
                f.write("# Benchmarks\n")
            report.update_doc(path, self.results, [])
            with open(path) as f:
                text = f.read()
            self.assertTrue(text.startswith("# Benchmarks\n\n" + report.BEGIN))
            self.assertTrue(text.endswith(report.END + "\n"))

    def test_quick_and_full_have_their_own_sections(self):
        full = copy.deepcopy(self.results)
        full["profile"] = "full"
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "benchmarks.md")
            with open(path, "w") as f:
                f.write("# Benchmarks\n")
            report.update_doc(path, self.results, [])
            report.update_doc(path, full, [])
            report.update_doc(path, self.results, [])
            with open(path) as f:
                text = f.read()
            self.assertEqual(text.count(report.BEGIN), 1)
            self.assertEqual(text.count(report.BEGIN_FULL), 1)
            self.assertLess(text.index(report.END), text.index(report.BEGIN_FULL))
            self.assertTrue(text.endswith(report.END_FULL + "\n"))
            self.assertIn("`bench/results/matrix-full.json`", text)

    def test_one_line(self):
        for cell in self.results["cells"]:
            self.assertTrue(report.one_line(cell))
        self.assertEqual(report.one_line({"failed": "x"}), "FAILED")


try:
    import matplotlib  # noqa: F401  (python3-matplotlib, installed by install-deps.sh --test)
    HAVE_MATPLOTLIB = True
except ImportError:
    HAVE_MATPLOTLIB = False


@unittest.skipUnless(HAVE_MATPLOTLIB, "no matplotlib")
class ChartsTest(unittest.TestCase):
    def test_every_chart_is_written(self):
        from lib import charts
        r = load_fixture()
        full = copy.deepcopy(r)
        full["profile"] = "full"
        full["cells"][-1]["latency_ms"] = {k: None for k in full["cells"][-1].get("latency_ms", {})}
        with tempfile.TemporaryDirectory() as d:
            names = [os.path.basename(p) for p in charts.write_all(r, d)]
            self.assertEqual(names, ["bench-throughput.png", "bench-latency.png",
                                     "bench-memory.png"])
            names = [os.path.basename(p) for p in charts.write_all(full, d)]
            self.assertEqual(names, ["bench-full-throughput.png", "bench-full-latency.png",
                                     "bench-full-memory.png"])
            for name in os.listdir(d):
                with open(os.path.join(d, name), "rb") as f:
                    self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main()
