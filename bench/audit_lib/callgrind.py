"""Instructions per record with callgrind (repeatable: the audit's main regression metric)."""
import collections
import os
import re

from .common import run
from .profile import stage_of

LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$")
# Functions whose inclusive cost is a stage of `ingot convert` (see ndjson_to_parquet.cc).
CONVERT_STAGES = [
    ("decode (NDJSON -> columns)", re.compile(r"^ingot::protocols::json::DecodeNdjson\b")),
    ("encode + compress (columns -> row groups)", re.compile(r"^ingot::parquet::EncodeRowGroup\b")),
    ("write file (footer, I/O)", re.compile(r"^ingot::convert::\(anonymous namespace\)::WriteFile\b")),
]


def run_callgrind(cmd, out_file, env=None):
    if os.path.exists(out_file):
        os.remove(out_file)
    run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out_file] + cmd, env=env)
    return out_file


def annotate(out_file, inclusive=False):
    """[(Ir, function, dso)] for every function of a callgrind profile, summed over source
    files (callgrind_annotate lists inlined code by the file it came from) and recursion
    levels."""
    args = ["callgrind_annotate", "--threshold=100", "--auto=no"]
    if inclusive:
        args.append("--inclusive=yes")
    text = run(args + [out_file]).stdout
    total = None
    per = collections.Counter()
    dsos = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        ir = int(m.group(1).replace(",", ""))
        rest = m.group(2).strip()
        if rest.startswith("PROGRAM TOTALS"):
            total = ir
            continue
        dso = ""
        dm = re.search(r" \[([^\[\]]*)\]$", rest)
        if dm:
            dso = dm.group(1)
            rest = rest[:dm.start()]
        _, _, func = rest.partition(":")  # "file:function"; paths hold no ':'
        func = re.sub(r"'\d+$", "", func.strip())
        if dso:
            dsos.setdefault(func, os.path.basename(dso))
        if inclusive:
            # one line per source file the function's code came from (inlining); the line of
            # its own file carries the true inclusive cost, the others are parts of it
            per[func] = max(per[func], ir)
        else:
            per[func] += ir
    return total, collections.Counter({(f, dsos.get(f, "")): v for f, v in per.items()})


def total_ir(out_file):
    for line in open(out_file, errors="replace"):
        if line.startswith("summary:") or line.startswith("totals:"):
            return int(line.split()[1])
    total, _ = annotate(out_file)
    return total


def convert_profile(build, big, big_records, small, small_records, workdir, top=15):
    """callgrind over `ingot convert --threads 1` of two files; per record = difference / the
    difference in records (what a run costs regardless of its size cancels out)."""
    ingot = os.path.join(build, "ingot")
    outs = {}
    for label, path in (("small", small), ("big", big)):
        out = os.path.join(workdir, "callgrind-convert-%s.out" % label)
        run_callgrind([ingot, "convert", path, os.path.join(workdir, "cg-%s.parquet" % label),
                       "--threads", "1"], out)
        outs[label] = out
    n = big_records - small_records
    t_big, self_big = annotate(outs["big"])
    t_small, self_small = annotate(outs["small"])
    _, incl_big = annotate(outs["big"], inclusive=True)
    _, incl_small = annotate(outs["small"], inclusive=True)

    stages = {}
    for name, rx in CONVERT_STAGES:
        b = sum(v for (f, _), v in incl_big.items() if rx.match(f))
        s = sum(v for (f, _), v in incl_small.items() if rx.match(f))
        stages[name] = (b - s) / n
    compress = collections.Counter()
    by_stage = collections.Counter()
    for key, v in self_big.items():
        d = v - self_small.get(key, 0)
        st = stage_of(key[0], key[1]) or _library_stage(key)
        by_stage[st] += d
        if st == "compress":
            compress["zstd"] += d
    stages["of which zstd (compress)"] = compress["zstd"] / n
    diff = collections.Counter({k: v - self_small.get(k, 0) for k, v in self_big.items()})
    top_functions = [
        {"function": _short(f), "dso": d, "ir_per_record": round(v / n, 1),
         "share_pct": round(100.0 * v / (t_big - t_small), 2),
         "stage": stage_of(f, d) or _library_stage((f, d))}
        for (f, d), v in diff.most_common(top)]
    return {
        "ir_total_big": t_big,
        "ir_total_small": t_small,
        "records_big": big_records,
        "records_small": small_records,
        "ir_per_record": (t_big - t_small) / n,
        "ir_per_record_by_phase": {k: round(v, 1) for k, v in stages.items() if abs(v) >= 0.5},
        "ir_per_record_by_stage_self": {k: round(v / n, 1) for k, v in by_stage.most_common()
                                        if abs(v / n) >= 0.5},
        "top_functions": top_functions,
        "files": outs,
    }


def _library_stage(key):
    func, dso = key
    if re.match(r"^__(mem|str|wmem)|^mem(cpy|move|set|chr|cmp)", func):
        return "libc mem*/str*"
    if "libc.so" in dso or "ld-linux" in dso:
        return "libc other"
    if "libstdc++" in dso:
        return "libstdc++"
    return "other"


def _short(name):
    from .profile import short_name
    return short_name(name)
