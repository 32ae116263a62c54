#include "model/record_batch.h"

#include <algorithm>

namespace ingot::model {

int RecordBatch::FindColumn(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : static_cast<int>(it->second);
}

std::size_t RecordBatch::AddColumn(std::string name, ColumnType type) {
  const std::size_t i = columns_.size();
  index_.emplace(name, static_cast<std::uint32_t>(i));
  columns_.push_back(std::make_unique<Column>(std::move(name), type));
  columns_.back()->PadNullsTo(num_rows_);
  return i;
}

std::size_t RecordBatch::AddColumn(std::unique_ptr<Column> column, std::string_view name,
                                   ColumnType type) {
  const std::size_t i = columns_.size();
  column->Recycle(name, type);
  index_.emplace(column->name(), static_cast<std::uint32_t>(i));
  columns_.push_back(std::move(column));
  columns_.back()->PadNullsTo(num_rows_);
  return i;
}

std::vector<std::unique_ptr<Column>> RecordBatch::TakeColumns() {
  std::vector<std::unique_ptr<Column>> columns = std::move(columns_);
  Clear();
  return columns;
}

void RecordBatch::TruncateRows(std::size_t n) {
  for (auto& c : columns_) c->TruncateRows(n);
  num_rows_ = std::min(num_rows_, n);
}

Column& RecordBatch::ColumnFor(const Column& src) {
  int i = FindColumn(src.name());
  if (i < 0) {
    // A new column takes src's type as is, which also keeps `_timestamp` a timestamp.
    i = static_cast<int>(AddColumn(src.name(), src.type()));
  }
  Column& dst = *columns_[static_cast<std::size_t>(i)];
  const ColumnType wide = WidenedType(dst.type(), src.type());
  if (wide != dst.type()) dst.WidenTo(wide);
  return dst;
}

void RecordBatch::AppendRange(const RecordBatch& src, std::size_t begin, std::size_t end) {
  for (const auto& s : src.columns_) ColumnFor(*s).AppendRowsFrom(*s, begin, end);
  num_rows_ += end - begin;
  for (auto& c : columns_) c->PadNullsTo(num_rows_);
}

void RecordBatch::AppendRows(const RecordBatch& src, std::span<const std::uint32_t> rows) {
  for (const auto& s : src.columns_) {
    Column& dst = ColumnFor(*s);
    std::size_t value_index = 0;
    std::size_t next = 0;
    const auto& defined = s->defined();
    for (std::size_t r = 0; r < src.num_rows() && next < rows.size(); ++r) {
      if (r == rows[next]) {
        dst.AppendRowFrom(*s, r, value_index);
        ++next;
      }
      value_index += defined[r];
    }
  }
  num_rows_ += rows.size();
  for (auto& c : columns_) c->PadNullsTo(num_rows_);
}

void RecordBatch::DropEmptyColumns() {
  auto empty = [](const std::unique_ptr<Column>& c) { return c->value_count() == 0; };
  if (std::none_of(columns_.begin(), columns_.end(), empty)) return;
  columns_.erase(std::remove_if(columns_.begin(), columns_.end(), empty), columns_.end());
  index_.clear();
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    index_.emplace(columns_[i]->name(), static_cast<std::uint32_t>(i));
  }
}

std::size_t RecordBatch::MemoryBytes() const {
  std::size_t n = 0;
  for (const auto& c : columns_) n += c->MemoryBytes();
  return n;
}

void RecordBatch::Clear() {
  columns_.clear();
  index_.clear();
  num_rows_ = 0;
}

}  // namespace ingot::model
