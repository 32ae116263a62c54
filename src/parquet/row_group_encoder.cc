#include "parquet/row_group_encoder.h"

#include <limits>
#include <string>

#include "parquet/column_chunk_encoder.h"

namespace ingot::parquet {

namespace {

// A generous guess of the row group's encoded size, so its buffer is allocated once instead of
// being regrown and copied page after page. Capacity never touched costs no memory.
std::size_t EstimateBytes(const std::vector<const model::Column*>& columns, std::size_t rows,
                          std::size_t batch_rows, Codec codec) {
  double plain = 0;
  for (const model::Column* c : columns) {
    if (c == nullptr) continue;
    plain += c->type() == model::ColumnType::kString ? 4.0 * static_cast<double>(c->value_count()) +
                                                           static_cast<double>(c->bytes().size())
                                                     : 8.0 * static_cast<double>(c->value_count());
  }
  plain *= static_cast<double>(rows) / static_cast<double>(batch_rows);
  // Compressed log data takes a quarter to a tenth of its PLAIN size; half leaves room.
  if (codec != Codec::kUncompressed) plain /= 2;
  return static_cast<std::size_t>(plain) + columns.size() * 4096 + rows / 8 * columns.size();
}

}  // namespace

Result<EncodedRowGroup> EncodeRowGroup(const model::RecordBatch& batch, std::size_t begin,
                                       std::size_t end, const FileSchema& schema,
                                       const WriterOptions& options) {
  if (begin >= end || end > batch.num_rows()) {
    return Status::InvalidInput("row group [" + std::to_string(begin) + ", " + std::to_string(end) +
                                ") is empty or outside a batch of " +
                                std::to_string(batch.num_rows()) + " rows");
  }
  // Page headers count rows in an i32.
  if (end - begin > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    return Status::InvalidInput("row group of more than 2^31 rows");
  }
  INGOT_RETURN_IF_ERROR(schema.Validate());

  // Schema names are unique, so the batch's columns are all in the schema exactly when as many
  // schema columns are found in the batch as it has columns.
  std::vector<const model::Column*> columns;
  columns.reserve(schema.columns.size());
  std::size_t found = 0;
  for (const auto& [name, type] : schema.columns) {
    const int index = batch.FindColumn(name);
    const model::Column* column = index < 0 ? nullptr : &batch.column(index);
    if (column != nullptr) {
      ++found;
      if (column->type() != type) {
        return Status::InvalidInput(
            "column '" + name + "' is " + std::string(model::ColumnTypeName(column->type())) +
            " but the file schema says " + std::string(model::ColumnTypeName(type)));
      }
      if (column->rows() < end) {
        return Status::Internal("column '" + name + "' has fewer rows than its batch");
      }
    }
    columns.push_back(column);
  }
  if (found != batch.num_columns()) {
    for (std::size_t i = 0; i < batch.num_columns(); ++i) {
      const std::string& name = batch.column(i).name();
      bool in_schema = false;
      for (const auto& column : schema.columns) in_schema |= column.first == name;
      if (!in_schema) {
        return Status::InvalidInput("column '" + name + "' is not in the file schema");
      }
    }
  }

  EncodedRowGroup group;
  group.num_rows = static_cast<std::int64_t>(end - begin);
  group.columns.reserve(columns.size());
  group.bytes.reserve(EstimateBytes(columns, end - begin, batch.num_rows(), options.codec));
  for (std::size_t i = 0; i < columns.size(); ++i) {
    Result<ColumnChunkInfo> chunk =
        EncodeColumnChunk(columns[i], schema.columns[i].second, begin, end, options, &group.bytes);
    if (!chunk.ok()) return chunk.status();
    group.columns.push_back(std::move(chunk.value()));
  }
  return group;
}

}  // namespace ingot::parquet
