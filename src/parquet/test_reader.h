// A minimal Parquet reader for tests: it decodes exactly the subset FileWriter writes (flat
// OPTIONAL columns, data page v1, PLAIN / RLE_DICTIONARY, our four codecs) back into a
// RecordBatch, so unit tests can compare values without DuckDB. Written from the specification,
// separately from the encoders, so that a mistake in one is not mirrored in the other.
//
// Test-only: it trusts its input far more than a production reader may.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/record_batch.h"
#include "parquet/format/parquet_types.h"

namespace ingot::parquet::testing {

// Decodes the RLE / bit-packing hybrid: `count` values of `bit_width` bits from `data`.
Result<std::vector<std::uint32_t>> DecodeRleHybrid(std::string_view data, int bit_width,
                                                   std::size_t count);

// The FileMetaData of a whole file held in memory (checks both magics and the footer length).
Result<format::FileMetaData> ReadFileMetaData(std::string_view file);

// Every row of the file, columns in schema order (types from the schema's physical and logical
// types).
Result<model::RecordBatch> ReadFile(std::string_view file);

}  // namespace ingot::parquet::testing
