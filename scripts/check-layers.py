#!/usr/bin/env python3
"""Checks that no folder of src/ includes a folder above it in the include order of the pipeline.

A request flows http/grpc -> api -> protocols -> model -> ingest -> wal -> memtable -> persist ->
parquet -> fs (the READMEs follow it). The include order is that flow with the three places where
a stage is handed something through an interface it includes rather than calling down into it:

    api, grpc > http > ingest > protocols > persist > memtable > wal > parquet > model > fs

- api/ registers its handlers on http/'s router (api/ includes http/; http/ calls the handlers it
  is given and includes nothing of api/). grpc/ uses http/'s content decoder.
- ingest/ holds the request flow (IngestFlow) that decodes with protocols/' registry, and WAL
  replay that decodes again: ingest/ calls protocols/, never the reverse.
- persist/ writes the partitions memtable/ seals (it includes memtable's SealedPartition; the
  memtable hands them over through a sink function and includes nothing of persist/).
- model/ (the records: RecordBatch, Column, StreamKey) is what every stage holds and hands on, so
  it sits under all of them and may include only common/.

common/ is under all of them. A file in one of these folders may include its own folder, any
folder below it, and common/; an `#include "x/..."` of a folder above it is an error. Same-rank
folders (api and grpc) may include each other. And whatever the rules allow, the folders'
includes must not form a cycle.

The folders outside the pipeline, and what they may include. app/ and engine/ wire the stages
together: they may include every folder but app/, and the other folders may include neither.

    app/       everything: flags, config, signals, process-wide limits. Nothing includes it.
    engine/    everything but app/: it builds a node's stages and runs their periodic tasks.
               Only app/ includes it.
    convert/   common, model, protocols, parquet, fs: `ingot convert` reuses the server's decoder
               and writer, offline. Only app/ and engine/ include it.
    auth/      common, model. Included by the request flow (grpc, api, ingest), app/ and
               engine/.
    workload/  common. Included by tools/, and by benchmarks, tests and fuzzers anywhere.
    tools/     common, workload (its tests also http, to run a scripted server). Nothing
               includes it.
    objstore/  common, fs: S3-compatible object storage. Included by persist/ (upload,
               compaction, retention).
    fingerprint/ common: log message templates and their hash. Included by the decoders
               (protocols), convert/ and ingest/.

Only `#include "..."` lines whose first path component is a folder of src/ are read (generated
headers such as "opentelemetry/..." are not ours). Exits 1 and lists each offending line when a
rule is broken.

Usage: scripts/check-layers.py
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

# Top to bottom; a tuple is one rank.
CHAIN = [("api", "grpc"), "http", "ingest", "protocols", "persist", "memtable", "wal", "parquet",
         "model", "fs"]
BASE = "common"
# Folders of the chain that may include nothing but common/ whatever their rank: model/ is the
# vocabulary every stage includes, so it must not include any of them.
ONLY_BASE = {"model"}

# Outside the chain: what each may include (besides itself and common/), and which folders besides
# WIRING may include it.
OUTSIDE = {
    "app": {"may_include": "*", "included_by": set()},
    "engine": {"may_include": "*", "included_by": set()},
    "convert": {"may_include": {"model", "protocols", "parquet", "fs"}, "included_by": set()},
    "auth": {"may_include": {"model"}, "included_by": {"grpc", "api", "ingest"}},
    "workload": {"may_include": set(), "included_by": {"tools"}},
    "tools": {"may_include": {"workload"}, "included_by": set()},
    "objstore": {"may_include": {"fs"}, "included_by": {"persist"}},
    "fingerprint": {"may_include": set(), "included_by": {"protocols", "convert", "ingest"}},
}
# The folders that wire the others together, and who may include each of them.
WIRING = {"app": set(), "engine": {"app"}}
# Benchmarks, tests and fuzzers may also include these folders (generated data, test servers).
TEST_FILE = re.compile(r"(_test|_bench|^fuzz_[a-z0-9_]*|^test_[a-z0-9_]*)\.(cc|h)$")
TEST_ONLY = {
    "*": {"workload"},
    "tools": {"http"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_][a-z0-9_]*)/([^"]+)"')


def rank_of():
    ranks = {}
    for i, entry in enumerate(CHAIN):
        for folder in (entry if isinstance(entry, tuple) else (entry,)):
            ranks[folder] = i
    return ranks


def check(path, folder, target, ranks):
    """None if a file of `folder` (at `path`) may include a header of `target`, else why not."""
    if target in (folder, BASE):
        return None
    test_file = TEST_FILE.search(os.path.basename(path)) is not None
    if test_file and (target in TEST_ONLY["*"] or target in TEST_ONLY.get(folder, ())):
        return None
    if target in WIRING:
        if folder in WIRING[target]:
            return None
        return "%s/ may be included only by %s" % (
            target, ", ".join(sorted(WIRING[target])) or "no other folder")
    if folder in WIRING:
        return None
    if target in OUTSIDE:
        if folder in OUTSIDE[target]["included_by"]:
            return None
        return "%s/ may be included only by %s" % (
            target, ", ".join(sorted(OUTSIDE[target]["included_by"] | set(WIRING))))
    if folder in OUTSIDE:
        allowed = OUTSIDE[folder]["may_include"]
        if allowed == "*" or target in allowed:
            return None
        return "%s/ may include only %s" % (folder, ", ".join(sorted(allowed | {BASE})))
    if folder in ONLY_BASE:
        return "%s/ may include only %s/" % (folder, BASE)
    if target not in ranks or folder not in ranks:
        return "%s/ or %s/ is in no layer: add it to scripts/check-layers.py" % (folder, target)
    if ranks[target] >= ranks[folder]:
        return None
    return "%s/ is above %s/ in the include order" % (target, folder)


def cycles(graph):
    """One error per cycle among the folders' includes (found by a depth-first search)."""
    found, state, stack = [], {}, []

    def visit(folder):
        state[folder] = "open"
        stack.append(folder)
        for target in sorted(graph.get(folder, {})):
            if state.get(target) == "open":
                loop = stack[stack.index(target):] + [target]
                where = ", ".join(graph[a][b] for a, b in zip(loop, loop[1:]))
                found.append("folders include each other: %s (%s)" % (" -> ".join(loop), where))
            elif target not in state:
                visit(target)
        stack.pop()
        state[folder] = "done"

    for folder in sorted(graph):
        if folder not in state:
            visit(folder)
    return found


