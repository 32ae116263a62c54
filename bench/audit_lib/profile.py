"""CPU profile of the server: `perf record` (software cpu-clock, DWARF call graphs), samples
read back with `perf script`, classified by pipeline stage, folded into a flame graph."""
import collections
import html
import os
import re
import signal
import subprocess

from .common import progress, run

FRAME = re.compile(r"^\s*([0-9a-f]+) (.*) \(([^()]*)\)$")

# First match wins; checked against the frame's function name, then its DSO.
STAGE_RULES = [
    ("compress", re.compile(r"^(ZSTD_|HUF_|FSE_|ZSTDMT_|HIST_|POOL_|snappy::|LZ4_)")),
    ("parse", re.compile(r"^simdjson::")),
    ("decode", re.compile(r"^ingot::protocols::")),
    ("columns", re.compile(r"^ingot::model::")),
    ("encode", re.compile(r"^(ingot::parquet::|apache::thrift::)")),
    ("wal", re.compile(r"^ingot::wal::")),
    # The persist stage (src/persist) was part of src/memtable when these stages were named: kept
    # under "memtable" so the audit's figures compare with earlier ones. "storage" is the file
    # system layer (src/fs), which every stage's file I/O goes through.
    ("memtable", re.compile(r"^(ingot::memtable::|ingot::persist::|ingot::ingest::)")),
    ("storage", re.compile(r"^ingot::fs::")),
    ("http", re.compile(r"^(ingot::http::|boost::)")),
    ("api", re.compile(r"^ingot::(api|auth|app)::")),
    ("convert", re.compile(r"^ingot::convert::")),
]
DSO_STAGES = [
    ("compress", re.compile(r"libzstd|libsnappy|liblz4")),
    ("parse", re.compile(r"libsimdjson")),
    ("encode", re.compile(r"libthrift")),
    ("http", re.compile(r"libdeflate|libz\.so")),
]
ALLOCATOR = re.compile(
    r"^(malloc|free|calloc|realloc|cfree|memalign|aligned_alloc|posix_memalign|valloc|"
    r"__libc_(malloc|free|calloc|realloc|memalign)|_int_(malloc|free|realloc|memalign)|"
    r"malloc_consolidate|sysmalloc|systrim|tcache_\w+|unlink_chunk|_mid_memalign|"
    r"__GI___libc_(malloc|free)|operator new|operator delete|__malloc_\w+|arena_\w+|"
    r"alloc_perturb|checked_request2size|munmap_chunk|new_heap|heap_trim)\b")
# Frames that do work on behalf of their caller: charged to the first frame below them that
# belongs to a stage.
TRANSPARENT = re.compile(
    r"^(__mem\w+|mem(cpy|move|set|cmp|chr)\b|__str\w+|str\w+|__wmem\w+|std::|__gnu_cxx::|"
    r"__invoke|_M_|operator\(\)|invoke<|complete<|do_complete|asio_handler_invoke|"
    r"\[unknown\]|__cxx|void std::|bool std::|_Z|__GI_|__libc_start|start_thread|clone)")
KERNEL_DSO = "[kernel.kallsyms]"
PAGE_FAULT = re.compile(r"^(asm_exc_page_fault|exc_page_fault|do_user_addr_fault|"
                        r"handle_mm_fault)$")
SYSCALL_ENTRY = re.compile(r"^(entry_SYSCALL_64|do_syscall_64)")
# Frames left out of the flame graph (matched against short_name()s): thread start-up and
# std::function / std::thread / Asio handler plumbing.
NOISE = re.compile(r"^(clone3?|start_thread|\[unknown\]|0x[0-9a-f]+|(std::)?__invoke\w*(<>)?|"
                   r"(std::_Function_handler<>::|std::thread::_State_impl<>::|"
                   r"std::thread::_Invoker<>::)?_M_(run|invoke)(<>)?|operator\(\)|"
                   r"(boost::asio::detail::)?(asio_handler_invoke|invoke|complete|do_complete)"
                   r"(<>)?|std::function<>::operator\(\).*)$")
ROLE_MARKERS = [
    ("wal", re.compile(r"WalWriter::Run")),
    ("persist", re.compile(r"Persister::Work")),
    ("ticker", re.compile(r"Ticker::Run")),
    ("http", re.compile(r"IoWorker|ingot::http::Server")),
    ("convert", re.compile(r"ingot::convert::")),
]


def start_record(pid, out, freq=999, call_graph="dwarf,16384"):
    cmd = ["perf", "record", "-F", str(freq), "-e", "cpu-clock", "--call-graph", call_graph,
           "-p", str(pid), "-o", out]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def stop_record(proc):
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    m = re.search(r"\((\d+) samples\)", err or "")
    return int(m.group(1)) if m else None


