// Differential fuzz target for the writer: the input is a recipe for a batch (column types,
// nulls, values with many repeats or none) and for writer options (codec, dictionary mode, tiny
// pages, row groups and dictionary limits). The file written must read back, through the
// spec-based test reader, with exactly the values of the batch (bit for bit for doubles), and its
// statistics must bound those values. Any difference traps.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "parquet/test_reader.h"
#include "parquet/write_batch.h"

namespace ingot::parquet {
namespace {

class Recipe {
 public:
  Recipe(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint64_t Bytes(std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(Byte()) << (8 * i);
    return v;
  }
  bool done() const { return pos_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// A value from a small pool (so dictionaries form) or straight from the input.
std::uint64_t NextBits(Recipe& r) {
  const std::uint8_t mode = r.Byte();
  if (mode < 128) return mode % 5;
  if (mode < 192) return r.Bytes(1) << 56 | (mode & 3);
  return r.Bytes(8);
}

void Trap(bool failed) {
  if (failed) __builtin_trap();
}

}  // namespace
}  // namespace ingot::parquet

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ingot;
  using namespace ingot::parquet;
  Recipe r(data, size);
  WriterOptions options;
  options.codec = static_cast<Codec>(r.Byte() % 4);
  options.dictionary = static_cast<DictionaryMode>(r.Byte() % 3);
  options.data_page_bytes = 1 + r.Bytes(2) % 4096;
  options.row_group_rows = 1 + r.Bytes(2) % 700;
  options.dictionary_bytes_limit = r.Bytes(2);

  model::RecordBatch batch;
  const std::size_t columns = 1 + r.Byte() % 5;
  for (std::size_t c = 0; c < columns; ++c) {
    batch.AddColumn("c" + std::to_string(c), static_cast<model::ColumnType>(r.Byte() % 5));
  }
  const std::size_t rows = r.Bytes(2) % 3000;
  std::string text;
  for (std::size_t row = 0; row < rows && !r.done(); ++row) {
    for (std::size_t c = 0; c < columns; ++c) {
      model::Column& col = batch.column(c);
      if (r.Byte() < 48) {
        col.AppendNull();
        continue;
      }
      const std::uint64_t bits = NextBits(r);
      switch (col.type()) {
        case model::ColumnType::kBool: col.AppendBool((bits & 1) != 0); break;
        case model::ColumnType::kInt64:
        case model::ColumnType::kTimestamp: col.AppendInt(static_cast<std::int64_t>(bits)); break;
        case model::ColumnType::kFloat64: {
          double d;
          std::memcpy(&d, &bits, 8);
          col.AppendDouble(d);
          break;
        }
        case model::ColumnType::kString:
          text.assign(bits % 7 == 6 ? 70 + bits % 40 : bits % 11, static_cast<char>(bits >> 8));
          col.AppendString(text);
          break;
      }
    }
    batch.CommitRow();
  }

  StringOutputStream out;
  Trap(!WriteBatch(batch, options, out).ok());
  Result<model::RecordBatch> back = testing::ReadFile(out.contents());
  Trap(!back.ok());
  const model::RecordBatch& got = back.value();
  Trap(got.num_rows() != batch.num_rows() || got.num_columns() != batch.num_columns());
  for (std::size_t c = 0; c < columns; ++c) {
    const model::Column& a = batch.column(c);
    const model::Column& b = got.column(c);
    Trap(a.type() != b.type() || a.DefinedRows() != b.DefinedRows() || a.ints() != b.ints() ||
         a.bools() != b.bools() || !std::ranges::equal(a.offsets(), b.offsets()) ||
         a.bytes() != b.bytes() || a.doubles().size() != b.doubles().size());
    Trap(!a.doubles().empty() &&
         std::memcmp(a.doubles().data(), b.doubles().data(), a.doubles().size() * 8) != 0);
  }

  // Statistics bound the values of their row group.
  Result<format::FileMetaData> meta = testing::ReadFileMetaData(out.contents());
  Trap(!meta.ok());
  std::size_t first_row = 0;
  for (const format::RowGroup& group : meta.value().row_groups) {
    for (std::size_t c = 0; c < columns; ++c) {
      const model::Column& col = batch.column(c);
      const format::Statistics& s = group.columns[c].meta_data.statistics;
      std::int64_t nulls = 0;
      std::size_t value = 0;
      for (std::size_t row = 0; row < first_row; ++row) value += col.is_defined(row);
      for (std::size_t row = first_row; row < first_row + static_cast<std::size_t>(group.num_rows);
           ++row) {
        if (!col.is_defined(row)) {
          ++nulls;
          continue;
        }
        if (col.type() == model::ColumnType::kInt64 && s.__isset.min_value) {
          std::int64_t lo, hi;
          std::memcpy(&lo, s.min_value.data(), 8);
          std::memcpy(&hi, s.max_value.data(), 8);
          Trap(col.ints()[value] < lo || col.ints()[value] > hi);
        }
        if (col.type() == model::ColumnType::kString) {
          Trap(!s.__isset.min_value || col.string_at(value) < s.min_value ||
               col.string_at(value) > s.max_value);
        }
        ++value;
      }
      Trap(s.null_count != nulls);
    }
    first_row += static_cast<std::size_t>(group.num_rows);
  }
  return 0;
}
