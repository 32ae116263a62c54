// Encoding a row group: the CPU-heavy half of writing Parquet (encode + compress), kept apart
// from the file so that it runs on any thread, outside any lock:
//
//   std::vector<Result<EncodedRowGroup>> groups(ranges.size());
//   parallel_for(i) groups[i] = EncodeRowGroup(batch, ranges[i].begin, ranges[i].end, schema, opt);
//   FileWriter writer(out, schema, opt);
//   for (auto& g : groups) writer.AppendRowGroup(std::move(g.value()));   // in order
//
// An EncodedRowGroup holds the finished pages of every column chunk (headers included) with
// offsets relative to its first byte; FileWriter makes them absolute when it appends the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.h"
#include "model/column_type.h"
#include "model/record_batch.h"
#include "parquet/byte_buffer.h"
#include "parquet/codec.h"
#include "parquet/file_schema.h"
#include "parquet/statistics.h"
#include "parquet/writer_options.h"

namespace ingot::parquet {

// What the footer needs to know about one encoded column chunk.
struct ColumnChunkInfo {
  model::ColumnType type = model::ColumnType::kInt64;
  Codec codec = Codec::kZstd;
  std::int64_t num_values = 0;          // rows, nulls included
  std::int64_t uncompressed_bytes = 0;  // all pages, page headers included
  std::int64_t compressed_bytes = 0;    // same, as stored
  // Offsets from the first byte of the row group; dictionary_page_offset is -1 without one.
  std::int64_t dictionary_page_offset = -1;
  std::int64_t data_page_offset = 0;
  std::int32_t data_pages = 0;
  bool dictionary_encoded = false;    // data pages are RLE_DICTIONARY (else PLAIN)
  std::uint32_t dictionary_size = 0;  // entries in the dictionary page
  ColumnStatistics statistics;
};

struct EncodedRowGroup {
  std::int64_t num_rows = 0;
  ByteBuffer bytes;                      // the column chunks, in schema order, back to back
  std::vector<ColumnChunkInfo> columns;  // one per schema column
};

// Encodes and compresses rows [begin, end) of `batch` as one row group with `schema`'s columns,
// in schema order. A schema column the batch lacks is written all-null.
// Fails (kInvalidInput) when a batch column is not in the schema, or has another type than the
// schema gives it (callers widen columns to the schema's types first), or the range is invalid.
// Thread-safe: `batch` is only read and all scratch memory is per thread.
Result<EncodedRowGroup> EncodeRowGroup(const model::RecordBatch& batch, std::size_t begin,
                                       std::size_t end, const FileSchema& schema,
                                       const WriterOptions& options);

}  // namespace ingot::parquet