def samples(data_file):
    """Yields (comm, tid, frames) per sample; frames leaf first as (function, dso), where dso
    is 'inlined' for frames perf reconstructed from inline debug information."""
    cmd = ["perf", "script", "-i", data_file, "-F", "comm,tid,period,ip,sym,dso"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            errors="replace", bufsize=1 << 20)
    comm = tid = None
    frames = []
    for line in proc.stdout:
        if not line.strip():
            if comm is not None:
                yield comm, tid, frames
            comm, frames = None, []
            continue
        if line[0] not in " \t":
            head = line.split()
            # "<comm> <tid> <period>"; comm may contain spaces
            comm, tid = " ".join(head[:-2]), int(head[-2])
            continue
        m = FRAME.match(line.rstrip("\n"))
        if m:
            frames.append((m.group(2), m.group(3)))
        else:
            parts = line.split(None, 1)
            frames.append((parts[1].strip() if len(parts) > 1 else "[unknown]", "[unknown]"))
    if comm is not None:
        yield comm, tid, frames
    proc.wait()


def short_name(name):
    """Drops template arguments, parameter lists and lambda signatures, for tables and SVG."""
    name = name.replace("(anonymous namespace)", "(anon)")
    name = re.sub(r"\{lambda\([^{}]*\)#(\d+)\}", r"{lambda#\1}", name)
    out, depth = [], 0
    i = 0
    while i < len(name):
        c = name[i]
        if name.startswith("operator<<", i) or name.startswith("operator>>", i):
            if depth == 0:
                out.append(name[i:i + 10])
            i += 10
            continue
        if name.startswith("operator->", i):
            if depth == 0:
                out.append(name[i:i + 10])
            i += 10
            continue
        if c == "<":
            if depth == 0:
                out.append("<>")
            depth += 1
        elif c == ">" and depth > 0:
            depth -= 1
        elif depth == 0:
            out.append(c)
        i += 1
    s = "".join(out)
    if s.endswith(")") and not s.endswith("operator()"):
        depth = 0
        for j in range(len(s) - 1, -1, -1):
            if s[j] == ")":
                depth += 1
            elif s[j] == "(":
                depth -= 1
                if depth == 0:
                    s = s[:j]
                    break
    return s


def stage_of(func, dso):
    """The stage a single frame belongs to, or None for frames that are not a stage's own."""
    if dso == KERNEL_DSO:
        return "kernel"
    if ALLOCATOR.match(func) or "malloc_count" in dso:
        return "allocator"
    for stage, rx in STAGE_RULES:
        if rx.match(func):
            return stage
    for stage, rx in DSO_STAGES:
        if rx.search(dso):
            return stage
    if TRANSPARENT.match(func):
        return None
    if func.startswith("ingot::"):
        return "other ingot"
    return None


def kernel_category(frames):
    """('page faults' | 'syscalls' | 'other', syscall name) for a sample whose leaf is in the
    kernel. The syscall is named after the libc wrapper that made it (pwritev64 -> pwritev), or
    else the kernel function below the syscall entry."""
    below_entry = None
    for i, (func, dso) in enumerate(frames):
        if dso != KERNEL_DSO:
            break
        if PAGE_FAULT.match(func):
            return "page faults", None
        if SYSCALL_ENTRY.match(func):
            name = None
            for ufunc, udso in frames[i + 1:]:
                if udso == KERNEL_DSO:
                    continue
                name = _syscall_wrapper(ufunc)
                break
            if name is None and below_entry is not None:
                name = SYSCALL_PREFIX.sub("", below_entry)
            return "syscalls", name or "?"
        below_entry = func
    return "other", None


SYSCALL_PREFIX = re.compile(r"^(__x64_sys_|__ia32_sys_|__do_sys_|__se_sys_|ksys_|do_sys_|do_|"
                            r"__sys_)")


def _syscall_wrapper(func):
    """'__GI_pwritev64' -> 'pwritev', '__libc_recv' -> 'recv', 'epoll_wait' -> 'epoll_wait';
    None for frames that are not a libc system call wrapper."""
    name = re.sub(r"^(__GI___libc_|__GI___|__GI_|__libc_|__)", "", func)
    name = re.sub(r"(64|_nocancel)$", "", name)
    if re.match(r"^[a-z_0-9]+$", name) and not name.startswith(("ingot", "std")):
        return name
    return None