def main():
    ranks = rank_of()
    src = os.path.join(ROOT, "src")
    known = set(os.listdir(src))
    errors = []
    graph = {}  # folder -> {included folder: "path:line" of one such include}
    for dirpath, _, files in os.walk(src):
        rel_dir = os.path.relpath(dirpath, src)
        folder = rel_dir.split(os.sep)[0]
        if folder == ".":
            continue
        if folder not in ranks and folder not in OUTSIDE and folder != BASE:
            errors.append("src/%s: a folder in no layer: add it to scripts/check-layers.py" %
                          folder)
            continue
        for name in sorted(files):
            if not name.endswith((".h", ".cc")):
                continue
            path = os.path.join("src", rel_dir, name)
            with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m or m.group(1) not in known:
                        continue
                    target, included = m.group(1), m.group(1) + "/" + m.group(2)
                    if target != folder:
                        graph.setdefault(folder, {}).setdefault(target, "%s:%d" % (path, number))
                    if folder == BASE and target != BASE:
                        errors.append('%s:%d: includes "%s": common/ includes nothing else' %
                                      (path, number, included))
                        continue
                    why = check(path, folder, target, ranks)
                    if why is not None:
                        errors.append('%s:%d: includes "%s": %s' % (path, number, included, why))
    errors += cycles(graph)
    for e in errors:
        print(e)
    if errors:
        print("%d problem(s) with the layers (order and rules: scripts/check-layers.py)" %
              len(errors))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
