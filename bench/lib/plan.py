"""The workload matrix: record widths, the cells of each profile, and --only.

A cell is named by a path-like id that --only matches with shell patterns:
  closed/typical/r1000/plain/c4/always   closed loop (maximum throughput)
  open/typical/r1000/plain/c4/always     open loop at half the closed-loop throughput (latency)
  memory/typical                         records buffered in memory, then one Parquet file
  duckdb/typical                         DuckDB converting the same records (NDJSON -> Parquet)
"""
import fnmatch
from dataclasses import dataclass

SEED = 42
# Every record's clock starts at the top of an hour (2023-11-14 22:00 UTC) and advances 0-3 ms a
# record, so each width's distinct records (at most 25 minutes of them) fall in one hourly
# partition, in the dump and in every cell alike.
START_MS = 1_699_999_200_000


@dataclass(frozen=True)
class Width:
    name: str
    workload: str   # ingot-load --workload
    records: int    # distinct records: the NDJSON dump DuckDB converts, and every cell's bodies
    about: str


# ~250 MB of distinct NDJSON each (the size of BASELINES.md's dataset), a multiple of 10,000 so that
# every records-per-request divides it. A cell's bodies hold exactly these records and the load
# cycles through them, so no record repeats within a Parquet file of the typical width.
WIDTHS = {
    "narrow": Width("narrow", "narrow", 1_000_000, "~113 B, 6 fields"),
    "typical": Width("typical", "logs", 1_000_000, "~267 B, 9 fields (BASELINES.md's shape)"),
    "wide": Width("wide", "wide", 130_000, "~1,950 B, 54-57 fields, nested 3 deep"),
}


@dataclass(frozen=True)
class Cell:
    kind: str            # closed, open, memory, duckdb
    width: str
    records_per_request: int = 1000
    gzip: bool = False
    connections: int = 4
    wal_sync: str = "always"

    @property
    def id(self):
        if self.kind in ("memory", "duckdb"):
            return "%s/%s" % (self.kind, self.width)
        return "%s/%s/r%d/%s/c%d/%s" % (self.kind, self.width, self.records_per_request,
                                        "gzip" if self.gzip else "plain", self.connections,
                                        self.wal_sync)

    def bodies(self):
        return max(1, WIDTHS[self.width].records // self.records_per_request)


# The cell whose figures the targets are judged on (the closed-loop one with the most throughput
# among these connection counts), and the connections of the open-loop latency run.
HEADLINE = dict(width="typical", records_per_request=1000, gzip=False, wal_sync="always")
OPEN_LOOP_CONNECTIONS = 16


def quick():
    """Minutes: every target answered. Typical records at 1, 4, 16 connections in both WAL modes,
    narrow and wide at 4, one open-loop run, memory per record and DuckDB for each width."""
    cells = [Cell("duckdb", w) for w in WIDTHS]
    cells += [Cell("closed", "typical", 1000, False, c, s)
              for s in ("always", "none") for c in (1, 4, 16)]
    cells += [Cell("closed", w, 1000, False, 4, "always") for w in ("narrow", "wide")]
    cells.append(Cell("open", "typical", 1000, False, OPEN_LOOP_CONNECTIONS, "always"))
    cells += [Cell("memory", w) for w in WIDTHS]
    return cells


def full():
    """The whole matrix: width x records per request x gzip x connections x WAL sync, an open-loop
    run per width, memory per record and DuckDB for each width."""
    cells = [Cell("duckdb", w) for w in WIDTHS]
    cells += [Cell("closed", w, r, g, c, s)
              for w in WIDTHS for r in (100, 1000, 10000) for g in (False, True)
              for s in ("always", "none") for c in (1, 4, 16, 64)]
    cells += [Cell("open", w, 1000, False, OPEN_LOOP_CONNECTIONS, "always") for w in WIDTHS]
    cells += [Cell("memory", w) for w in WIDTHS]
    return cells


def select(cells, patterns, open_rate_given=False):
    """Cells whose id matches one of the comma-separated shell patterns (all when none), plus what
    they need: the DuckDB baseline of every width a selected cell uses (ratios need it) and, for an
    open-loop cell without an explicit rate (open_rate_given), the closed-loop cells of its shape
    (its rate is half their best end-to-end throughput). Needed cells come first."""
    if not patterns:
        return list(cells)
    pats = [p.strip() for p in patterns.split(",") if p.strip()]
    chosen = [c for c in cells if any(fnmatch.fnmatchcase(c.id, p) for p in pats)]
    widths = {c.width for c in chosen}
    needed = [c for c in cells if c.kind == "duckdb" and c.width in widths and c not in chosen]
    if not open_rate_given:
        shapes = {shape(c) for c in chosen if c.kind == "open"}
        needed += [c for c in cells if c.kind == "closed" and shape(c) in shapes
                   and c not in chosen]
    return needed + chosen


def shape(cell):
    """What an open-loop cell shares with the closed-loop cells its rate derives from."""
    return (cell.width, cell.records_per_request, cell.gzip, cell.wal_sync)