def fault_site(frames):
    """The function of ours (or the library's) whose memory access took a page fault: the first
    user-space frame that is not the allocator, memcpy/memset or a std:: helper."""
    for func, dso in frames:
        if dso == KERNEL_DSO or ALLOCATOR.match(func) or TRANSPARENT.match(func):
            continue
        return short_name(func)
    return "[unknown]"


def owner_stage(frames):
    """The first frame, from the leaf, that belongs to a user-space stage (not kernel, not
    allocator): the stage that caused the sample's work."""
    first_storage = False
    for func, dso in frames:
        st = stage_of(func, dso)
        if st == "storage":  # file I/O on behalf of the WAL or the persister: look further up
            first_storage = True
            continue
        if st not in (None, "kernel", "allocator"):
            return st
    return "storage" if first_storage else "unattributed"


def self_stage(frames):
    """The stage a sample's self time goes to: kernel work by kind, the allocator, else the
    first stage frame from the leaf (memcpy and library helpers count for their caller)."""
    if not frames:
        return "unattributed"
    func, dso = frames[0]
    if dso == KERNEL_DSO:
        cat, _ = kernel_category(frames)
        return "kernel: " + cat
    for func, dso in frames:
        st = stage_of(func, dso)
        if st == "kernel":
            continue
        if st is not None:
            return st
    return "unattributed"


def leaf_function(frames):
    """The function perf report names for a sample (inline frames are folded into it)."""
    for func, dso in frames:
        if dso != "inlined":
            return func, os.path.basename(dso)
    return (frames[0][0], "inlined") if frames else ("[unknown]", "[unknown]")


def role_of(comm, counts):
    if comm.startswith("ingot-http"):
        return "http"
    if comm == "ingot-accept":
        return "accept"
    if counts:
        return counts.most_common(1)[0][0]
    return "other"


def analyze(data_file, top=25):
    """Everything the audit reports from one perf recording."""
    n = 0
    functions = collections.Counter()
    inline_leaf = collections.defaultdict(collections.Counter)
    function_stage = {}
    self_stages = collections.Counter()
    owners = collections.Counter()
    kernel = collections.Counter()
    syscalls = collections.Counter()
    kernel_by_owner = collections.Counter()
    faults_by_owner = collections.Counter()
    faults_by_function = collections.Counter()
    faults_by_tid = collections.Counter()
    tid_stages = collections.defaultdict(collections.Counter)
    syscall_leaf = collections.defaultdict(collections.Counter)
    alloc_by_owner = collections.Counter()
    tid_samples = collections.Counter()
    tid_comm = {}
    tid_roles = collections.defaultdict(collections.Counter)
    tid_stacks = collections.defaultdict(collections.Counter)
    stack_ok = 0
    for comm, tid, frames in samples(data_file):
        n += 1
        tid_samples[tid] += 1
        tid_comm[tid] = comm
        if frames and re.match(r"^(clone3?|start_thread|_start|__libc_start_main)",
                               frames[-1][0]):
            stack_ok += 1
        leaf = leaf_function(frames)
        functions[leaf] += 1
        if frames and frames[0][1] == "inlined":
            code = short_name(frames[0][0])
            if code.startswith("std::") and len(frames) > 1:  # say whose vector, whose string
                code += " in " + short_name(frames[1][0])
            inline_leaf[leaf][code] += 1
        else:
            inline_leaf[leaf]["<own code>"] += 1
        st = self_stage(frames)
        self_stages[st] += 1
        tid_stages[tid][st] += 1
        if leaf not in function_stage:
            # the function's own stage (WalkValue: decode, even where inlined simdjson code
            # makes its samples "parse" in the stage table); library helpers: their caller's
            own_st = stage_of(*leaf)
            function_stage[leaf] = st if own_st in (None, "kernel") else own_st
        own = owner_stage(frames)
        owners[own] += 1
        if frames and frames[0][1] == KERNEL_DSO:
            cat, name = kernel_category(frames)
            kernel[cat] += 1
            if name:
                syscalls[name] += 1
                syscall_leaf[name][frames[0][0]] += 1
            if cat == "page faults":
                faults_by_owner[own] += 1
                faults_by_function[fault_site(frames)] += 1
                faults_by_tid[tid] += 1
            kernel_by_owner[own] += 1
        elif st == "allocator":
            alloc_by_owner[own] += 1
        for func, _ in frames:
            for role, rx in ROLE_MARKERS:
                if rx.search(func):
                    tid_roles[tid][role] += 1
                    break
        folded = [n for n in (_flame_name(f, d) for f, d in reversed(frames))
                  if not NOISE.match(n)]
        tid_stacks[tid][";".join(_dedupe(folded))] += 1
    if n == 0:
        return {"samples": 0}

    def pct(c):
        return round(100.0 * c / n, 2)

    roles = {tid: role_of(tid_comm[tid], tid_roles.get(tid)) for tid in tid_samples}
    by_role = collections.Counter()
    for tid, c in tid_samples.items():
        by_role[roles[tid]] += c
    role_stages = collections.defaultdict(collections.Counter)
    for tid, c in tid_stages.items():
        role_stages[roles[tid]].update(c)
    faults_by_role = collections.Counter()
    for tid, c in faults_by_tid.items():
        faults_by_role[roles[tid]] += c
    folded = collections.Counter()
    for tid, stacks in tid_stacks.items():
        for stack, c in stacks.items():
            folded["[%s thread]" % roles[tid] + (";" + stack if stack else "")] += c
    return {
        "samples": n,
        "complete_stacks_pct": pct(stack_ok),
        "top_functions": [
            {"function": short_name(f), "dso": d, "self_pct": pct(c),
             "stage": function_stage[(f, d)]}
            for (f, d), c in functions.most_common(top)],
        "inlined_in_top_functions": [
            {"function": short_name(f), "self_pct": pct(c),
             "inlined_code_pct": [{"code": name, "pct": pct(k)}
                                  for name, k in inline_leaf[(f, d)].most_common(6)]}
            for (f, d), c in functions.most_common(5) if d != KERNEL_DSO],
        "stages_self_pct": {k: pct(v) for k, v in self_stages.most_common()},
        "stages_inclusive_pct": {k: pct(v) for k, v in owners.most_common()},
        "kernel_pct": {k: pct(v) for k, v in kernel.most_common()},
        "kernel_syscalls_pct": {k: pct(v) for k, v in syscalls.most_common(10)},
        "kernel_syscall_functions_pct": {
            name: {f: pct(c) for f, c in syscall_leaf[name].most_common(3)}
            for name, _ in syscalls.most_common(5)},
        "kernel_by_stage_pct": {k: pct(v) for k, v in kernel_by_owner.most_common()},
        "page_faults_by_stage_pct": {k: pct(v) for k, v in faults_by_owner.most_common()},
        "page_faults_by_function_pct": {k: pct(v) for k, v in faults_by_function.most_common(8)},
        "page_faults_by_thread_pct": {k: pct(v) for k, v in faults_by_role.most_common()},
        "allocator_by_stage_pct": {k: pct(v) for k, v in alloc_by_owner.most_common()},
        "threads_pct": {k: pct(v) for k, v in by_role.most_common()},
        "stages_self_pct_by_thread": {
            role: {k: pct(v) for k, v in c.most_common(8)}
            for role, c in sorted(role_stages.items(), key=lambda kv: -sum(kv[1].values()))},
        "thread_roles": {str(tid): role for tid, role in roles.items()},
        "folded": folded,
    }


