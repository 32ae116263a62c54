"""Comparison of this audit's metrics with the committed baseline (bench/results/audit.json)."""

STRICT_THRESHOLD = 0.05  # repeatable counts: worse by more than 5% is a regression
NOISY_THRESHOLD = 0.25   # wall-clock on a shared 2-vCPU VM moves ±20% from run to run


def compare(current, baseline):
    """Per metric present in both: the change, and whether it is a regression.

    Returns (deltas, regressions, warnings). A strict metric worse by more than 5% is a
    regression; a noisy (wall-clock) metric worse by more than 25% is a warning only.
    """
    deltas, regressions, warnings = [], [], []
    base_metrics = (baseline or {}).get("metrics", {})
    for name, cur in sorted(current.items()):
        base = base_metrics.get(name)
        if base is None or cur.get("kind") == "info":
            continue
        b, c = base.get("value"), cur.get("value")
        if not isinstance(b, (int, float)) or not isinstance(c, (int, float)):
            continue
        if b == 0:
            change = 0.0 if c == 0 else float("inf")
        else:
            change = (c - b) / abs(b)
        worse = change if cur.get("better", "lower") == "lower" else -change
        entry = {"metric": name, "baseline": b, "current": c, "unit": cur.get("unit"),
                 "change_pct": round(100 * change, 2) if change != float("inf") else None,
                 "kind": cur.get("kind"), "better": cur.get("better")}
        if b == 0 and c != 0 and cur.get("better", "lower") == "lower":
            worse = float("inf")
        if cur.get("kind") == "strict" and worse > STRICT_THRESHOLD:
            entry["verdict"] = "regression"
            regressions.append(entry)
        elif cur.get("kind") == "noisy" and worse > NOISY_THRESHOLD:
            entry["verdict"] = "noisy-regression (warning)"
            warnings.append(entry)
        elif worse < -(STRICT_THRESHOLD if cur.get("kind") == "strict" else NOISY_THRESHOLD):
            entry["verdict"] = "improved"
        else:
            entry["verdict"] = "unchanged"
        deltas.append(entry)
    missing = sorted(set(base_metrics) - set(current))
    return deltas, regressions, warnings, missing
