// The on-disk layout of Parquet files (DESIGN.md "Files on disk"):
//   <data-dir>/files/<org>/<type>/<stream>/date=YYYY-MM-DD/hour=HH/<name>.parquet
// Hive-style, so DuckDB's read_parquet('.../**/*.parquet', hive_partitioning=true) sees `date`
// and `hour` as columns.
#pragma once

#include <cstdint>
#include <string>

#include "model/stream_key.h"

namespace ingot::persist {

// "<data_dir>/files/<org>/<type>/<stream>/date=2024-01-02/hour=03"
std::string PartitionDir(const std::string& data_dir, const model::StreamKey& key,
                         std::int64_t hour);

}  // namespace ingot::persist
