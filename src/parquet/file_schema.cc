#include "parquet/file_schema.h"

#include <string_view>
#include <unordered_set>

namespace ingot::parquet {

FileSchema FileSchema::Of(const model::RecordBatch& batch) {
  FileSchema schema;
  schema.columns.reserve(batch.num_columns());
  for (std::size_t i = 0; i < batch.num_columns(); ++i) {
    const model::Column& c = batch.column(i);
    schema.columns.emplace_back(c.name(), c.type());
  }
  return schema;
}

Status FileSchema::Validate() const {
  std::unordered_set<std::string_view> seen;
  for (const auto& [name, type] : columns) {
    if (name.empty()) return Status::InvalidInput("parquet schema has a column without a name");
    if (!seen.insert(name).second) {
      return Status::InvalidInput("parquet schema names column '" + name + "' twice");
    }
  }
  return Status::Ok();
}

}  // namespace ingot::parquet