def _flame_name(func, dso):
    """A frame's name in the flame graph: short, and a library's name for frames perf could not
    name (libzstd has no symbols in Debian)."""
    if func == "[unknown]" and dso not in ("[unknown]", "inlined", "") \
            and not re.search(r"libstdc\+\+|libc\.so", dso):  # thread start-up
        return "[%s]" % os.path.basename(dso)
    return short_name(func)


def _dedupe(frames):
    out = []
    for f in frames:
        if not out or out[-1] != f:
            out.append(f)
    return out


def write_folded(folded, path):
    with open(path, "w") as f:
        for stack, c in sorted(folded.items()):
            f.write("%s %d\n" % (stack, c))


# --- flame graph (our own SVG writer: Debian packages no flamegraph.pl) ---

STAGE_COLORS = {
    "parse": "#e8a33d", "decode": "#e07b39", "columns": "#d9603b", "encode": "#4e9a6f",
    "compress": "#2f7f5f", "wal": "#5b7fc7", "memtable": "#7a6fc2", "storage": "#8c8fd9",
    "http": "#c05780", "api": "#b06aa8", "allocator": "#d8c24a", "kernel": "#9a9a9a",
    "convert": "#6aa8b0", "other ingot": "#bb8866",
}


def _frame_color(name):
    if name.startswith("["):
        for stage, rx in DSO_STAGES:  # a library perf could not name: "[libzstd.so.1.5.4]"
            if rx.search(name):
                return STAGE_COLORS[stage]
        return "#dddddd"
    st = None
    for stage, rx in STAGE_RULES:
        if rx.match(name):
            st = stage
            break
    if st is None and ALLOCATOR.match(name):
        st = "allocator"
    if st is None and re.match(r"^(__x64_sys|entry_SYSCALL|do_syscall|asm_exc|exc_page|"
                               r"do_user_addr|handle_mm|clear_page|copy_|__schedule|schedule|"
                               r"finish_task|ext4_|vfs_|tcp_|__sys_|ksys_|__do_sys|__se_sys|"
                               r"sock_|ip_|net_|do_|__handle|irq|__softirq|folio|filemap)",
                               name):
        st = "kernel"
    return STAGE_COLORS.get(st, "#e6c6a0" if st is None else "#cccccc")


