"""DuckDB, through its npm client (tests/e2e/node_modules), as the baseline and as the reader.

convert(): DuckDB's NDJSON -> zstd Parquet (`COPY (SELECT * FROM read_json(IN)) TO OUT (FORMAT
parquet, COMPRESSION zstd)`, bench/duckdb_convert.mjs, all cores). The time reported is the COPY
statement's own, measured inside the node process: DuckDB's start-up is not charged to it.
count(): rows and bytes of every Parquet file under a data directory.
ingot_convert(): `ingot convert IN OUT` on the same file, timed as a whole process.
"""
import json
import os
import subprocess
import time

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class DuckDBError(Exception):
    pass


def _node(script, *args, timeout=900):
    out = subprocess.run(["node", script] + [str(a) for a in args], capture_output=True,
                         text=True, timeout=timeout)
    if out.returncode != 0:
        raise DuckDBError("%s failed: %s" % (os.path.basename(script), out.stderr.strip()[-2000:]))
    return json.loads(out.stdout.strip().splitlines()[-1])


def convert(ndjson, parquet):
    """{"seconds": COPY time, "process_seconds", "records", "bytes", "threads", "version"}."""
    if os.path.exists(parquet):
        os.remove(parquet)
    started = time.monotonic()
    r = _node(os.path.join(BENCH, "duckdb_convert.mjs"), ndjson, parquet)
    r["process_seconds"] = time.monotonic() - started
    return r


def count(data_dir):
    """{"rows", "files", "bytes", "version"} of the Parquet files under data_dir/files."""
    return _node(os.path.join(BENCH, "lib", "duckdb_count.mjs"), data_dir)


def ingot_convert(binary, ndjson, parquet):
    """{"seconds", "bytes"} of `ingot convert` (all cores) on the same NDJSON file."""
    started = time.monotonic()
    out = subprocess.run([binary, "convert", ndjson, parquet], capture_output=True, text=True)
    seconds = time.monotonic() - started
    if out.returncode != 0:
        raise DuckDBError("ingot convert failed: " + out.stderr.strip()[-2000:])
    return {"seconds": seconds, "bytes": os.path.getsize(parquet)}
