// Column: the values of one field across the rows of a RecordBatch, stored the way Parquet wants
// them: one definition byte per row, and only the defined values, packed. Most columns have a
// value in every row; they keep no definition bytes at all until their first null (no buffer to
// allocate and fill per request for them, and a byte less per value in memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/column_type.h"

namespace ingot::model {

class Column {
 public:
  Column(std::string name, ColumnType type) : name_(std::move(name)), type_(type) {}

  const std::string& name() const { return name_; }
  ColumnType type() const { return type_; }

  // Rows this column has a definition byte for (equal to the batch's row count once a record ends).
  std::size_t rows() const { return rows_; }
  // Non-null values held.
  std::size_t value_count() const;
  // True when every row has a value (then there are no definition bytes).
  bool all_defined() const { return defined_.empty(); }
  // Whether row r has a value.
  bool is_defined(std::size_t r) const { return defined_.empty() || defined_[r] != 0; }
  // One byte per row, 1 when it has a value, 0 when it is null; empty when all_defined().
  std::span<const std::uint8_t> definition_bytes() const { return defined_; }
  // The same for every row, all_defined() or not (a copy: for tests and slow paths).
  std::vector<std::uint8_t> DefinedRows() const;

  // Packed non-null values, one vector per type family; only the one matching type() is used.
  const std::vector<std::int64_t>& ints() const { return ints_; }  // kInt64, kTimestamp
  const std::vector<double>& doubles() const { return doubles_; }
  const std::vector<std::uint8_t>& bools() const { return bools_; }
  // kString: value i is bytes()[offsets()[i], offsets()[i+1]); offsets() has value_count() + 1
  // entries, starting with 0.
  std::span<const std::uint32_t> offsets() const {
    static constexpr std::uint32_t kNoValues[1] = {0};
    return offsets_.empty() ? std::span<const std::uint32_t>(kNoValues) : offsets_;
  }
  const std::vector<char>& bytes() const { return bytes_; }
  std::string_view string_at(std::size_t i) const {  // i < value_count()
    return {bytes_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]};
  }

  // Appends one row. The value must match type(); callers widen first (see WidenTo).
  void AppendNull() {
    StartDefinitionBytes();
    defined_.push_back(0);
    ++rows_;
  }
  void AppendInt(std::int64_t v) {
    AddDefinedRow();
    ints_.push_back(v);
  }
  void AppendDouble(double v) {
    AddDefinedRow();
    doubles_.push_back(v);
  }
  void AppendBool(bool v) {
    AddDefinedRow();
    bools_.push_back(v ? 1 : 0);
  }
  void AppendString(std::string_view v);
  // Appends nulls until rows() == n.
  void PadNullsTo(std::size_t n) {
    if (n <= rows_) return;
    StartDefinitionBytes();
    defined_.resize(n, 0);
    rows_ = n;
  }
  // Removes rows from the end until rows() == n, with their values.
  void TruncateRows(std::size_t n);

  // Converts every stored value to `t` (which must be WidenedType(type(), t)).
  void WidenTo(ColumnType t);
  // Appends rows [begin, end) of `src`, converting values to this column's type, which must be
  // at least as wide as src's.
  void AppendRowsFrom(const Column& src, std::size_t begin, std::size_t end);
  // Appends one row of `src` (slow path used when rows are regrouped).
  void AppendRowFrom(const Column& src, std::size_t row, std::size_t value_index);

  // Reserves room for `rows` values and `bytes` bytes of string data (definition bytes are made
  // at the first null).
  void Reserve(std::size_t rows, std::size_t string_bytes);
  // The same for a recycled column: a buffer that must grow takes half again as much, so that the
  // next file of about the same size fits in it too (a reallocation is fresh memory again).
  void ReserveWithSlack(std::size_t rows, std::size_t string_bytes);
  // Bytes of memory the column's buffers hold (capacity, not size: what the budget pays for).
  std::size_t MemoryBytes() const;
  void Clear();
  // Empties the column and gives it another name and type; the buffers keep their capacity (the
  // persister writes the next file's columns into memory already touched, see ColumnSpares).
  void Recycle(std::string_view name, ColumnType type) {
    Clear();
    name_.assign(name);
    type_ = type;
  }

 private:
  void StartOffsets() {
    if (offsets_.empty()) offsets_.push_back(0);
  }
  // Before the first null: a definition byte for each row so far (all 1).
  void StartDefinitionBytes() {
    if (defined_.empty()) defined_.assign(rows_, 1);
  }
  void AddDefinedRow() {
    if (!defined_.empty()) defined_.push_back(1);
    ++rows_;
  }

  std::string name_;
  ColumnType type_;
  std::size_t rows_ = 0;
  // Empty while every row has a value (all_defined()), else one byte per row.
  std::vector<std::uint8_t> defined_;
  std::vector<std::int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<std::uint8_t> bools_;
  // Empty until the first string value (most columns are not strings: no allocation for them),
  // then value_count() + 1 entries starting with 0.
  std::vector<std::uint32_t> offsets_;
  std::vector<char> bytes_;
};

// Text form used when a non-string value lands in a string column: JSON spelling, so that
// `true`, `12` and `1.5` read back as they were sent.
void AppendValueText(const Column& c, std::size_t value_index, std::string& out);
void AppendIntText(std::int64_t v, std::string& out);
void AppendDoubleText(double v, std::string& out);

}  // namespace ingot::model
