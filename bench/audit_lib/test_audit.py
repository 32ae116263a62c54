"""Unit tests of bench/audit's pure-Python parts: comparison with the previous results and
regression flagging, report rendering from a recorded run, and the parsers of the tools' outputs
(heaptrack, strace -c, perf stat, perf script stacks).

Run: /usr/bin/python3 -m unittest discover -s bench/audit_lib -t bench
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # bench/, so that `audit_lib` imports as a package

from audit_lib import allocs, compare, profile, report, server, stages, syscalls  # noqa: E402,E501

TESTDATA = os.path.join(HERE, "testdata")


def metric(value, unit="x", better="lower", kind="strict"):
    return {"value": value, "unit": unit, "better": better, "kind": kind}


def findings_with(metrics, mode="full", commit="abc1234"):
    """A minimal findings.json (what compare reads from a baseline)."""
    return {"run": {"commit": commit, "started": "2026-11-22T00:00:00Z",
                    "params": {"mode": mode}}, "metrics": metrics}


class CompareTest(unittest.TestCase):
    def verdicts(self, current, baseline, mode="full"):
        deltas, regressions, noisy, missing = compare.compare(current, baseline, mode)
        return ({d["metric"]: d["verdict"] for d in deltas},
                [r["metric"] for r in regressions], [n["metric"] for n in noisy], missing)

    def test_strict_metric_worse_by_more_than_5_percent_is_a_regression(self):
        base = findings_with({"ir.convert_per_record": metric(1000),
                              "allocs.e2e_per_record": metric(0.10)})
        cur = {"ir.convert_per_record": metric(1051), "allocs.e2e_per_record": metric(0.104)}
        verdicts, regressions, noisy, _ = self.verdicts(cur, base)
        self.assertEqual(regressions, ["ir.convert_per_record"])
        self.assertEqual(verdicts["allocs.e2e_per_record"], "unchanged")  # +4%
        self.assertEqual(noisy, [])

    def test_direction_higher_is_better(self):
        base = findings_with({"e2e.records_per_s": metric(100000, better="higher",
                                                          kind="noisy"),
                              "stage.x.items_per_s": metric(100, better="higher",
                                                            kind="noisy")})
        cur = {"e2e.records_per_s": metric(90000, better="higher", kind="noisy"),
               "stage.x.items_per_s": metric(120, better="higher", kind="noisy")}
        verdicts, regressions, noisy, _ = self.verdicts(cur, base)
        self.assertEqual(regressions, [])
        self.assertEqual(noisy, ["e2e.records_per_s"])  # 10% fewer records/s
        self.assertEqual(verdicts["e2e.records_per_s"], "noisy regression")
        self.assertEqual(verdicts["stage.x.items_per_s"], "improved")

    def test_improvement_and_zero_baseline(self):
        base = findings_with({"a": metric(100), "b": metric(0), "c": metric(0)})
        cur = {"a": metric(80), "b": metric(0), "c": metric(3)}
        verdicts, regressions, _, _ = self.verdicts(cur, base)
        self.assertEqual(verdicts["a"], "improved")
        self.assertEqual(verdicts["b"], "unchanged")
        self.assertEqual(regressions, ["c"])  # from nothing to something: a regression
        d = {x["metric"]: x for x in compare.compare(cur, base, "full")[0]}
        self.assertIsNone(d["c"]["change_pct"])
        self.assertEqual(d["a"]["change_pct"], -20.0)

    def test_info_metrics_and_missing_ones(self):
        base = findings_with({"cpu_pct.parse": metric(10, kind="info"), "gone": metric(1)})
        cur = {"cpu_pct.parse": metric(50, kind="info"), "new": metric(1)}
        verdicts, regressions, noisy, missing = self.verdicts(cur, base)
        self.assertEqual(verdicts, {})
        self.assertEqual(missing, ["gone"])

    def test_other_mode_baseline_is_shown_but_not_flagged(self):
        base = findings_with({"ir.convert_per_record": metric(1000)}, mode="quick")
        verdicts, regressions, noisy, _ = self.verdicts(
            {"ir.convert_per_record": metric(2000)}, base, mode="full")
        self.assertEqual(regressions, [])
        self.assertIn("other mode", verdicts["ir.convert_per_record"])

    def test_no_baseline(self):
        self.assertEqual(compare.compare({"a": metric(1)}, None, "full"), ([], [], [], []))

    def test_load_baseline_explicit_file_and_outside_git(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "findings.json")
            with open(path, "w") as f:
                json.dump(findings_with({"a": metric(1)}, commit="f00"), f)
            b, source = compare.load_baseline(path, tmp, tmp)
            self.assertEqual((b["run"]["commit"], source), ("f00", path))
            # no --baseline, out dir outside any git checkout: the file on disk
            b, source = compare.load_baseline(None, tmp, tmp)
            self.assertEqual(source, path)
            info = compare.baseline_info(b, source)
            self.assertEqual((info["commit"], info["mode"]), ("f00", "full"))
            # in a git checkout, an uncommitted findings.json is no baseline
            if subprocess.run(["git", "init", "-q", tmp], capture_output=True).returncode == 0:
                self.assertEqual(compare.load_baseline(None, tmp, tmp), (None, None))
            empty = os.path.join(tmp, "empty")
            os.mkdir(empty)
            self.assertEqual(compare.load_baseline(None, empty, empty), (None, None))


class ReportTest(unittest.TestCase):
    """findings.json and summary.md from a recorded run (testdata/report_inputs.json: what
    bench/audit --keep leaves in its scratch directory as report-inputs.json)."""

    def setUp(self):
        with open(os.path.join(TESTDATA, "report_inputs.json")) as f:
            self.inputs = json.load(f)

    def render(self, baseline_metrics=None, mode=None):
        i = self.inputs
        baseline = None
        if baseline_metrics is not None:
            baseline = findings_with(baseline_metrics, mode=mode or i["info"]["params"]["mode"],
                                     commit="0ld0ld0")
        deltas, regressions, noisy, missing = compare.compare(
            i["metrics"], baseline, i["info"]["params"]["mode"])
        f = report.findings(i["info"], i["metrics"], i["sections"], i["steps"],
                            compare.baseline_info(baseline, "test"), deltas, regressions, noisy,
                            missing, 0.05)
        json.loads(json.dumps(f, default=str))  # serializable
        return f, report.summary_markdown(f)

    def test_first_run_without_baseline(self):
        f, md = self.render()
        self.assertEqual(f["regressions"], [])
        self.assertIn("No previous findings.json to compare with", md)
        self.assertTrue(md.startswith("# Performance audit summary"))
        per_record = f["summary"]["allocations_per_record"]
        self.assertEqual(f["summary"]["allocation_target_met"], per_record < 0.05)
        self.assertIn("**%s**" % ("met" if per_record < 0.05 else "NOT met"), md)
        for section in ("## Key numbers", "## CPU by stage", "## Where the allocations come from",
                        "## System calls per request", "## Instructions per record",
                        "## What to optimize next"):
            self.assertIn(section, md)
        ids = [x["id"] for x in f["findings"]]
        self.assertIn("allocations-per-record", ids)
        # the recorded run's persister faults in its merge buffers: its own finding and action
        self.assertIn("page-faults", ids)
        self.assertIn("throughput-bound", ids)
        self.assertIn("AppendRowsFrom", " ".join(a["action"] for a in f["next_actions"]))
        self.assertEqual([a["priority"] for a in f["next_actions"]],
                         list(range(1, len(f["next_actions"]) + 1)))

    def test_regression_against_a_better_baseline_is_flagged(self):
        m = copy.deepcopy(self.inputs["metrics"])
        base = {k: dict(v) for k, v in m.items()}
        base["ir.convert_per_record"]["value"] = m["ir.convert_per_record"]["value"] / 1.10
        base["e2e.records_per_s"]["value"] = m["e2e.records_per_s"]["value"] * 1.5
        f, md = self.render(base)
        self.assertEqual([r["metric"] for r in f["regressions"]], ["ir.convert_per_record"])
        self.assertEqual(f["summary"]["regressions"], 1)
        self.assertIn("regression:ir.convert_per_record", [x["id"] for x in f["findings"]])
        self.assertIn("- **ir.convert_per_record**", md)
        self.assertIn("+10.0% (regression)", md)
        self.assertIn("e2e.records_per_s -33.3%", md)  # noisy, listed apart
        self.assertEqual(f["summary"]["baseline"]["commit"], "0ld0ld0")

    def test_same_numbers_no_regression(self):
        f, md = self.render(copy.deepcopy(self.inputs["metrics"]))
        self.assertEqual(f["regressions"], [])
        self.assertIn("None over 5% among", md)

    def test_other_mode_baseline_flags_nothing(self):
        m = copy.deepcopy(self.inputs["metrics"])
        m["ir.convert_per_record"]["value"] /= 2
        mode = "full" if self.inputs["info"]["params"]["mode"] == "quick" else "quick"
        f, md = self.render(m, mode=mode)
        self.assertEqual(f["regressions"], [])


class ParserTest(unittest.TestCase):
    def test_heaptrack_sites_charge_our_innermost_line(self):
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "src", "model"))
            with open(os.path.join(root, "src", "model", "batch_builder.cc"), "w") as f:
                f.write("// 1\n// 2\n  child_index_.emplace(lookup_key_, id);\n"
                        "  p.children.push_back(id);\n")
            with open(os.path.join(TESTDATA, "heaptrack_allocators.txt")) as f:
                text = f.read().replace("/ROOT", root)
            r = allocs.sites_from_allocators(text, requests=100, root=root)
        self.assertEqual(r["total_allocations"], 675)
        self.assertEqual(r["main_thread_allocations"], 50)
        sites = {s["site"]: s for s in r["sites"]}
        first = r["sites"][0]
        self.assertEqual(first["site"], "src/model/batch_builder.cc:3")
        self.assertEqual(first["allocations"], 400)  # two stacks, one line
        self.assertEqual(first["per_request"], 4.0)
        self.assertEqual(first["function"], "ingot::model::BatchBuilder::Child")
        self.assertEqual(first["code"], "child_index_.emplace(lookup_key_, id);")
        self.assertEqual(first["allocating_call"], ["std::pair<> std::unordered_map<>::emplace<>"])
        self.assertEqual(first["called_from"][0], "src/protocols/json/json_walker.cc:43 "
                         "(ingot::protocols::json::WalkObject) <- src/protocols/json/multi.cc:40 "
                         "(AddObjectRecord)")
        self.assertEqual(sites["src/model/batch_builder.cc:4"]["allocating_call"],
                         ["std::vector<>::push_back"])
        self.assertIn("(outside src/) zstd_something", sites)
        self.assertEqual(r["functions"][0]["function"], "ingot::model::BatchBuilder::Child")
        self.assertEqual(r["functions"][0]["allocations"], 600)
        self.assertEqual(r["functions"][0]["lines"],
                         ["src/model/batch_builder.cc:3", "src/model/batch_builder.cc:4"])

    def test_source_root_from_cmake_cache(self):
        with tempfile.TemporaryDirectory() as build:
            self.assertEqual(allocs.source_root(build, default="/d"), "/d")
            with open(os.path.join(build, "CMakeCache.txt"), "w") as f:
                f.write("# comment\nCMAKE_HOME_DIRECTORY:INTERNAL=/somewhere/ingot\n")
            self.assertEqual(allocs.source_root(build), "/somewhere/ingot")

    def test_stage_benchmarks_found_beyond_the_known_ones(self):
        with tempfile.TemporaryDirectory() as build:
            for rel in ("src/protocols/otlp/otlp_decode_bench", "src/wal/wal_bench",
                        "src/wal/CMakeFiles/x_bench", "src/wal/notes_bench"):
                os.makedirs(os.path.dirname(os.path.join(build, rel)), exist_ok=True)
                with open(os.path.join(build, rel), "w") as f:
                    f.write("#!/bin/sh\n")
                if not rel.endswith("notes_bench"):
                    os.chmod(os.path.join(build, rel), 0o755)
            found = stages.discover(build)
        self.assertEqual([x[0] for x in found], ["src/protocols/otlp/otlp_decode_bench"])
        self.assertEqual(found[0][1], "other: otlp")
        self.assertIsNone(found[0][2])  # not in --quick

    def test_load_must_be_served_cleanly(self):
        ok = {"records_ok": 1000, "statuses": {"200": 1},
              "errors": {"total": 0, "rejected_in_2xx": 0}}
        server.check_load(ok)
        for bad in ({"errors": {"total": 0, "rejected_in_2xx": 1}},  # 200 with failed records
                    {"statuses": {"200": 1, "503": 2}},
                    {"errors": {"total": 3, "rejected_in_2xx": 0}},
                    {"records_ok": 0}):
            with self.assertRaises(RuntimeError):
                server.check_load(dict(ok, **bad))

    def test_strace_summary(self):
        s = syscalls.parse_summary(os.path.join(TESTDATA, "strace_c.txt"))
        self.assertEqual(s["total"], 11518)
        self.assertEqual(s["errors"], 328)
        self.assertEqual(list(s["by_call"])[:2], ["mprotect", "epoll_wait"])
        self.assertEqual(s["by_call"]["fdatasync"], 222)
        self.assertEqual(s["by_call"]["renameat2"], 1)

    def test_perf_stat_without_pmu(self):
        with open(os.path.join(TESTDATA, "perf_stat.csv")) as f:
            c = profile.parse_stat(f.read())
        self.assertIsNone(c["instructions"])  # '<not supported>' in this VM
        self.assertAlmostEqual(c["task-clock"], 1.27)
        c = profile.parse_stat("123456,,instructions:u,1000,100.00,,\n")
        self.assertEqual(c["instructions"], 123456.0)

    def test_short_names(self):
        self.assertEqual(profile.short_name(
            "void ingot::model::Column::Append<std::basic_string_view<char> >(int, long)"),
            "void ingot::model::Column::Append<>")
        self.assertEqual(profile.short_name("std::vector<int>::operator[](unsigned long)"),
                         "std::vector<>::operator[]")
        self.assertEqual(allocs.short_function("ingot::model::Column::Reserve(unsigned long)"),
                         "ingot::model::Column::Reserve")

    def test_stage_attribution(self):
        k = "[kernel.kallsyms]"
        frames = [("copy_folio_from_iter_atomic", k), ("do_syscall_64", k),
                  ("entry_SYSCALL_64", k), ("__GI_pwritev64", "libc.so.6"),
                  ("ingot::fs::File::Write", "ingot"), ("ingot::wal::WalWriter::Run", "ingot")]
        self.assertEqual(profile.self_stage(frames), "kernel: syscalls")
        self.assertEqual(profile.kernel_category(frames), ("syscalls", "pwritev"))
        self.assertEqual(profile.owner_stage(frames), "wal")
        frames = [("__memmove_avx_unaligned_erms", "libc.so.6"),
                  ("ingot::model::Column::AppendString", "ingot"),
                  ("ingot::protocols::json::WalkObject", "ingot")]
        self.assertEqual(profile.self_stage(frames), "columns")
        self.assertEqual(profile.self_stage([("ZSTD_compressBlock_fast", "libzstd.so.1")]),
                         "compress")

    def test_flamegraph_svg_is_well_formed(self):
        folded = {"[http thread];ingot::http::Serve;ingot::protocols::json::DecodeNdjson": 70,
                  "[wal thread];ingot::wal::WalWriter::Run;pwritev <&>": 30}
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "f.svg")
            size = profile.flamegraph_svg(folded, path, "test <title>")
            self.assertGreater(size, 0)
            root = ET.parse(path).getroot()
        titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
        self.assertIn("[http thread] (70 samples, 70.00%)", titles)
        self.assertIn("pwritev <&> (30 samples, 30.00%)", titles)


if __name__ == "__main__":
    unittest.main()
