#!/usr/bin/env python3
"""Generates N synthetic JSON log records as NDJSON (seeded, deterministic).

The same generator, byte for byte, as the one the team's baselines (BASELINES.md) were measured
with, so that our figures compare with them.

Usage: gen_logs.py [N=1000000] [out=data/logs.ndjson] [seed=42]
"""
import json
import random
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
OUT = sys.argv[2] if len(sys.argv) > 2 else "data/logs.ndjson"
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 42

LEVELS = ["INFO", "WARN", "ERROR", "DEBUG"]
LEVEL_WEIGHTS = [70, 15, 5, 10]
TEMPLATES = [
    "User login successful for account",
    "Request processed by upstream service",
    "Database query exceeded soft latency threshold",
    "Cache miss while resolving session token",
    "Payment authorization declined by provider",
]
HOSTS = ["web-%02d.example" % i for i in range(50)]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]


def main():
    rng = random.Random(SEED)
    ts = 1_700_000_000_000
    total = 0
    with open(OUT, "w", buffering=1 << 20) as f:
        for _ in range(N):
            ts += rng.randint(0, 3)
            record = {
                "timestamp": ts,
                "level": rng.choices(LEVELS, LEVEL_WEIGHTS)[0],
                "message": rng.choice(TEMPLATES) + " id=%d" % rng.randint(0, 10_000_000),
                "user_id": rng.randint(1, 1_000_000),
                "request_id": "%032x" % rng.getrandbits(128),
                "duration_ms": int(rng.expovariate(1 / 120.0)),
                "metadata": {
                    "host": rng.choice(HOSTS),
                    "region": rng.choice(REGIONS),
                    "version": "1.2.3",
                },
            }
            line = json.dumps(record, separators=(",", ":")) + "\n"
            total += len(line)
            f.write(line)
    print("wrote %d records, %d bytes (%.1f B/rec) to %s" % (N, total, total / N, OUT),
          file=sys.stderr)


if __name__ == "__main__":
    main()
