"""Comparison of this audit's metrics with the previous committed results.

The baseline is the findings.json of an earlier run (by default the one committed at HEAD), whose
"metrics" section holds every measurement with its unit, direction and kind (see
common.Metrics). Any metric worse by more than 5% is flagged:

- "strict" metrics (instruction counts, allocation and syscall counts: repeatable from run to
  run) are regressions: the summary lists them first and `--fail-on-regression` exits 1;
- "noisy" metrics (wall-clock: throughput, latency, CPU time on a shared 2-vCPU machine, which
  moves by ±20% from run to run) are flagged as noisy regressions: worth a re-run on a quiet
  machine, not proof;
- "info" metrics are context and never compared.

A baseline made in the other mode (--quick against full) measures different inputs: its deltas
are shown but nothing is flagged.
"""
import json
import os
import subprocess

THRESHOLD = 0.05  # worse by more than 5% = flagged


def load_baseline(path, out_dir, root):
    """(baseline dict or None, where it came from).

    path given: that file. Otherwise, in a git checkout, out_dir/findings.json as committed at
    HEAD (so a run compares with the committed results, not with an earlier uncommitted run);
    outside git, the file on disk.
    """
    if path:
        with open(path) as f:
            return json.load(f), path
    findings = os.path.join(out_dir, "findings.json")
    rel = os.path.relpath(os.path.abspath(findings), root)
    if not rel.startswith("..") and _in_git(root):
        # in a checkout, only committed results count: a findings.json left by an earlier,
        # uncommitted run (perhaps of a broken build) is no baseline
        try:
            text = subprocess.check_output(["git", "-C", root, "show", "HEAD:" + rel],
                                           stderr=subprocess.DEVNULL, text=True)
            return json.loads(text), "HEAD:" + rel
        except (OSError, subprocess.CalledProcessError, ValueError):
            return None, None
    if os.path.exists(findings):
        with open(findings) as f:
            return json.load(f), findings
    return None, None


def _in_git(root):
    try:
        return subprocess.run(["git", "-C", root, "rev-parse", "--is-inside-work-tree"],
                              capture_output=True, text=True).stdout.strip() == "true"
    except OSError:
        return False


def baseline_info(baseline, source=None):
    """commit, date and mode of a baseline (a findings.json)."""
    if not baseline:
        return None
    run = baseline.get("run") or {}
    return {"commit": run.get("commit"), "generated": run.get("started"),
            "mode": (run.get("params") or {}).get("mode"), "source": source,
            "params": run.get("params") or {}}


def change_of(current, base):
    """Relative change (current - base) / |base|; inf when base is 0 and current is not."""
    if base == 0:
        return 0.0 if current == 0 else float("inf")
    return (current - base) / abs(base)


def compare(current, baseline, current_mode=None):
    """Per metric present in both runs: the change and a verdict.

    Returns (deltas, regressions, noisy, missing): every compared metric; the strict ones worse
    by more than 5%; the noisy ones worse by more than 5%; metric names of the baseline this run
    did not measure.
    """
    deltas, regressions, noisy = [], [], []
    base_metrics = (baseline or {}).get("metrics", {})
    base_mode = ((baseline or {}).get("run", {}).get("params") or {}).get("mode")
    same_mode = current_mode is None or base_mode is None or base_mode == current_mode
    for name, cur in sorted(current.items()):
        base = base_metrics.get(name)
        if base is None or cur.get("kind") == "info":
            continue
        b, c = base.get("value"), cur.get("value")
        if not _number(b) or not _number(c):
            continue
        change = change_of(c, b)
        lower_is_better = cur.get("better", "lower") == "lower"
        worse = change if lower_is_better else -change
        entry = {"metric": name, "baseline": b, "current": c, "unit": cur.get("unit"),
                 "change_pct": round(100 * change, 2) if change != float("inf") else None,
                 "kind": cur.get("kind"), "better": cur.get("better", "lower")}
        if worse > THRESHOLD and not same_mode:
            entry["verdict"] = "worse (baseline from the other mode: not flagged)"
        elif worse > THRESHOLD and cur.get("kind") == "strict":
            entry["verdict"] = "regression"
            regressions.append(entry)
        elif worse > THRESHOLD:
            entry["verdict"] = "noisy regression"
            noisy.append(entry)
        elif worse < -THRESHOLD:
            entry["verdict"] = "improved"
        else:
            entry["verdict"] = "unchanged"
        deltas.append(entry)
    missing = sorted(set(base_metrics) - set(current))
    return deltas, regressions, noisy, missing


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)
