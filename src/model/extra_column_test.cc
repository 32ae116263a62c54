#include "model/extra_column.h"

#include <gtest/gtest.h>

namespace ingot::model {
namespace {

TEST(MoveColumnsToExtra, MergesIntoExistingExtraAndKeepsOtherColumns) {
  RecordBatch b;
  b.ReserveColumns(4);  // the column references below stay valid while columns are added
  Column& keep = b.column(b.AddColumn("keep", ColumnType::kInt64));
  Column& s = b.column(b.AddColumn("s", ColumnType::kString));
  Column& f = b.column(b.AddColumn("f", ColumnType::kFloat64));
  Column& extra = b.column(b.AddColumn("_extra", ColumnType::kString));
  keep.AppendInt(1);
  s.AppendString("a\"b");
  f.AppendNull();
  extra.AppendString(R"({"old":true})");
  b.CommitRow();
  keep.AppendInt(2);
  s.AppendNull();
  f.AppendDouble(0.5);
  extra.AppendNull();
  b.CommitRow();
  keep.AppendInt(3);
  s.AppendNull();
  f.AppendNull();
  extra.AppendNull();
  b.CommitRow();

  const std::string names[] = {"s", "f"};
  MoveColumnsToExtra(b, names);
  ASSERT_EQ(b.num_columns(), 2u);
  EXPECT_EQ(b.FindColumn("s"), -1);
  EXPECT_EQ(b.column(0).ints(), (std::vector<std::int64_t>{1, 2, 3}));
  const Column& e = b.column(static_cast<std::size_t>(b.FindColumn("_extra")));
  EXPECT_EQ(e.DefinedRows(), (std::vector<std::uint8_t>{1, 1, 0}));
  EXPECT_EQ(e.string_at(0), R"({"old":true,"s":"a\"b"})");
  EXPECT_EQ(e.string_at(1), R"({"f":0.5})");
  EXPECT_EQ(b.num_rows(), 3u);
}

}  // namespace
}  // namespace ingot::model
