// The footer of a Parquet file: the Thrift FileMetaData (schema, row groups with their column
// chunk metadata and statistics, key-value metadata, created_by, column orders).
//
// Internal to FileWriter; kept apart because it is the one place that maps our model onto the
// Parquet metadata structs, field by field.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"
#include "parquet/byte_buffer.h"
#include "parquet/file_schema.h"
#include "parquet/row_group_encoder.h"
#include "parquet/writer_options.h"

namespace ingot::parquet {

// A row group as written: its chunks' offsets are absolute file offsets.
struct PlacedRowGroup {
  std::int64_t num_rows = 0;
  std::int64_t file_offset = 0;  // first byte of the row group's first page
  std::vector<ColumnChunkInfo> columns;
};

// Appends the compact-protocol FileMetaData (without the length and magic that follow it).
Status AppendFileMetaData(const FileSchema& schema, const WriterOptions& options,
                          std::span<const PlacedRowGroup> row_groups, ByteBuffer* out);

}  // namespace ingot::parquet
