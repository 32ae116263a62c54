"""System calls per request: `strace -c -f` attached to the running server."""
import re
import signal
import subprocess
import time

ROW = re.compile(r"^\s*([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(?:(\d+)\s+)?(\S+)\s*$")


def attach(pid, out_file):
    """Starts `strace -c -f -p pid` (every thread); returns once it has attached."""
    proc = subprocess.Popen(["strace", "-c", "-f", "-p", str(pid), "-o", out_file],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)  # attaching to every thread takes a moment; strace says nothing when done
    if proc.poll() is not None:
        raise RuntimeError("strace exited: " + proc.stderr.read()[-1000:])
    return proc


def detach(proc):
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)


def parse_summary(path):
    """{'total': calls, 'errors': n, 'by_call': {name: calls}} from an `strace -c` table."""
    by_call = {}
    errors = 0
    total = None
    with open(path) as f:
        lines = f.readlines()
    for line in lines:
        m = ROW.match(line)
        if not m:
            continue
        name = m.group(6)
        calls = int(m.group(4))
        errs = int(m.group(5) or 0)
        if name == "total":
            total = calls
            errors = errs
        else:
            by_call[name] = calls
    if total is None:
        total = sum(by_call.values())
    return {"total": total, "errors": errors,
            "by_call": dict(sorted(by_call.items(), key=lambda kv: -kv[1]))}


def stacks(pid, names, out_file):
    """Starts `strace -f -k -e trace=<names>` (a user stack for every call); returns the Popen."""
    proc = subprocess.Popen(["strace", "-f", "-k", "-e", "trace=" + ",".join(names), "-p",
                             str(pid), "-o", out_file],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    if proc.poll() is not None:
        raise RuntimeError("strace -k exited: " + proc.stderr.read()[-1000:])
    return proc


CALL = re.compile(r"^\d+\s+(\w+)\(")
STACK_FRAME = re.compile(r"^ > (\S+?)\((.*)\+0x[0-9a-f]+\) \[0x[0-9a-f]+\]$")


def parse_stacks(path, binary_name="ingot"):
    """{syscall: {caller: calls}}: each call charged to the innermost frame of the ingot binary
    that is not a C++ library or allocator function (so the caller of malloc, not malloc)."""
    out = {}
    current = None
    charged = False
    for line in open(path, errors="replace"):
        m = CALL.match(line)
        if m:
            current, charged = m.group(1), False
            continue
        f = STACK_FRAME.match(line.rstrip("\n"))
        if not f or current is None or charged:
            continue
        dso, func = f.group(1), f.group(2)
        if not dso.endswith("/" + binary_name):
            continue
        if func.startswith(("std::", "void std::", "operator new", "__gnu_cxx::")):
            continue
        name = re.sub(r"\(.*$", "", func) if not func.startswith("operator()") else func
        by = out.setdefault(current, {})
        by[name] = by.get(name, 0) + 1
        charged = True
    return {k: dict(sorted(v.items(), key=lambda kv: -kv[1])) for k, v in out.items()}
