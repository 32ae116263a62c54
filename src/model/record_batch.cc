#include "model/record_batch.h"

#include <algorithm>

namespace ingot::model {

int RecordBatch::FindColumn(std::string_view name) const {
  if (columns_.size() <= kLinearSearchColumns) {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].name() == name) return static_cast<int>(i);
    }
    return -1;
  }
  auto it = index_.find(name);
  return it == index_.end() ? -1 : static_cast<int>(it->second);
}

void RecordBatch::BuildIndex() {
  index_.clear();
  if (columns_.size() <= kLinearSearchColumns) return;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    index_.emplace(columns_[i].name(), static_cast<std::uint32_t>(i));
  }
}

std::size_t RecordBatch::AddColumn(std::string name, ColumnType type) {
  return PushColumn(Column(std::move(name), type));
}

std::size_t RecordBatch::AddColumn(Column&& column, std::string_view name, ColumnType type) {
  column.Recycle(name, type);
  return PushColumn(std::move(column));
}

std::size_t RecordBatch::PushColumn(Column&& column) {
  const std::size_t i = columns_.size();
  column.PadNullsTo(num_rows_);
  columns_.push_back(std::move(column));
  if (columns_.size() == kLinearSearchColumns + 1) {
    BuildIndex();
  } else if (columns_.size() > kLinearSearchColumns) {
    index_.emplace(columns_[i].name(), static_cast<std::uint32_t>(i));
  }
  return i;
}

std::vector<Column> RecordBatch::TakeColumns() {
  std::vector<Column> columns = std::move(columns_);
  Clear();
  return columns;
}

void RecordBatch::TruncateRows(std::size_t n) {
  for (Column& c : columns_) c.TruncateRows(n);
  num_rows_ = std::min(num_rows_, n);
}

Column& RecordBatch::ColumnFor(const Column& src) {
  int i = FindColumn(src.name());
  if (i < 0) {
    // A new column takes src's type as is, which also keeps `_timestamp` a timestamp.
    i = static_cast<int>(AddColumn(src.name(), src.type()));
  }
  Column& dst = columns_[static_cast<std::size_t>(i)];
  const ColumnType wide = WidenedType(dst.type(), src.type());
  if (wide != dst.type()) dst.WidenTo(wide);
  return dst;
}

void RecordBatch::AppendRange(const RecordBatch& src, std::size_t begin, std::size_t end) {
  for (const Column& s : src.columns_) ColumnFor(s).AppendRowsFrom(s, begin, end);
  num_rows_ += end - begin;
  for (Column& c : columns_) c.PadNullsTo(num_rows_);
}

void RecordBatch::AppendRows(const RecordBatch& src, std::span<const std::uint32_t> rows) {
  for (const Column& s : src.columns_) {
    Column& dst = ColumnFor(s);
    std::size_t value_index = 0;
    std::size_t next = 0;
    for (std::size_t r = 0; r < src.num_rows() && next < rows.size(); ++r) {
      if (r == rows[next]) {
        dst.AppendRowFrom(s, r, value_index);
        ++next;
      }
      value_index += s.is_defined(r);
    }
  }
  num_rows_ += rows.size();
  for (Column& c : columns_) c.PadNullsTo(num_rows_);
}

void RecordBatch::DropEmptyColumns() {
  auto empty = [](const Column& c) { return c.value_count() == 0; };
  if (std::none_of(columns_.begin(), columns_.end(), empty)) return;
  columns_.erase(std::remove_if(columns_.begin(), columns_.end(), empty), columns_.end());
  BuildIndex();
}

std::size_t RecordBatch::MemoryBytes() const {
  std::size_t n = 0;
  for (const Column& c : columns_) n += c.MemoryBytes();
  return n;
}

void RecordBatch::Clear() {
  columns_.clear();
  index_.clear();
  num_rows_ = 0;
}

}  // namespace ingot::model
