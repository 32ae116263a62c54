#include "model/column.h"

#include <gtest/gtest.h>

namespace ingot::model {
namespace {

TEST(Column, StoresOnlyDefinedValues) {
  Column c("x", ColumnType::kInt64);
  c.AppendInt(1);
  c.AppendNull();
  c.AppendInt(3);
  EXPECT_EQ(c.rows(), 3u);
  EXPECT_EQ(c.value_count(), 2u);
  EXPECT_EQ(c.defined(), (std::vector<std::uint8_t>{1, 0, 1}));
  EXPECT_EQ(c.ints(), (std::vector<std::int64_t>{1, 3}));
}

TEST(Column, WidensBoolToIntToFloatToString) {
  Column c("x", ColumnType::kBool);
  c.AppendBool(true);
  c.WidenTo(ColumnType::kInt64);
  c.AppendInt(7);
  EXPECT_EQ(c.ints(), (std::vector<std::int64_t>{1, 7}));
  c.WidenTo(ColumnType::kFloat64);
  c.AppendDouble(2.5);
  EXPECT_EQ(c.doubles(), (std::vector<double>{1, 7, 2.5}));
  c.WidenTo(ColumnType::kString);
  c.AppendString("s");
  ASSERT_EQ(c.value_count(), 4u);
  EXPECT_EQ(c.string_at(0), "1");
  EXPECT_EQ(c.string_at(1), "7");
  EXPECT_EQ(c.string_at(2), "2.5");
  EXPECT_EQ(c.string_at(3), "s");
}

TEST(Column, BoolWidenedToStringReadsAsJson) {
  Column c("x", ColumnType::kBool);
  c.AppendBool(false);
  c.WidenTo(ColumnType::kString);
  EXPECT_EQ(c.string_at(0), "false");
}

TEST(Column, TruncateRowsDropsTheirValues) {
  Column c("x", ColumnType::kString);
  c.AppendString("a");
  c.AppendNull();
  c.AppendString("bc");
  c.AppendString("d");
  c.TruncateRows(2);
  EXPECT_EQ(c.rows(), 2u);
  ASSERT_EQ(c.value_count(), 1u);
  EXPECT_EQ(c.string_at(0), "a");
  EXPECT_EQ(c.bytes().size(), 1u);
}

TEST(Column, AppendRowsFromCopiesARangeAndWidens) {
  Column src("x", ColumnType::kInt64);
  for (int i = 0; i < 6; ++i) {
    if (i % 2) {
      src.AppendNull();
    } else {
      src.AppendInt(i);
    }
  }
  Column dst("x", ColumnType::kString);
  dst.AppendString("first");
  dst.AppendRowsFrom(src, 2, 5);  // rows 2,3,4: 2, null, 4
  EXPECT_EQ(dst.defined(), (std::vector<std::uint8_t>{1, 1, 0, 1}));
  ASSERT_EQ(dst.value_count(), 3u);
  EXPECT_EQ(dst.string_at(1), "2");
  EXPECT_EQ(dst.string_at(2), "4");
}

}  // namespace
}  // namespace ingot::model
