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
  EXPECT_EQ(dst.column(0).defined(), (std::vector<std::uint8_t>{1, 1, 0, 0}));
  EXPECT_EQ(dst.column(1).defined(), (std::vector<std::uint8_t>{0, 0, 1, 1}));
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

}  // namespace
}  // namespace ingot::model
