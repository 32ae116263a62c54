// `ingot convert`: an NDJSON file to one Parquet file, with the same decoder, normalization and
// Parquet writer as the server, on all cores. It is also the in-process half of the benchmark
// against DuckDB (bench/convert_vs_duckdb).
//
// How: the input is mapped and cut into chunks at line boundaries; threads decode chunks into
// columns in parallel; the chunks' schemas are unified (union of columns, types widened); threads
// encode and compress the chunks' row groups in parallel; the row groups are written in input
// order, then the footer; the file is written to a temporary name, fsynced and renamed, so OUT
// is either the complete result or untouched.
//
// Memory: the decoded columns of the whole input are held until the schema is known, about the
// size of the input (less for repetitive data).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "model/batch_builder.h"
#include "parquet/writer_options.h"

namespace ingot::convert {

struct ConvertOptions {
  std::string input;
  std::string output;
  unsigned threads = 0;  // 0 = one per core
  // Normalization; the timestamp window is unlimited unless set.
  model::BuilderOptions normalize;
  parquet::WriterOptions writer;
  // Input bytes per chunk: the unit of parallel work. Each chunk becomes one or more row groups.
  std::size_t chunk_bytes = 32 << 20;
};

struct ConvertStats {
  std::uint64_t records = 0;
  std::uint64_t failed_records = 0;  // rejected by normalization (e.g. a bad `_timestamp`)
  std::string first_failure;
  std::uint64_t input_bytes = 0;
  std::uint64_t output_bytes = 0;
  std::uint64_t row_groups = 0;
  double seconds = 0;
};

Status ConvertNdjsonToParquet(const ConvertOptions& options, ConvertStats& stats);

}  // namespace ingot::convert
