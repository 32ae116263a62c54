#include "wal/seq_ranges.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

namespace ingot::wal {
namespace {

TEST(SeqRanges, InOrderAddsMergeIntoRanges) {
  SeqRanges s;
  for (std::uint64_t v : {3, 4, 5, 5, 7, 8, 20}) s.Add(v);
  EXPECT_EQ(s.ToString(), "3-5,7-8,20");
  EXPECT_TRUE(s.Contains(4));
  EXPECT_FALSE(s.Contains(6));
  EXPECT_TRUE(s.Contains(20));
  EXPECT_FALSE(s.Contains(21));
  EXPECT_EQ(s.min(), 3u);
  EXPECT_EQ(s.max(), 20u);
}

TEST(SeqRanges, OutOfOrderAddsMatchASet) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    SeqRanges s;
    std::set<std::uint64_t> want;
    for (int i = 0; i < 40; ++i) {
      const std::uint64_t v = rng() % 60;
      s.Add(v);
      want.insert(v);
    }
    for (std::uint64_t v = 0; v < 62; ++v) ASSERT_EQ(s.Contains(v), want.count(v) == 1) << v;
    for (std::size_t i = 1; i < s.ranges().size(); ++i) {
      ASSERT_GT(s.ranges()[i].first, s.ranges()[i - 1].second + 1) << s.ToString();
    }
  }
}

TEST(SeqRanges, TextRoundTripAndErrors) {
  SeqRanges s;
  for (std::uint64_t v : {1, 2, 3, 10, 12, 13}) s.Add(v);
  auto parsed = SeqRanges::Parse(s.ToString());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, s);
  EXPECT_TRUE(SeqRanges::Parse("").ok());
  for (std::string_view bad : {"x", "3-1", "5,4", "1,,2", "1-", "2,1-3"}) {
    EXPECT_FALSE(SeqRanges::Parse(bad).ok()) << bad;
  }
}

TEST(SeqRanges, AddAndRemoveSetsMatchASet) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    SeqRanges a, b;
    std::set<std::uint64_t> sa, sb;
    for (int i = 0; i < 30; ++i) {
      const std::uint64_t x = rng() % 50, y = rng() % 50;
      a.Add(x);
      sa.insert(x);
      b.Add(y);
      sb.insert(y);
    }
    SeqRanges sum = a;
    sum.Add(b);
    SeqRanges diff = a;
    diff.Remove(b);
    for (std::uint64_t v = 0; v < 52; ++v) {
      ASSERT_EQ(sum.Contains(v), sa.count(v) + sb.count(v) > 0) << v;
      ASSERT_EQ(diff.Contains(v), sa.count(v) == 1 && sb.count(v) == 0)
          << v << " " << diff.ToString();
    }
  }
}

}  // namespace
}  // namespace ingot::wal
