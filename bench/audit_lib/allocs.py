"""Heap allocations: the malloc_count.c LD_PRELOAD shim (counts) and heaptrack (call sites)."""
import collections
import os
import re
import signal
import time

from .common import ROOT, have, progress, run, warn

SHIM_SOURCE = os.path.join(ROOT, "bench", "audit_lib", "malloc_count.c")
KINDS = ("malloc", "calloc", "realloc", "memalign", "free", "bytes")


def build_shim(workdir):
    out = os.path.join(workdir, "malloc_count.so")
    run(["cc", "-shared", "-fPIC", "-O2", "-Wall", "-o", out, SHIM_SOURCE, "-ldl"])
    return out


def shim_env(shim, out_path):
    return {"LD_PRELOAD": shim, "MALLOC_COUNT_OUT": out_path}


def parse_snapshots(path, pid=None):
    """Complete snapshots in the file: [{'seq', 'pid', 'threads': {tid: {comm, malloc, ...}}}]."""
    snapshots = []
    current = None
    if not os.path.exists(path):
        return snapshots
    for line in open(path):
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "snapshot":
            current = {"seq": int(parts[1]), "pid": int(parts[2]), "threads": {}}
        elif parts[0] == "thread" and current is not None:
            counts = dict(zip(KINDS, map(int, parts[3:9])))
            counts["comm"] = parts[2]
            current["threads"][int(parts[1])] = counts
        elif parts[0] == "end" and current is not None:
            if pid is None or current["pid"] == pid:
                snapshots.append(current)
            current = None
    return snapshots


def allocations(counts):
    """Calls that allocate (free is not one); realloc counts as one."""
    return counts["malloc"] + counts["calloc"] + counts["realloc"] + counts["memalign"]


def snapshot(server, path, timeout=10):
    """Asks the server's shim for a snapshot (SIGUSR2) and returns it once written."""
    before = len(parse_snapshots(path, server.pid))
    server.signal(signal.SIGUSR2)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snaps = parse_snapshots(path, server.pid)
        if len(snaps) > before:
            return snaps[-1]
        time.sleep(0.02)
    raise RuntimeError("no allocation snapshot from %s after %d s" % (server.name, timeout))


def diff(after, before, names=None):
    """Per thread: counts in `after` minus `before` (threads born in between count from 0).
    A thread that has exited shows as "-" in a snapshot: `names` (tid -> name, from /proc or an
    earlier snapshot) fills in its name."""
    out = {}
    for tid, a in after["threads"].items():
        b = before["threads"].get(tid)
        d = {k: a[k] - (b[k] if b else 0) for k in KINDS}
        d["comm"] = a["comm"]
        if d["comm"] == "-":
            d["comm"] = (names or {}).get(tid) or (b["comm"] if b else "-")
        out[tid] = d
    return out


def total(per_thread, select=None):
    agg = collections.Counter()
    for tid, c in per_thread.items():
        if select is None or select(tid, c):
            for k in KINDS:
                agg[k] += c[k]
    agg = dict(agg)
    for k in KINDS:
        agg.setdefault(k, 0)
    agg["allocations"] = allocations(agg)
    return agg


def convert_allocations(build, shim, workdir, big, big_records, small, small_records):
    """Allocations per record of `ingot convert` (decode + encode + compress, all cores).

    Runs the converter on a large and a small file and divides the difference of the counts
    by the difference of the records, which removes what a run costs whatever its size (argument
    parsing, thread start, the footer).
    """
    results = {}
    for label, path in (("small", small), ("big", big)):
        out_path = os.path.join(workdir, "convert-%s.counts" % label)
        if os.path.exists(out_path):
            os.remove(out_path)
        env = dict(os.environ, **shim_env(shim, out_path))
        run([os.path.join(build, "ingot"), "convert", path,
             os.path.join(workdir, "convert-%s.parquet" % label)], env=env)
        snaps = parse_snapshots(out_path)
        if not snaps:
            raise RuntimeError("the shim wrote no counts for ingot convert")
        final = snaps[-1]  # written at exit
        results[label] = total(final["threads"])
    d = results["big"]["allocations"] - results["small"]["allocations"]
    n = big_records - small_records
    return {
        "allocations_per_record": d / n,
        "bytes_per_record": (results["big"]["bytes"] - results["small"]["bytes"]) / n,
        "allocations_big_run": results["big"]["allocations"],
        "allocations_small_run": results["small"]["allocations"],
        "records_big": big_records,
        "records_small": small_records,
    }


