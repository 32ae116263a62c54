"""The machine, the commit, and what processes cost, from /proc.

CPU is counted in clock ticks (utime + stime of /proc/<pid>/stat, all threads), so a process's
average cores over an interval is ticks / CLK_TCK / seconds. The system's busy time comes from
/proc/stat; what is left after the processes we started is other people's work on this shared
machine, which is how a disturbed cell is recognised.
"""
import os
import platform
import subprocess
import time

TICK = os.sysconf("SC_CLK_TCK")


def _first(path, prefix):
    with open(path) as f:
        for line in f:
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    return ""


def machine():
    flags = _first("/proc/cpuinfo", "flags").split()
    mem_kb = int(_first("/proc/meminfo", "MemTotal").split()[0])
    debian = ""
    if os.path.exists("/etc/debian_version"):
        with open("/etc/debian_version") as f:
            debian = f.read().strip()
    return {
        "cpu": _first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "avx512": "avx512f" in flags,
        "memory_gib": round(mem_kb / 2**20, 1),
        "kernel": platform.release(),
        "debian": debian,
        "disk": data_disk("/tmp"),
    }


def data_disk(path):
    """The file system type and device under `path` (from /proc/mounts)."""
    best = ("", "", "")
    real = os.path.realpath(path)
    with open("/proc/mounts") as f:
        for line in f:
            dev, mount, fstype = line.split()[:3]
            if real.startswith(mount) and len(mount) >= len(best[1]):
                best = (dev, mount, fstype)
    return {"device": best[0], "mount": best[1], "fs": best[2]}


def git(root, *args):
    try:
        return subprocess.check_output(["git", "-C", root] + list(args), text=True,
                                       stderr=subprocess.DEVNULL).strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def build_info(build_dir):
    """The source tree and build type of a CMake build directory, from its CMakeCache.txt."""
    cache = {}
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                if "=" in line and ":" in line.split("=", 1)[0]:
                    key, value = line.rstrip("\n").split("=", 1)
                    cache[key.split(":", 1)[0]] = value
    except OSError:
        pass
    return {"dir": build_dir, "source": cache.get("CMAKE_HOME_DIRECTORY", ""),
            # CMakeLists.txt makes an empty build type RelWithDebInfo.
            "type": cache.get("CMAKE_BUILD_TYPE") or "RelWithDebInfo"}


def commit(source_dir):
    """The commit of the code measured, and whether its src/ differed from that commit.

    A git checkout answers with git; a tree exported with `git archive` (a clean copy of a commit,
    free of the uncommitted work of others sharing the checkout) answers with the file
    .git-commit written beside it, holding the commit id."""
    marker = os.path.join(source_dir, ".git-commit")
    if git(source_dir, "rev-parse", "--show-toplevel") == os.path.realpath(source_dir):
        dirty = git(source_dir, "status", "--porcelain", "--", "src", "CMakeLists.txt")
        return {"commit": git(source_dir, "rev-parse", "--short", "HEAD") or "unknown",
                "subject": git(source_dir, "log", "-1", "--format=%s"),
                "src_dirty": bool(dirty), "source": source_dir}
    if os.path.exists(marker):
        with open(marker) as f:
            full = f.read().strip()
        return {"commit": full[:7], "subject": "", "src_dirty": False,
                "source": source_dir + " (exported with git archive)"}
    return {"commit": "unknown", "subject": "", "src_dirty": True, "source": source_dir}


def loadavg():
    with open("/proc/loadavg") as f:
        one, five, fifteen = (float(x) for x in f.read().split()[:3])
    return {"1m": one, "5m": five, "15m": fifteen}


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return ""


def process_ticks(pid):
    """utime + stime of a process (all its threads), in clock ticks; None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def process_memory_kb(pid):
    """{'VmRSS': kB, 'VmHWM': kB} of a process; {} once it is gone."""
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def system_ticks():
    """Clock ticks of the whole machine since boot, from /proc/stat: busy at normal priority
    (user, system, irq, softirq), niced (other engineers' builds run at nice 10), and stolen by
    the hypervisor."""
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = parts[:8]
    return {"busy": user + system + irq + softirq, "nice": nice, "steal": steal}


class CpuWindow:
    """CPU used over an interval by the machine, by our processes, and by everything else.

    other_cores is what processes other than ours used, at any priority: a cell with much of it is
    re-run. Niced work (other engineers' builds) counts too: it fills the time our server leaves
    idle, which on two vCPUs that may be hyperthreads of one core still slows the server down (a
    full matrix run beside nice-19 builds measured 0.71x DuckDB instead of 1.02x, with no cell
    flagged while only normal-priority work counted). niced_cores is all work at lower priority,
    ours included (the persist threads run at --persist-nice)."""

    def __init__(self):
        self.started = time.monotonic()
        self.start = system_ticks()
        self.self0 = _self_ticks()

    def close(self, our_ticks):
        """`our_ticks`: ticks of the processes we started (server, load generator) meanwhile."""
        seconds = max(time.monotonic() - self.started, 1e-9)
        end = system_ticks()
        driver = _self_ticks() - self.self0
        cores = {k: (end[k] - self.start[k]) / TICK / seconds for k in end}
        ours = (our_ticks + driver) / TICK / seconds
        return {"seconds": seconds, "machine_busy_cores": cores["busy"] + cores["nice"],
                "driver_cores": driver / TICK / seconds,
                "other_cores": max(cores["busy"] + cores["nice"] - ours, 0.0),
                "niced_cores": cores["nice"], "steal_cores": cores["steal"]}


def wait_quiet(max_cores, max_wait, on_wait=None):
    """Waits (up to max_wait seconds) for a second in which other processes use at most max_cores.
    Returns the seconds waited."""
    started = time.monotonic()
    while True:
        window = CpuWindow()
        time.sleep(1)
        other = window.close(0)["other_cores"]
        waited = time.monotonic() - started
        if other <= max_cores or waited >= max_wait:
            return waited
        if on_wait:
            on_wait(other, waited)


def _self_ticks():
    """This process (all its threads); children are counted by the caller."""
    t = os.times()
    return int(round((t.user + t.system) * TICK))
