#include "parquet/dictionary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <string>
#include <vector>

namespace ingot::parquet {
namespace {

TEST(FixedDictionary, IdsAreDenseInFirstSeenOrder) {
  FixedDictionary d;
  EXPECT_EQ(d.Insert(42), 0u);
  EXPECT_EQ(d.Insert(7), 1u);
  EXPECT_EQ(d.Insert(42), 0u);
  EXPECT_EQ(d.Insert(0), 2u);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.plain_bytes(), 24u);
  EXPECT_EQ(std::vector<std::uint64_t>(d.values().begin(), d.values().end()),
            (std::vector<std::uint64_t>{42, 7, 0}));
}

TEST(FixedDictionary, DoublesAreKeyedByBitPattern) {
  FixedDictionary d;
  const auto zero = std::bit_cast<std::uint64_t>(0.0);
  const auto negative_zero = std::bit_cast<std::uint64_t>(-0.0);
  EXPECT_NE(d.Insert(zero), d.Insert(negative_zero));
  EXPECT_EQ(d.size(), 2u);
}

TEST(FixedDictionary, GrowsPastItsInitialTable) {
  FixedDictionary d;
  for (std::uint64_t i = 0; i < 100000; ++i) ASSERT_EQ(d.Insert(i * 0x9E3779B97F4A7C15ull), i);
  for (std::uint64_t i = 0; i < 100000; ++i) ASSERT_EQ(d.Insert(i * 0x9E3779B97F4A7C15ull), i);
  EXPECT_EQ(d.size(), 100000u);
}

TEST(FixedDictionary, ClearForgetsEverything) {
  FixedDictionary d;
  for (std::uint64_t i = 0; i < 5000; ++i) d.Insert(i);
  d.Clear();
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(d.Insert(4999), 0u);
  EXPECT_EQ(d.Insert(1), 1u);
}

TEST(ByteArrayDictionary, StoresValuesOnceInFirstSeenOrder) {
  ByteArrayDictionary d;
  EXPECT_EQ(d.Insert("INFO"), 0u);
  EXPECT_EQ(d.Insert(""), 1u);
  EXPECT_EQ(d.Insert("INFO"), 0u);
  EXPECT_EQ(d.Insert("INF"), 2u);  // a prefix is another value
  EXPECT_EQ(d.Insert(""), 1u);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d.value(0), "INFO");
  EXPECT_EQ(d.value(1), "");
  EXPECT_EQ(d.value(2), "INF");
  EXPECT_EQ(d.plain_bytes(), 3 * 4 + 7u);
}

TEST(ByteArrayDictionary, ValuesDifferingAnywhereAreDistinct) {
  // Lengths around the word-compare cut-offs (4, 8, 16), differing in the first, a middle or the
  // last byte.
  ByteArrayDictionary d;
  std::vector<std::string> values;
  for (std::size_t n = 1; n <= 20; ++n) {
    const std::string base(n, 'x');
    values.push_back(base);
    for (std::size_t at : {std::size_t{0}, n / 2, n - 1}) {
      std::string v = base;
      v[at] = 'y';
      values.push_back(v);
    }
  }
  std::vector<std::uint32_t> ids;
  for (const auto& v : values) ids.push_back(d.Insert(v));
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(d.Insert(values[i]), ids[i]) << values[i];
    EXPECT_EQ(d.value(ids[i]), values[i]);
  }
  std::vector<std::string> distinct(values);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  EXPECT_EQ(d.size(), distinct.size());
}

TEST(ByteArrayDictionary, ManyValuesAndClear) {
  ByteArrayDictionary d;
  for (int round = 0; round < 2; ++round) {
    d.Clear();
    for (int i = 0; i < 50000; ++i)
      ASSERT_EQ(d.Insert("host-" + std::to_string(i)), std::uint32_t(i));
    for (int i = 0; i < 50000; ++i)
      ASSERT_EQ(d.Insert("host-" + std::to_string(i)), std::uint32_t(i));
    EXPECT_EQ(d.value(12345), "host-12345");
  }
}

}  // namespace
}  // namespace ingot::parquet