# --- heaptrack: where the allocations come from ---

BLOCK_HEAD = re.compile(r"^(\d+) calls to allocation functions with .* from$")
FRAME_AT = re.compile(r"^\s+at (.+):(\d+)$")
FRAME_IN = re.compile(r"^\s+in (.+)$")


def parse_allocators(text):
    """[(calls, [frame, ...])] from `heaptrack_print -a 1 -m 0` (unmerged backtraces), each frame
    {'function', 'file', 'line'} from the allocation function outwards (file/line None when
    heaptrack has no debug information for it)."""
    blocks = []
    frames = None
    calls = None
    for line in text.splitlines():
        m = BLOCK_HEAD.match(line)
        if m:
            if frames is not None:
                blocks.append((calls, frames))
            calls, frames = int(m.group(1)), []
            continue
        if frames is None:
            continue
        if not line.strip():
            blocks.append((calls, frames))
            frames = None
            continue
        at = FRAME_AT.match(line)
        if at:
            if frames:
                frames[-1]["file"], frames[-1]["line"] = at.group(1), int(at.group(2))
            continue
        if FRAME_IN.match(line):
            continue
        frames.append({"function": line.strip(), "file": None, "line": None})
    if frames is not None:
        blocks.append((calls, frames))
    return blocks


def _ours(frame, src_root):
    f = frame.get("file")
    return bool(f) and os.path.abspath(f).startswith(src_root + os.sep)


def _where(frame, root):
    return "%s:%d" % (os.path.relpath(frame["file"], root), frame["line"])


def heaptrack_sites(data_file, workdir, requests, top=12, root=ROOT):
    """Top allocating call sites of a heaptrack recording, by number of allocation calls.

    Each backtrace is charged to its innermost frame in ingot's own sources (src/**, headers
    included; std:: and library frames such as vector growth are skipped), so a site is the
    file:line of ours that asks for memory, with the function it is in and the two calls of ours
    that led there. Allocations of the main thread (start-up, flag parsing, shut-down) are
    counted apart: requests are served by the I/O, WAL and persister threads.
    """
    text = run(["heaptrack_print", "-f", data_file, "-a", "1", "-p", "0", "-T", "0", "-l", "0",
                "-m", "0", "-n", "1000000", "-s", "1"]).stdout
    with open(os.path.join(workdir, "heaptrack-allocators.txt"), "w") as f:
        f.write(text)
    return sites_from_allocators(text, requests, top, root)


