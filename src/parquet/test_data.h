// Batches for the Parquet tests, and a value-by-value comparison of two batches.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/record_batch.h"

namespace ingot::parquet::testing {

// Appends a row to every column of `batch` through `fill(column_index, column)`, which must
// append exactly one value or null to the column, then commits the row.
template <typename Fill>
void AppendRows(model::RecordBatch& batch, std::size_t rows, Fill&& fill) {
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < batch.num_columns(); ++c) fill(r, c, batch.column(c));
    batch.CommitRow();
  }
}

// Every column of `batch` with one type each, nulls in every third row of the value columns,
// `_timestamp` never null.
inline model::RecordBatch MixedBatch(std::size_t rows) {
  model::RecordBatch batch;
  batch.AddColumn("_timestamp", model::ColumnType::kTimestamp);
  batch.AddColumn("level", model::ColumnType::kString);
  batch.AddColumn("message", model::ColumnType::kString);
  batch.AddColumn("count", model::ColumnType::kInt64);
  batch.AddColumn("ratio", model::ColumnType::kFloat64);
  batch.AddColumn("ok", model::ColumnType::kBool);
  static const char* kLevels[] = {"INFO", "WARN", "ERROR", "DEBUG"};
  AppendRows(batch, rows, [](std::size_t r, std::size_t c, model::Column& col) {
    if (c > 0 && r % 3 == c % 3) {
      col.AppendNull();
      return;
    }
    const auto i = static_cast<std::int64_t>(r);
    switch (c) {
      case 0: col.AppendInt(1'700'000'000'000'000 + i * 1000); break;
      case 1: col.AppendString(kLevels[r % 4]); break;
      case 2: col.AppendString("message number " + std::to_string(r)); break;
      case 3: col.AppendInt((i % 7 == 0 ? -1 : 1) * i * 12345); break;
      case 4: col.AppendDouble(static_cast<double>(i) / 8.0 - 100.0); break;
      default: col.AppendBool(r % 5 == 0); break;
    }
  });
  return batch;
}

// EXPECTs that `got` holds the same rows as `want` (same columns, in order; values compared by
// their bits, so NaN and -0.0 must survive exactly).
inline void ExpectSameRows(const model::RecordBatch& want, const model::RecordBatch& got) {
  ASSERT_EQ(got.num_rows(), want.num_rows());
  ASSERT_EQ(got.num_columns(), want.num_columns());
  for (std::size_t c = 0; c < want.num_columns(); ++c) {
    const model::Column& w = want.column(c);
    const model::Column& g = got.column(c);
    ASSERT_EQ(g.name(), w.name());
    ASSERT_EQ(g.type(), w.type()) << w.name();
    ASSERT_EQ(g.DefinedRows(), w.DefinedRows()) << w.name();
    EXPECT_EQ(g.ints(), w.ints()) << w.name();
    EXPECT_EQ(g.bools(), w.bools()) << w.name();
    ASSERT_EQ(g.doubles().size(), w.doubles().size()) << w.name();
    for (std::size_t i = 0; i < w.doubles().size(); ++i) {
      ASSERT_EQ(std::bit_cast<std::uint64_t>(g.doubles()[i]),
                std::bit_cast<std::uint64_t>(w.doubles()[i]))
          << w.name() << " value " << i;
    }
    EXPECT_TRUE(std::ranges::equal(g.offsets(), w.offsets())) << w.name();
    EXPECT_EQ(g.bytes(), w.bytes()) << w.name();
  }
}

}  // namespace ingot::parquet::testing
