#include "parquet/write_batch.h"

#include <algorithm>

#include "parquet/file_writer.h"
#include "parquet/row_group_encoder.h"

namespace ingot::parquet {
namespace {

// Bytes of column data the batch holds (values as PLAIN would store them), not buffer capacity.
std::size_t DataBytes(const model::RecordBatch& batch) {
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < batch.num_columns(); ++i) {
    const model::Column& c = batch.column(i);
    switch (c.type()) {
      case model::ColumnType::kBool: bytes += c.bools().size(); break;
      case model::ColumnType::kInt64:
      case model::ColumnType::kTimestamp: bytes += 8 * c.ints().size(); break;
      case model::ColumnType::kFloat64: bytes += 8 * c.doubles().size(); break;
      case model::ColumnType::kString:
        bytes += 4 * (c.offsets().size() - 1) + c.bytes().size();
        break;
    }
  }
  return bytes;
}

}  // namespace

std::vector<RowRange> PlanRowGroups(const model::RecordBatch& batch, const WriterOptions& options) {
  const std::size_t rows = batch.num_rows();
  std::vector<RowRange> ranges;
  if (rows == 0) return ranges;
  const std::size_t row_bytes = std::max<std::size_t>(1, DataBytes(batch) / rows);
  const std::size_t max_rows = std::max<std::size_t>(
      1, std::min(options.row_group_rows, options.row_group_bytes / row_bytes));
  const std::size_t groups = (rows + max_rows - 1) / max_rows;
  const std::size_t base = rows / groups, extra = rows % groups;
  std::size_t begin = 0;
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t n = base + (g < extra ? 1 : 0);
    ranges.push_back({begin, begin + n});
    begin += n;
  }
  return ranges;
}

Status WriteBatch(const model::RecordBatch& batch, const WriterOptions& options,
                  OutputStream& out) {
  FileSchema schema = FileSchema::Of(batch);
  FileWriter writer(out, schema, options);
  for (const RowRange& range : PlanRowGroups(batch, options)) {
    Result<EncodedRowGroup> group = EncodeRowGroup(batch, range.begin, range.end, schema, options);
    if (!group.ok()) return group.status();
    INGOT_RETURN_IF_ERROR(writer.AppendRowGroup(std::move(group.value())));
  }
  return writer.Close();
}

}  // namespace ingot::parquet
