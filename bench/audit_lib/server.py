"""Starting `ingot serve`, scraping /metrics, driving it with `ingot-load`, stopping it."""
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.request

from .common import have, progress, run, warn

CLK_TCK = os.sysconf("SC_CLK_TCK")
LISTENING = re.compile(r"listening on http://([0-9.]+):([0-9]+)")


class Server:
    """One `ingot serve` on 127.0.0.1:0 with a fresh data directory under workdir/name."""

    def __init__(self, build, workdir, name, env=None, prefix=None, args=(), wrapper_is_server=False):
        self.binary = os.path.join(build, "ingot")
        self.dir = os.path.join(workdir, name)
        self.name = name
        self.env = dict(os.environ, **(env or {}))
        self.prefix = list(prefix or [])
        self.args = list(args)
        self.proc = None
        self.pid = None  # the ingot process (not a wrapper such as heaptrack)
        self.url = None
        self.log_path = os.path.join(self.dir, "server.log")
        self.rusage = None
        self.shutdown_s = None
        self.hung = False
        # valgrind runs the program in its own process: signal the wrapper's pid itself
        self.wrapper_is_server = wrapper_is_server

    def start(self, timeout=120):
        os.makedirs(self.dir, exist_ok=True)
        data = os.path.join(self.dir, "data")
        # Loopback, any free port; no gRPC listener (its default port would clash with other
        # servers on the machine); acknowledgement after fdatasync of the WAL (the audit's
        # reference setting, also ingot's default).
        cmd = self.prefix + [self.binary, "serve", "--data-dir", data, "--http-addr",
                             "127.0.0.1:0", "--grpc-addr", "", "--wal-sync", "always"] + self.args
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=self.env,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = open(self.log_path, errors="replace").read()
            m = LISTENING.search(text)
            if m and self.url is None:
                self.url = "http://%s:%s" % (m.group(1), m.group(2))
            if self.url and "ready: accepting data" in text:
                self.pid = (self.proc.pid if self.wrapper_is_server
                            else find_ingot_pid(self.proc.pid, self.binary))
                if self.pid is None:
                    raise RuntimeError("%s: cannot find the ingot process" % self.name)
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited before it was ready:\n%s" % (self.name, text[-2000:]))
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("%s: not ready after %d s" % (self.name, timeout))

    def metrics(self):
        with urllib.request.urlopen(self.url + "/metrics", timeout=30) as r:
            return parse_prometheus(r.read().decode())

    def threads(self):
        """tid -> {comm, cpu_s} of every thread of the server, from /proc."""
        out = {}
        base = "/proc/%d/task" % self.pid
        for tid in os.listdir(base):
            try:
                comm = open(os.path.join(base, tid, "comm")).read().strip()
                stat = open(os.path.join(base, tid, "stat")).read()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime
            out[int(tid)] = {"comm": comm, "cpu_s": cpu}
        return out

    def cpu_s(self):
        stat = open("/proc/%d/stat" % self.pid).read()
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def signal(self, signo):
        os.kill(self.pid, signo)

    def stop(self, timeout=180):
        """SIGTERM, then waits for the whole process; returns the exit status."""
        if self.proc is None or self.proc.returncode is not None:
            return self.proc.returncode if self.proc else None
        started = time.monotonic()
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        while time.monotonic() - started < timeout:
            pid, status, rusage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid != 0:
                self.proc.returncode = os.waitstatus_to_exitcode(status)
                self.rusage = rusage
                self.shutdown_s = time.monotonic() - started
                self.log.close()
                return self.proc.returncode
            time.sleep(0.05)
        self.hung = True
        warn("%s did not exit %d s after SIGTERM: saving its threads' stacks, then SIGKILL"
             % (self.name, timeout))
        if have("gdb"):
            stacks = run(["gdb", "-p", str(self.pid), "-batch", "-ex", "thread apply all bt 12"],
                         check=False, timeout=120).stdout
            with open(os.path.join(self.dir, "hang-stacks.txt"), "w") as f:
                f.write(stacks)
        self.kill()
        return None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        if not self.log.closed:
            self.log.close()