def sites_from_allocators(text, requests, top=12, root=ROOT):
    """heaptrack_sites' analysis of `heaptrack_print -a 1 -m 0` output."""
    src_root = os.path.join(root, "src")
    sites = collections.Counter()
    info = {}
    callers = collections.defaultdict(collections.Counter)
    what = collections.defaultdict(collections.Counter)
    grand = 0
    main_thread = 0
    for calls, frames in parse_allocators(text):
        grand += calls
        if any(fr["function"] in ("main", "__libc_start_main") for fr in frames):
            main_thread += calls
            continue
        mine = [fr for fr in frames if _ours(fr, src_root)]
        if mine:
            site = _where(mine[0], root)
            info.setdefault(site, short_function(mine[0]["function"]))
            # the library call our line makes that allocates (vector growth, string copy, ...)
            i = frames.index(mine[0])
            what[site][short_function(frames[i - 1]["function"]) if i > 0 else "malloc"] += calls
            chain = []
            for fr in mine[1:]:
                w = "%s (%s)" % (_where(fr, root), short_function(fr["function"]))
                if not chain or chain[-1] != w:
                    chain.append(w)
                if len(chain) == 2:
                    break
            callers[site][" <- ".join(chain) or "-"] += calls
        else:
            leaf = next((fr for fr in frames if not SKIP_FRAME.match(fr["function"])),
                        frames[0] if frames else {"function": "?"})
            site = "(outside src/) " + short_function(leaf["function"])
            info.setdefault(site, "")
            callers[site]["-"] += calls
        sites[site] += calls
    out = []
    for site, n in sites.most_common(top):
        out.append({"site": site, "function": info[site], "allocations": n,
                    "share": n / grand if grand else 0,
                    "per_request": n / requests if requests else None,
                    "called_from": [c for c, _ in callers[site].most_common(2)],
                    "allocating_call": [c for c, _ in what[site].most_common(2)],
                    "code": source_line(site, root)})
    by_function = collections.defaultdict(lambda: {"allocations": 0, "lines": []})
    for site, n in sites.most_common():
        fn = by_function[info[site] or site]
        fn["allocations"] += n
        fn["lines"].append(site)
    functions = [{"function": name, "allocations": v["allocations"],
                  "share": v["allocations"] / grand if grand else 0,
                  "per_request": v["allocations"] / requests if requests else None,
                  "lines": v["lines"][:6]}
                 for name, v in sorted(by_function.items(), key=lambda kv: -kv[1]["allocations"])
                 ][:top]
    return {"total_allocations": grand, "main_thread_allocations": main_thread,
            "requests": requests, "sites": out, "functions": functions}


def source_root(build, default=ROOT):
    """The source tree the build was configured from (its debug information names files
    there), from the build's CMakeCache.txt; `default` when it cannot be read."""
    try:
        with open(os.path.join(build, "CMakeCache.txt"), errors="replace") as f:
            for line in f:
                if line.startswith("CMAKE_HOME_DIRECTORY:"):
                    return line.split("=", 1)[1].strip() or default
    except OSError:
        pass
    return default


def source_line(site, root=ROOT):
    """The text of 'path:line' (relative to root), stripped; None when unreadable."""
    path, _, line = site.rpartition(":")
    if not line.isdigit() or site.startswith("("):
        return None
    try:
        with open(os.path.join(root, path), errors="replace") as f:
            for i, text in enumerate(f, 1):
                if i == int(line):
                    return text.strip()[:160]
    except OSError:
        pass
    return None


SKIP_FRAME = re.compile(r"^(std::|__gnu_cxx::|operator new|operator delete|void std::|"
                        r"__invoke|_M_|malloc|calloc|realloc|free|0x)")


def short_function(name):
    """'ingot::model::Column::Reserve(unsigned long)' -> 'ingot::model::Column::Reserve'."""
    return strip_params(name.replace("(anonymous namespace)", "(anon)"))


def strip_params(name):
    """Drops a trailing parameter list: 'f(int, std::string_view)' -> 'f'."""
    if not name.endswith(")"):
        return name
    depth = 0
    for i in range(len(name) - 1, -1, -1):
        if name[i] == ")":
            depth += 1
        elif name[i] == "(":
            depth -= 1
            if depth == 0:
                head = name[:i]
                return head + "()" if head.endswith("operator") else head
    return name


def heaptrack_available():
    return have("heaptrack") and have("heaptrack_print")


def find_heaptrack_output(prefix):
    for ext in (".zst", ".gz", ""):
        if os.path.exists(prefix + ext):
            return prefix + ext
    warn("heaptrack wrote no %s.*" % prefix)
    return None


def describe(per_request_sites):
    for s in per_request_sites["sites"][:6]:
        progress("    %7.1f allocations/request  %s %s" % (s["per_request"] or 0, s["site"],
                                                         s["function"]))
