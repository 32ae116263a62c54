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
  EXPECT_EQ(c.DefinedRows(), (std::vector<std::uint8_t>{1, 0, 1}));
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
  EXPECT_EQ(dst.DefinedRows(), (std::vector<std::uint8_t>{1, 1, 0, 1}));
  ASSERT_EQ(dst.value_count(), 3u);
  EXPECT_EQ(dst.string_at(1), "2");
  EXPECT_EQ(dst.string_at(2), "4");
}

TEST(Column, StringOffsetsStartAtZeroWhetherOrNotTheColumnHasValues) {
  Column c("x", ColumnType::kString);
  EXPECT_EQ(c.value_count(), 0u);
  EXPECT_EQ(std::vector<std::uint32_t>(c.offsets().begin(), c.offsets().end()),
            (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(c.MemoryBytes(), c.name().capacity());  // nothing allocated before a value
  c.AppendNull();
  c.AppendString("ab");
  c.AppendString("");
  EXPECT_EQ(std::vector<std::uint32_t>(c.offsets().begin(), c.offsets().end()),
            (std::vector<std::uint32_t>{0, 2, 2}));
  c.TruncateRows(1);  // back to no values at all
  EXPECT_EQ(c.value_count(), 0u);
  EXPECT_EQ(c.offsets().size(), 1u);
  c.AppendString("c");
  EXPECT_EQ(c.string_at(0), "c");
  c.Clear();
  EXPECT_EQ(c.value_count(), 0u);
  EXPECT_EQ(c.offsets().size(), 1u);

  // A range without values copied into an empty string column leaves it without values.
  Column nulls("x", ColumnType::kString);
  nulls.AppendNull();
  Column dst("x", ColumnType::kString);
  dst.AppendRowsFrom(nulls, 0, 1);
  EXPECT_EQ(dst.rows(), 1u);
  EXPECT_EQ(dst.value_count(), 0u);
  EXPECT_EQ(dst.offsets().size(), 1u);
}

TEST(Column, KeepsNoDefinitionBytesUntilTheFirstNull) {
  Column c("x", ColumnType::kInt64);
  c.Reserve(100, 0);
  for (int i = 0; i < 3; ++i) c.AppendInt(i);
  EXPECT_TRUE(c.all_defined());
  EXPECT_TRUE(c.definition_bytes().empty());
  EXPECT_EQ(c.rows(), 3u);
  EXPECT_EQ(c.DefinedRows(), (std::vector<std::uint8_t>{1, 1, 1}));
  c.TruncateRows(2);
  EXPECT_EQ(c.rows(), 2u);
  EXPECT_EQ(c.ints(), (std::vector<std::int64_t>{0, 1}));
  c.PadNullsTo(2);  // no rows to add: still without definition bytes
  EXPECT_TRUE(c.all_defined());
  c.PadNullsTo(4);
  EXPECT_FALSE(c.all_defined());
  EXPECT_EQ(c.DefinedRows(), (std::vector<std::uint8_t>{1, 1, 0, 0}));
  EXPECT_FALSE(c.is_defined(3));
  EXPECT_TRUE(c.is_defined(1));
  c.Clear();
  EXPECT_TRUE(c.all_defined());
  c.AppendNull();  // a null as the very first row
  c.AppendInt(5);
  EXPECT_EQ(c.DefinedRows(), (std::vector<std::uint8_t>{0, 1}));
  EXPECT_EQ(c.value_count(), 1u);
}

TEST(Column, AppendRowsFromKeepsOrMakesDefinitionBytesAsNeeded) {
  Column dense("x", ColumnType::kInt64);
  for (int i = 0; i < 4; ++i) dense.AppendInt(i);
  Column sparse("x", ColumnType::kInt64);
  sparse.AppendInt(10);
  sparse.AppendNull();
  sparse.AppendInt(12);

  Column a("x", ColumnType::kInt64);
  a.AppendRowsFrom(dense, 1, 3);
  EXPECT_TRUE(a.all_defined());
  a.AppendRowsFrom(sparse, 2, 3);  // only rows with values: still none needed
  EXPECT_TRUE(a.all_defined());
  EXPECT_EQ(a.ints(), (std::vector<std::int64_t>{1, 2, 12}));
  a.AppendRowsFrom(sparse, 0, 2);
  EXPECT_EQ(a.DefinedRows(), (std::vector<std::uint8_t>{1, 1, 1, 1, 0}));
  a.AppendRowsFrom(dense, 3, 4);  // dense rows after a null: ones are added
  EXPECT_EQ(a.DefinedRows(), (std::vector<std::uint8_t>{1, 1, 1, 1, 0, 1}));
  EXPECT_EQ(a.ints(), (std::vector<std::int64_t>{1, 2, 12, 10, 3}));
  a.AppendRowFrom(sparse, 1, 1);
  a.AppendRowFrom(dense, 0, 0);
  EXPECT_EQ(a.DefinedRows(), (std::vector<std::uint8_t>{1, 1, 1, 1, 0, 1, 0, 1}));
  a.TruncateRows(5);
  EXPECT_EQ(a.ints(), (std::vector<std::int64_t>{1, 2, 12, 10}));
}

}  // namespace
}  // namespace ingot::model
