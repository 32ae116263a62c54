#include "persist/file_name.h"

#include <gtest/gtest.h>

namespace ingot::persist {
namespace {

TEST(ParquetFileName, FormatsAndParsesEveryPart) {
  ParquetFileName name{1700000000000000, true, 3, 9, "17", "ingest-1.example"};
  const std::string text = name.Format();
  EXPECT_EQ(text, "1700000000000000_w3-9_17_ingest-1.example.parquet");
  ParquetFileName parsed;
  ASSERT_TRUE(ParquetFileName::Parse(text, parsed));
  EXPECT_EQ(parsed.created_us, 1700000000000000);
  EXPECT_TRUE(parsed.has_wal_range);
  EXPECT_EQ(parsed.wal_min, 3u);
  EXPECT_EQ(parsed.wal_max, 9u);
  EXPECT_EQ(parsed.unique, "17");
  EXPECT_EQ(parsed.node, "ingest-1.example");
}

TEST(ParquetFileName, OptionalPartsMayBeAbsent) {
  ParquetFileName parsed;
  ASSERT_TRUE(ParquetFileName::Parse("1700000000000000_4.parquet", parsed));  // before node ids
  EXPECT_FALSE(parsed.has_wal_range);
  EXPECT_EQ(parsed.unique, "4");
  EXPECT_EQ(parsed.node, "");
  ASSERT_TRUE(ParquetFileName::Parse("1_w1-2_c0123456789abcdef.parquet", parsed));
  EXPECT_EQ(parsed.unique, "c0123456789abcdef");
  ParquetFileName bare{5, false, 0, 0, "c00ff", "n1"};
  EXPECT_EQ(bare.Format(), "5_c00ff_n1.parquet");
}

TEST(ParquetFileName, RejectsWhatIngotDidNotWrite) {
  ParquetFileName parsed;
  for (const char* name :
       {"", ".parquet", "x.parquet", "1.parquet", "1_w5-3_1.parquet", "1_w-3_1.parquet",
        "1_wa-3_1.parquet", "1_1_bad_node.parquet", "1_1_.parquet", "1_w1-2_1_n1.csv",
        "1_UPPER.parquet", ".1_1.parquet.tmp", "01_1.parquet"}) {
    EXPECT_FALSE(ParquetFileName::Parse(name, parsed)) << name;
  }
}

TEST(NodeId, HostNameCharactersOnly) {
  EXPECT_TRUE(IsValidNodeId("ingest-1"));
  EXPECT_TRUE(IsValidNodeId("a.b.c"));
  EXPECT_FALSE(IsValidNodeId(""));
  EXPECT_FALSE(IsValidNodeId("-x"));
  EXPECT_FALSE(IsValidNodeId(".x"));
  EXPECT_FALSE(IsValidNodeId("a_b"));
  EXPECT_FALSE(IsValidNodeId("a/b"));
  EXPECT_FALSE(IsValidNodeId(std::string(64, 'a')));
  EXPECT_TRUE(IsValidNodeId(DefaultNodeId()));
}

}  // namespace
}  // namespace ingot::persist