def flamegraph_svg(folded, path, title, width=1200, min_fraction=0.001):
    """Writes a flame graph (root at the bottom, width = share of samples). Frames narrower
    than min_fraction of the total are left out, which keeps the file small."""
    root = {"n": 0, "c": {}}
    for stack, count in folded.items():
        node = root
        node["n"] += count
        for frame in stack.split(";"):
            node = node["c"].setdefault(frame, {"n": 0, "c": {}})
            node["n"] += count
    total = root["n"]
    if total == 0:
        return None
    rows = []  # (depth, x, w, name, count)

    def walk(node, depth, x):
        for name, child in sorted(node["c"].items()):
            w = child["n"] / total
            if w >= min_fraction:
                rows.append((depth, x, w, name, child["n"]))
                walk(child, depth + 1, x)
            x += w

    walk(root, 0, 0.0)
    height_px = 16
    max_depth = max(r[0] for r in rows) + 1 if rows else 1
    pad_top, pad_bottom = 40, 10
    svg_h = pad_top + pad_bottom + max_depth * height_px
    plot_w = width - 20
    out = ['<?xml version="1.0" standalone="no"?>',
           '<svg version="1.1" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg" '
           'font-family="Verdana,sans-serif" font-size="11">' % (width, svg_h),
           '<rect x="0" y="0" width="100%" height="100%" fill="#f8f8f8"/>',
           '<text x="%d" y="20" font-size="15" text-anchor="middle">%s</text>'
           % (width // 2, html.escape(title)),
           '<text x="10" y="34" font-size="10" fill="#555">width = share of %d cpu-clock '
           'samples; frames under %.1f%% omitted; hover for names. Colours: stage.</text>'
           % (total, min_fraction * 100)]
    for depth, x, w, name, count in rows:
        px = 10 + x * plot_w
        pw = w * plot_w
        y = svg_h - pad_bottom - (depth + 1) * height_px
        label = "%s (%d samples, %.2f%%)" % (name, count, 100.0 * count / total)
        out.append('<g><title>%s</title><rect x="%.1f" y="%d" width="%.1f" height="%d" '
                   'fill="%s" rx="2"/>' % (html.escape(label), px, y, max(pw - 0.5, 0.1),
                                           height_px - 1, _frame_color(name)))
        chars = int((pw - 6) / 6.5)
        if chars >= 3:
            text = name if len(name) <= chars else name[:max(chars - 2, 1)] + ".."
            out.append('<text x="%.1f" y="%d">%s</text>' % (px + 3, y + 12, html.escape(text)))
        out.append("</g>")
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return os.path.getsize(path)


def report_command(data_file):
    """The perf report equivalent of the top-functions table (for a human)."""
    return "perf report -i %s --stdio --no-children --sort symbol" % data_file


def progress_summary(result):
    progress("  %d samples, %.1f%% with complete stacks" % (result["samples"],
                                                           result["complete_stacks_pct"]))
    for st, p in list(result["stages_self_pct"].items())[:8]:
        progress("    %5.1f%%  %s" % (p, st))
    return result


def check_perf():
    r = run(["perf", "record", "-e", "cpu-clock", "-o", "/dev/null", "--", "true"], check=False)
    return r.returncode == 0


# --- hardware counters: perf stat (only where the VM exposes the PMU) ---

def start_stat(pid, out, events=("instructions", "cycles", "task-clock")):
    """`perf stat -x, -p pid` in the background (CSV to `out`); stop with stop_stat."""
    cmd = ["perf", "stat", "-x,", "-e", ",".join(events), "-p", str(pid), "-o", out]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def stop_stat(proc, out):
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    return parse_stat(open(out, errors="replace").read())


def parse_stat(text):
    """{event: value or None} from `perf stat -x,` output; None when the event is
    '<not supported>' or '<not counted>' (no PMU in this VM, or the counter was never
    scheduled)."""
    out = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split(",")
        if len(fields) < 3:
            continue
        value, event = fields[0], fields[2]
        event = re.sub(r":u$|:k$", "", event)
        try:
            out[event] = float(value)
        except ValueError:
            out[event] = None
    return out
