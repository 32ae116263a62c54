// RecordBatch: rows of one stream held as columns. It is what decoders produce, what a memtable
// partition accumulates, and what the Parquet writer consumes.
//
// Invariants once a record has ended: every column has rows() == num_rows(); column 0 is
// `_timestamp` (kTimestamp, never null) when the batch came from a BatchBuilder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/column.h"

namespace ingot::model {

class RecordBatch {
 public:
  RecordBatch() = default;
  RecordBatch(RecordBatch&&) = default;
  RecordBatch& operator=(RecordBatch&&) = default;
  RecordBatch(const RecordBatch&) = delete;
  RecordBatch& operator=(const RecordBatch&) = delete;

  std::size_t num_rows() const { return num_rows_; }
  std::size_t num_columns() const { return columns_.size(); }
  // A reference stays valid while columns are added only within the room ReserveColumns made.
  Column& column(std::size_t i) { return columns_[i]; }
  const Column& column(std::size_t i) const { return columns_[i]; }

  // Index of the column called `name`, or -1.
  int FindColumn(std::string_view name) const;
  // Room for `n` columns without reallocating the column list (which moves the columns).
  void ReserveColumns(std::size_t n) { columns_.reserve(n); }
  // Adds an all-null column (padded to num_rows()) and returns its index.
  std::size_t AddColumn(std::string name, ColumnType type);
  // The same, into `column` (any column: it is recycled under the new name and type).
  std::size_t AddColumn(Column&& column, std::string_view name, ColumnType type);
  // Hands the columns over, in order, and leaves the batch empty.
  std::vector<Column> TakeColumns();

  // Called by writers after every column was given its value or null for the new row.
  void CommitRow() { ++num_rows_; }
  // Drops rows from the end until num_rows() == n.
  void TruncateRows(std::size_t n);

  // Appends all rows of `src` (columns matched by name, widened as needed, missing ones null).
  void Append(const RecordBatch& src) { AppendRange(src, 0, src.num_rows()); }
  // Appends rows [begin, end) of `src`.
  void AppendRange(const RecordBatch& src, std::size_t begin, std::size_t end);
  // Appends the rows of `src` listed in `rows` (ascending).
  void AppendRows(const RecordBatch& src, std::span<const std::uint32_t> rows);

  // Drops columns that hold no value at all (e.g. created by a record that was then rejected).
  void DropEmptyColumns();

  // Bytes held by the column buffers (what the memory budget is charged).
  std::size_t MemoryBytes() const;
  void Clear();

 private:
  // Finds `src`'s column here, creating or widening it so it can take src's values.
  Column& ColumnFor(const Column& src);

  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Up to this many columns, FindColumn compares names one by one: a request's batch (a dozen
  // columns, built and dropped per request) then allocates no hash index at all.
  static constexpr std::size_t kLinearSearchColumns = 16;
  // Fills index_ with every column (once the batch has more than kLinearSearchColumns).
  void BuildIndex();
  // Appends `column`, padded with nulls to num_rows(); returns its index.
  std::size_t PushColumn(Column&& column);

  std::size_t num_rows_ = 0;
  // By value: one allocation for all of a batch's columns (BatchBuilder reserves room for as
  // many as the stream's previous batch had), not one per column per request.
  std::vector<Column> columns_;
  // Name -> position; empty while the batch has at most kLinearSearchColumns columns.
  std::unordered_map<std::string, std::uint32_t, NameHash, std::equal_to<>> index_;
};

}  // namespace ingot::model
