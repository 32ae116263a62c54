"""A background thread that samples the server while a cell runs: its RSS and CPU every
`interval` seconds from /proc, and ingot's memory gauges from /metrics every `metrics_every`
samples. The series become the memory-over-time chart and show where a cell's time went."""
import threading
import time

from . import metrics, sysinfo


class Sampler(threading.Thread):
    def __init__(self, pid, url, interval=0.25, metrics_every=2):
        super().__init__(daemon=True)
        self.pid = pid
        self.url = url
        self.interval = interval
        self.metrics_every = metrics_every
        self.samples = []  # dicts: t (monotonic), rss_mb, cores, and the gauges when fetched
        self.latest = {}
        self._halt = threading.Event()

    def run(self):
        last_t, last_ticks = time.monotonic(), sysinfo.process_ticks(self.pid)
        n = 0
        while not self._halt.wait(self.interval):
            now, ticks = time.monotonic(), sysinfo.process_ticks(self.pid)
            mem = sysinfo.process_memory_kb(self.pid)
            if ticks is None or not mem:
                break
            sample = {"t": now, "rss_mb": mem["VmRSS"] / 1024,
                      "cores": (ticks - last_ticks) / sysinfo.TICK / (now - last_t)}
            if n % self.metrics_every == 0:
                try:
                    g = metrics.gauges(metrics.fetch(self.url, timeout=2))
                    sample.update({"memory_used_mb": g["memory_used"] / 2**20,
                                   "memtable_mb": g["memtable"] / 2**20,
                                   "backlog_mb": g["backlog"] / 2**20,
                                   "parquet_rows": g["parquet_rows"]})
                except OSError:
                    pass
            self.samples.append(sample)
            self.latest = dict(self.latest, **sample)
            last_t, last_ticks = now, ticks
            n += 1

    def stop(self):
        self._halt.set()
        self.join(5)

    def series(self, t0):
        """The samples with t relative to t0 (seconds), rounded for the results file."""
        out = []
        for s in self.samples:
            row = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in s.items()}
            row["t"] = round(s["t"] - t0, 2)
            out.append(row)
        return out
