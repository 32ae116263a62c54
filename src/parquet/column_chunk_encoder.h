// Encoding one column chunk: the pages of one column within one row group.
//
//   [dictionary page]  PLAIN-encoded distinct values, when the chunk is dictionary-encoded
//   data page ...      v1: definition levels (4-byte length + RLE hybrid, bit width 1), then
//                      the non-null values: PLAIN, or RLE_DICTIONARY (1 byte bit width + RLE
//                      hybrid of the dictionary ids)
//
// Each page is compressed on its own and preceded by its Thrift PageHeader. Pages close at the
// first row that takes them past WriterOptions::data_page_bytes of encoded values.
//
// Dictionary rule (per column chunk; BOOLEAN never uses one, PLAIN already costs 1 bit):
//   1. Every value is looked up in the chunk's dictionary, in order. The attempt stops, and the
//      chunk is PLAIN, as soon as
//      a. the PLAIN dictionary grows past WriterOptions::dictionary_bytes_limit, or
//      b. at a checkpoint (after 4096, 8192, 16384, ... values) more than 90% of the values since
//         the previous checkpoint were new: a key-like column (ids, messages, request ids) is
//         recognised after 4096 values instead of being hashed to the end, or
//      c. from the second checkpoint on, the dictionary would not pay (rule 2) even if new values
//         kept arriving at the rate of the last interval: steadily growing columns (timestamps)
//         stop early, while columns with few distinct values see the rate fall and carry on.
//   2. Otherwise the chunk is dictionary-encoded when the dictionary page plus the bit-packed
//      ids take at most kDictionaryMaxRatio of the PLAIN values' size, else it is PLAIN.
// Both sizes are before compression; docs/parquet.md shows how that compares with the compressed
// outcome on log data. A chunk is either all dictionary or all PLAIN (no mid-chunk fallback):
// the whole chunk is in memory, so the choice is made before the first page is written.
#pragma once

#include <cstddef>

#include "common/status.h"
#include "model/column.h"
#include "parquet/byte_buffer.h"
#include "parquet/row_group_encoder.h"
#include "parquet/writer_options.h"

namespace ingot::parquet {

inline constexpr double kDictionaryMaxRatio = 0.5;

// Encodes rows [begin, end) of `column` (nullptr: a column the batch lacks, all null) as a chunk
// of `type`, appending its pages to `out`. The returned offsets are relative to out's start.
// REQUIRES: column is null or column->type() == type; 0 < end - begin < 2^31.
Result<ColumnChunkInfo> EncodeColumnChunk(const model::Column* column, model::ColumnType type,
                                          std::size_t begin, std::size_t end,
                                          const WriterOptions& options, ByteBuffer* out);

}  // namespace ingot::parquet
