#include "model/extra_column.h"

#include <algorithm>
#include <vector>

#include "common/json_escape.h"

namespace ingot::model {

void MoveColumnsToExtra(RecordBatch& batch, std::span<const std::string> names) {
  const std::size_t rows = batch.num_rows();
  // Start from each row's current `_extra` text without its closing brace.
  std::vector<std::string> extra(rows);
  const int extra_index = batch.FindColumn(kExtraColumn);
  if (extra_index >= 0) {
    const Column& old = batch.column(static_cast<std::size_t>(extra_index));
    for (std::size_t r = 0, v = 0; r < rows; ++r) {
      if (!old.is_defined(r)) continue;
      extra[r] = old.string_at(v++);
      if (!extra[r].empty() && extra[r].back() == '}') extra[r].pop_back();
    }
  }
  std::string text;
  for (const std::string& name : names) {
    const int index = batch.FindColumn(name);
    if (index < 0 || name == kExtraColumn || name == kTimestampColumn) continue;
    const Column& c = batch.column(static_cast<std::size_t>(index));
    for (std::size_t r = 0, v = 0; r < rows; ++r) {
      if (!c.is_defined(r)) continue;
      std::string& e = extra[r];
      e.push_back(e.empty() ? '{' : ',');
      AppendJsonString(name, e);
      e.push_back(':');
      if (c.type() == ColumnType::kString) {
        AppendJsonString(c.string_at(v), e);
      } else {
        AppendValueText(c, v, e);
      }
      ++v;
    }
  }
  // Rebuild the batch without the moved columns, with the new `_extra`.
  RecordBatch rebuilt;
  for (std::size_t i = 0; i < batch.num_columns(); ++i) {
    const Column& c = batch.column(i);
    if (c.name() == kExtraColumn ||
        std::find(names.begin(), names.end(), c.name()) != names.end()) {
      continue;
    }
    rebuilt.AddColumn(c.name(), c.type());
    rebuilt.column(rebuilt.num_columns() - 1).AppendRowsFrom(c, 0, rows);
  }
  Column& out = rebuilt.column(rebuilt.AddColumn(std::string(kExtraColumn), ColumnType::kString));
  for (std::string& e : extra) {
    if (e.empty()) {
      out.AppendNull();
    } else {
      e.push_back('}');
      out.AppendString(e);
    }
  }
  for (std::size_t r = 0; r < rows; ++r) rebuilt.CommitRow();
  batch = std::move(rebuilt);
}

}  // namespace ingot::model
