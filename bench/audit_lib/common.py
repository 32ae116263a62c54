"""Shared pieces of the audit: progress on stderr, running commands, the machine, metrics."""
import os
import platform
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_STARTED = time.monotonic()


def progress(message):
    elapsed = int(time.monotonic() - _STARTED)
    print("[audit %d:%02d] %s" % (elapsed // 60, elapsed % 60, message), file=sys.stderr,
          flush=True)


def warn(message):
    progress("WARNING: " + message)


def have(tool):
    return shutil.which(tool) is not None


HEARTBEAT_S = 15


def run(cmd, check=True, capture=True, env=None, timeout=None, cwd=None):
    """Runs cmd; returns CompletedProcess (text). Raises with stderr attached when check fails.
    A command that takes long gets a progress line every 15 s ("still running ...")."""
    done = threading.Event()
    started = time.monotonic()

    def heartbeat():
        while not done.wait(HEARTBEAT_S):
            progress("    ... %s still running (%d s)" % (os.path.basename(str(cmd[0])),
                                                          time.monotonic() - started))

    ticker = threading.Thread(target=heartbeat, daemon=True)
    ticker.start()
    try:
        result = subprocess.run(cmd, capture_output=capture, text=True, env=env,
                                timeout=timeout, cwd=cwd)
    finally:
        done.set()
    if check and result.returncode != 0:
        tail = (result.stderr or "")[-2000:] if capture else ""
        raise RuntimeError("%s exited %d\n%s" % (" ".join(map(str, cmd)), result.returncode, tail))
    return result


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    load = os.getloadavg()
    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1),
            "kernel": platform.release(), "loadavg_at_start": [round(x, 2) for x in load]}


def git(*args):
    try:
        return subprocess.check_output(["git", "-C", ROOT] + list(args), text=True,
                                       stderr=subprocess.DEVNULL).strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def commit_info():
    return {"commit": git("rev-parse", "--short", "HEAD") or "unknown",
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


class Metrics:
    """Named measurements, each with its unit, direction and how strictly it is compared.

    kind: "strict" (repeatable: instruction counts, allocation and syscall counts; a change over
    the threshold is a regression), "noisy" (wall-clock on a shared VM: compared with a wide
    tolerance and reported as a warning), "info" (context, never compared).
    """

    def __init__(self):
        self.items = {}

    def add(self, name, value, unit, better="lower", kind="strict", note=None):
        if value is None:
            return
        entry = {"value": _round(value), "unit": unit, "better": better, "kind": kind}
        if note:
            entry["note"] = note
        self.items[name] = entry

    def value(self, name, default=None):
        entry = self.items.get(name)
        return entry["value"] if entry else default


def _round(v):
    if isinstance(v, float):
        if v == 0 or abs(v) >= 1000:
            return round(v, 1)
        # four significant digits
        from math import floor, log10
        return round(v, max(0, 3 - int(floor(log10(abs(v))))))
    return v


def fmt_num(v, digits=3):
    if v is None:
        return "-"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) >= 1000):
        return "{:,}".format(int(v))
    if abs(v) >= 1000:
        return "{:,.0f}".format(v)
    return ("%." + str(digits) + "g") % v
