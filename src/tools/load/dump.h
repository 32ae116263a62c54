// DumpNdjson: the records a run sends, written to a file instead of a server
// (`ingot-load --dump-ndjson FILE --records N`), so that a baseline converts exactly the same data:
// bench/run times DuckDB's NDJSON -> Parquet on it.
//
// The file holds the first N records of the run's record sequence (workload, seed, start
// timestamp), one a line. A run without ids fills body i with records i*R .. i*R+R-1
// (R = records per request); for `multi` a body is exactly those lines, the other endpoints wrap
// the same records. So a run with `--bodies B` sends (cyclically) the records of
// `--dump-ndjson --records B*R`.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "tools/load/load_options.h"

namespace ingot::load {

struct DumpResult {
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  std::int64_t start_timestamp_ms = 0;  // the clock of the first record (the option, or now)
};

// Writes options.max_records records (required, > 0) to `path`, replacing it.
Result<DumpResult> DumpNdjson(const LoadOptions& options, const std::string& path);

}  // namespace ingot::load
