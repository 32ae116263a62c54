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
//   1. Every value is looked up in the chunk's dictionary. The attempt stops, and the chunk is
//      PLAIN, as soon as the PLAIN dictionary grows past dictionary_bytes_limit, or when at a
//      checkpoint (after 4096, 8192, 16384, ... values) more than 90% of the values since the
//      previous checkpoint were new: a near-unique column (ids, messages, µs timestamps) is
//      recognised after 4096 values instead of being hashed to the end.
//   2. Otherwise the chunk is dictionary-encoded when the dictionary page plus the bit-packed
//      ids take at most kDictionaryMaxRatio of the PLAIN values' size, else it is PLAIN.
// Both sizes are before compression; docs/parquet.md shows why that predicts the compressed
// outcome well enough on log data.
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