def find_ingot_pid(root, binary):
    """root itself or the descendant of root that runs `binary` (wrappers fork or exec it)."""
    binary = os.path.realpath(binary)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = open("/proc/%s/stat" % entry).read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        todo = [root]
        while todo:
            pid = todo.pop()
            try:
                if os.path.realpath("/proc/%d/exe" % pid) == binary:
                    return pid
            except OSError:
                pass
            todo.extend(children.get(pid, []))
        time.sleep(0.1)
    return None


def parse_prometheus(text):
    """{'name{labels}': value} for every sample of a Prometheus text exposition."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        try:
            out[key] = float(value)
        except ValueError:
            pass
    return out


def metric_sum(samples, name):
    """The sum of every sample of `name` (whatever its labels)."""
    total = 0.0
    for key, value in samples.items():
        if key == name or key.startswith(name + "{"):
            total += value
    return total


def ingest_counts(samples):
    """Counters the audit divides by: records, ingestion requests, WAL fsyncs, rows persisted."""
    requests = 0.0
    request_seconds = 0.0
    for key, value in samples.items():
        if key.startswith("ingot_request_duration_seconds_count"):
            requests += value
        elif key.startswith("ingot_request_duration_seconds_sum"):
            request_seconds += value
    return {
        "request_seconds": request_seconds,
        "fsync_seconds": metric_sum(samples, "ingot_wal_fsync_seconds_sum"),
        "records": metric_sum(samples, "ingot_records_ingested_total"),
        "requests": requests,
        "fsyncs": metric_sum(samples, "ingot_wal_fsync_seconds_count"),
        "wal_groups": metric_sum(samples, "ingot_wal_group_records_count"),
        "parquet_rows": metric_sum(samples, "ingot_parquet_rows_total"),
        "parquet_files": metric_sum(samples, "ingot_parquet_files_total"),
        "parquet_bytes": metric_sum(samples, "ingot_parquet_bytes_total"),
    }


def delta(after, before):
    return {k: after[k] - before.get(k, 0) for k in after}


def load_cmd(build, url, duration, warmup, extra=()):
    return [os.path.join(build, "ingot-load"), "--url", url, "--endpoint", "multi",
            "--workload", "logs", "--records-per-request", "1000", "--connections", "4", "--duration", duration,
            "--warmup", warmup, "--json"] + list(extra)


PROGRESS_LINE = re.compile(r"^ingot-load +[0-9.]+s ")
PROGRESS_EVERY_S = 5.0


def start_load(build, url, duration, warmup, extra=(), out_path=None):
    """Starts ingot-load; returns the Popen (stdout: the JSON report). Its progress line
    (elapsed, requests, records, rate, errors) is passed on to our stderr every 5 s; the rest of
    its stderr is kept for error messages."""
    cmd = load_cmd(build, url, duration, warmup, extra)
    progress("  load: " + " ".join(os.path.basename(c) if i == 0 else c
                                   for i, c in enumerate(cmd)))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stderr_lines = []

    def relay():
        last = float("-inf")
        for line in proc.stderr:
            line = line.rstrip("\n")
            if PROGRESS_LINE.match(line):
                if time.monotonic() - last >= PROGRESS_EVERY_S:
                    progress("    " + line)
                    last = time.monotonic()
            else:
                proc.stderr_lines.append(line)

    proc.relay = threading.Thread(target=relay, daemon=True)
    proc.relay.start()
    return proc


def finish_load(proc):
    out = proc.stdout.read()
    proc.wait()
    proc.relay.join(timeout=10)
    if proc.returncode != 0:
        raise RuntimeError("ingot-load exited %d: %s" % (proc.returncode,
                                                         "\n".join(proc.stderr_lines)[-2000:]))
    report = json.loads(out)
    check_load(report)
    return report


def check_load(report):
    """Raises unless every request was answered 2xx with every record stored: a measurement of
    a server that rejects or fails requests would be meaningless (and flattering)."""
    errors = report.get("errors") or {}
    bad_status = {s: n for s, n in (report.get("statuses") or {}).items()
                  if not str(s).startswith("2")}
    if errors.get("total") or errors.get("rejected_in_2xx") or bad_status \
            or not report.get("records_ok"):
        raise RuntimeError(
            "the load was not served cleanly: %d records acknowledged, statuses %s, errors %s, "
            "first error body %s" % (report.get("records_ok") or 0, report.get("statuses"),
                                     errors, json.dumps(report.get("first_error_body"))[:500]))
