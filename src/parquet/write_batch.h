// Writing a whole RecordBatch as one Parquet file, and the row-group split it uses (exposed so
// that callers encoding row groups on several threads split the same way).
#pragma once

#include <cstddef>
#include <vector>

#include "common/status.h"
#include "model/record_batch.h"
#include "parquet/output_stream.h"
#include "parquet/writer_options.h"

namespace ingot::parquet {

struct RowRange {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Splits the batch's rows into the fewest row groups that respect options.row_group_rows and
// options.row_group_bytes (judged by the batch's average row size), all of equal size (+-1 row)
// so that no tiny group is left at the end. None for an empty batch.
std::vector<RowRange> PlanRowGroups(const model::RecordBatch& batch, const WriterOptions& options);

// Writes `batch` to `out` as a complete Parquet file with the batch's columns, one row group per
// PlanRowGroups range, encoded on the calling thread.
Status WriteBatch(const model::RecordBatch& batch, const WriterOptions& options, OutputStream& out);

}  // namespace ingot::parquet
