"""ingot's /metrics: fetch, parse, and wait until every acknowledged record is in Parquet."""
import time
import urllib.request

from . import progress


class NotPersisted(Exception):
    pass


def fetch(base_url, timeout=5.0):
    """{metric name: value summed over its label sets}; histogram buckets are left out (their
    _sum and _count stay)."""
    with urllib.request.urlopen(base_url + "/metrics", timeout=timeout) as r:
        text = r.read().decode()
    return parse(text)


def parse(text):
    values = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name_part, _, value = line.rpartition(" ")
        name = name_part.split("{", 1)[0]
        if name.endswith("_bucket"):
            continue
        try:
            values[name] = values.get(name, 0.0) + float(value)
        except ValueError:
            continue
    return values


def gauges(m):
    """The figures a cell's time series keeps."""
    return {
        "memory_used": m.get("ingot_memory_used_bytes", 0),
        "memtable": m.get("ingot_memtable_bytes", 0),
        "backlog": m.get("ingot_persist_backlog_bytes", 0),
        "ingested": m.get("ingot_records_ingested_total", 0),
        "parquet_rows": m.get("ingot_parquet_rows_total", 0),
    }


def is_persisted(m, acknowledged):
    """Every acknowledged record is in a published Parquet file and nothing waits in memory."""
    return (m.get("ingot_parquet_rows_total", 0) >= acknowledged
            and m.get("ingot_memtable_bytes", 0) == 0
            and m.get("ingot_persist_backlog_partitions", 0) == 0)


def wait_persisted(base_url, acknowledged, timeout, label, poll=0.05):
    """Polls until is_persisted; returns (monotonic time it was seen, last metrics)."""
    started = time.monotonic()
    ticker = progress.Ticker(1.0)
    while True:
        m = fetch(base_url)
        now = time.monotonic()
        if is_persisted(m, acknowledged):
            return now, m
        if now - started > timeout:
            raise NotPersisted(
                "%s: after %.0f s, %s of %s acknowledged records in Parquet, memtable %d bytes, "
                "%d partitions waiting" % (label, timeout, progress.grouped(
                    m.get("ingot_parquet_rows_total", 0)), progress.grouped(acknowledged),
                    m.get("ingot_memtable_bytes", 0),
                    m.get("ingot_persist_backlog_partitions", 0)))
        if ticker.due():
            progress.status("%s  waiting for Parquet %.1fs: %s of %s rows, memtable %.0f MB" % (
                label, now - started, progress.grouped(m.get("ingot_parquet_rows_total", 0)),
                progress.grouped(acknowledged), m.get("ingot_memtable_bytes", 0) / 1e6))
        time.sleep(poll)
