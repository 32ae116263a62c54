"""`ingot-load` runs: closed loop, open loop, or a fixed record count, with its JSON summary; and
`--dump-ndjson`, which writes the exact records a run's bodies hold (docs/load.md).

The load generator builds all its bodies before its clock starts and then prints
"ingot-load: built ..." on stderr; that line's arrival is the start of the load, from which a
cell's end-to-end time is counted. Its once-a-second progress lines are turned into the driver's
progress line.
"""
import json
import re
import subprocess
import threading
import time

from . import progress

PROGRESS = re.compile(r"ingot-load\s+([\d.]+)s\s+requests ([\d,]+)\s+records ([\d,]+)\s+"
                      r"(\d+) records/s\s+errors ([\d,]+)(.*)")


class LoadError(Exception):
    pass


def _number(text):
    return int(text.replace(",", ""))


def command(binary, url, spec):
    """ingot-load's arguments for a spec: workload, records_per_request, connections, bodies, seed,
    start_ms, gzip, and either duration+warmup (+rate for open loop) or records."""
    cmd = [binary, "--url", url, "--json", "--endpoint", "multi",
           "--workload", spec["workload"],
           "--records-per-request", str(spec["records_per_request"]),
           "--connections", str(spec["connections"]),
           "--bodies", str(spec["bodies"]),
           "--seed", str(spec["seed"]),
           "--start-timestamp-ms", str(spec["start_ms"])]
    if spec.get("gzip"):
        cmd.append("--gzip")
    if spec.get("rate"):
        cmd += ["--rate", "%.0f" % spec["rate"]]
    if spec.get("records"):
        cmd += ["--records", str(spec["records"]), "--warmup", "0s"]
    else:
        cmd += ["--duration", "%gs" % spec["duration"], "--warmup", "%gs" % spec["warmup"]]
    return cmd


def run(binary, url, spec, label, on_started=None, extra_status=None):
    """Runs ingot-load to the end. Returns {"report": its JSON summary, "started": monotonic time
    the clock started, "ended": monotonic time it exited, "command": argv}."""
    cmd = command(binary, url, spec)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    state = {"started": None, "tail": []}
    reader = threading.Thread(target=_read_stderr, daemon=True,
                              args=(proc, state, label, on_started, extra_status))
    reader.start()
    stdout = proc.stdout.read()
    code = proc.wait()
    ended = time.monotonic()
    reader.join(5)
    if code != 0 or state["started"] is None:
        raise LoadError("%s: ingot-load exited %d: %s" % (label, code, " | ".join(state["tail"])))
    try:
        report = json.loads(stdout)
    except ValueError:
        raise LoadError("%s: ingot-load printed no JSON summary: %r" % (label, stdout[:500]))
    return {"report": report, "started": state["started"], "ended": ended, "command": cmd}


def _read_stderr(proc, state, label, on_started, extra_status):
    for line in proc.stderr:
        line = line.rstrip("\n")
        state["tail"] = (state["tail"] + [line])[-8:]
        if line.startswith("ingot-load: built"):
            state["started"] = time.monotonic()
            if on_started:
                on_started(state["started"])
            continue
        m = PROGRESS.match(line.strip())
        if m:
            elapsed, requests, records, rate, errors, phase = m.groups()
            extra = extra_status() if extra_status else ""
            progress.status("%s  %5.1fs  requests %s  acked %s  %s rec/s  errors %s%s%s" % (
                label, float(elapsed), progress.grouped(_number(requests)),
                progress.grouped(_number(records)), progress.rate(float(rate)),
                progress.grouped(_number(errors)), phase.rstrip(), extra))


def dump_ndjson(binary, path, workload, records, seed, start_ms):
    """Writes the records ingot-load's bodies hold (the first `records` of the run) to `path`."""
    cmd = [binary, "--dump-ndjson", path, "--records", str(records), "--workload", workload,
           "--seed", str(seed), "--start-timestamp-ms", str(start_ms)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise LoadError("ingot-load --dump-ndjson failed: " + out.stderr.strip())
    return cmd
