#include "model/record_batch.h"

#include <gtest/gtest.h>

namespace ingot::model {
namespace {

RecordBatch TwoRows(std::string_view col, ColumnType type) {
  RecordBatch b;
  Column& c = b.column(b.AddColumn(std::string(col), type));
  for (int i = 0; i < 2; ++i) {
    if (type == ColumnType::kString) {
      c.AppendString("v" + std::to_string(i));
    } else {
      c.AppendInt(i);
    }
    b.CommitRow();
  }
  return b;
}

TEST(RecordBatch, AppendMatchesColumnsByNameAndPadsMissingOnes) {
  RecordBatch dst = TwoRows("a", ColumnType::kInt64);
  RecordBatch src = TwoRows("b", ColumnType::kString);
  dst.Append(src);
  ASSERT_EQ(dst.num_rows(), 4u);
  ASSERT_EQ(dst.num_columns(), 2u);
  EXPECT_EQ(dst.column(0).DefinedRows(), (std::vector<std::uint8_t>{1, 1, 0, 0}));
  EXPECT_EQ(dst.column(1).DefinedRows(), (std::vector<std::uint8_t>{0, 0, 1, 1}));
  EXPECT_EQ(dst.column(1).string_at(1), "v1");
}

TEST(RecordBatch, AppendWidensTheDestination) {
  RecordBatch dst = TwoRows("a", ColumnType::kInt64);
  RecordBatch src = TwoRows("a", ColumnType::kString);
  dst.Append(src);
  const Column& a = dst.column(0);
  ASSERT_EQ(a.type(), ColumnType::kString);
  EXPECT_EQ(a.string_at(0), "0");
  EXPECT_EQ(a.string_at(3), "v1");
}

TEST(RecordBatch, AppendRowsPicksListedRows) {
  RecordBatch src = TwoRows("a", ColumnType::kInt64);
  src.Append(TwoRows("a", ColumnType::kInt64));  // values 0,1,0,1
  RecordBatch dst;
  const std::uint32_t rows[] = {1, 3};
  dst.AppendRows(src, rows);
  ASSERT_EQ(dst.num_rows(), 2u);
  EXPECT_EQ(dst.column(0).ints(), (std::vector<std::int64_t>{1, 1}));
}

TEST(RecordBatch, DropEmptyColumnsKeepsTheIndexRight) {
  RecordBatch b;
  b.AddColumn("empty", ColumnType::kInt64);
  b.AddColumn("full", ColumnType::kInt64);
  b.column(0).AppendNull();
  b.column(1).AppendInt(5);
  b.CommitRow();
  b.DropEmptyColumns();
  ASSERT_EQ(b.num_columns(), 1u);
  EXPECT_EQ(b.FindColumn("full"), 0);
  EXPECT_EQ(b.FindColumn("empty"), -1);
}

TEST(RecordBatch, FindsColumnsBeforeAndAfterItIndexesThem) {
  // Small batches are searched name by name, larger ones through an index built on the way.
  RecordBatch b;
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(b.AddColumn("c" + std::to_string(i), ColumnType::kInt64),
              static_cast<std::size_t>(i));
    for (int j = 0; j <= i; ++j) {
      ASSERT_EQ(b.FindColumn("c" + std::to_string(j)), j) << "after adding c" << i;
    }
    ASSERT_EQ(b.FindColumn("c" + std::to_string(i + 1)), -1);
  }
  // Dropping columns re-indexes what is left, above and below the linear-search size.
  for (int keep : {30, 5}) {
    for (std::size_t i = 0; i < b.num_columns(); ++i) {
      if (static_cast<int>(i) < keep) {
        b.column(i).AppendInt(1);
      } else {
        b.column(i).AppendNull();
      }
    }
    b.CommitRow();
    b.DropEmptyColumns();
    ASSERT_EQ(b.num_columns(), static_cast<std::size_t>(keep));
    for (int j = 0; j < 40; ++j) {
      EXPECT_EQ(b.FindColumn("c" + std::to_string(j)), j < keep ? j : -1) << "keep " << keep;
    }
    b.Clear();
    for (int i = 0; i < 40; ++i) b.AddColumn("c" + std::to_string(i), ColumnType::kInt64);
  }
}

}  // namespace
}  // namespace ingot::model
