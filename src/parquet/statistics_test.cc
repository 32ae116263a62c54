#include "parquet/statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace ingot::parquet {
namespace {

std::int64_t AsInt(const std::string& s) {
  std::int64_t v;
  EXPECT_EQ(s.size(), 8u);
  std::memcpy(&v, s.data(), 8);
  return v;
}

double AsDouble(const std::string& s) {
  double v;
  EXPECT_EQ(s.size(), 8u);
  std::memcpy(&v, s.data(), 8);
  return v;
}

// offsets/bytes for a list of strings.
struct Strings {
  explicit Strings(const std::vector<std::string>& values) {
    for (const auto& v : values) {
      bytes += v;
      offsets.push_back(static_cast<std::uint32_t>(bytes.size()));
    }
  }
  std::vector<std::uint32_t> offsets{0};
  std::string bytes;
};

TEST(Statistics, Int64UsesSignedOrder) {
  ColumnStatistics s;
  const std::vector<std::int64_t> v = {3, -5, std::numeric_limits<std::int64_t>::max(), 0};
  SetMinMax(v, &s);
  ASSERT_TRUE(s.has_min_max);
  EXPECT_EQ(AsInt(s.min_value), -5);
  EXPECT_EQ(AsInt(s.max_value), std::numeric_limits<std::int64_t>::max());
  EXPECT_TRUE(s.min_exact && s.max_exact);
  EXPECT_FALSE(s.has_nan_count);
}

TEST(Statistics, Int64BitsGiveTheSameOrder) {
  ColumnStatistics s;
  const std::vector<std::uint64_t> bits = {static_cast<std::uint64_t>(-1), 1};
  SetMinMaxOfInt64Bits(bits, &s);
  EXPECT_EQ(AsInt(s.min_value), -1);
  EXPECT_EQ(AsInt(s.max_value), 1);
}

TEST(Statistics, NoValuesNoMinMax) {
  ColumnStatistics s;
  SetMinMax(std::vector<std::int64_t>{}, &s);
  EXPECT_FALSE(s.has_min_max);
  SetMinMaxOfByteArrays(std::vector<std::uint32_t>{0}, nullptr, &s);
  EXPECT_FALSE(s.has_min_max);
}

TEST(Statistics, DoublesSkipNaNAndCountIt) {
  ColumnStatistics s;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> v = {nan, 2.5, -std::numeric_limits<double>::infinity(), nan, 7};
  SetMinMax(v, &s);
  ASSERT_TRUE(s.has_min_max);
  EXPECT_EQ(AsDouble(s.min_value), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(AsDouble(s.max_value), 7);
  ASSERT_TRUE(s.has_nan_count);
  EXPECT_EQ(s.nan_count, 2);
}

TEST(Statistics, AllNaNHasNoMinMax) {
  ColumnStatistics s;
  const std::vector<double> v = {std::nan(""), std::nan("1")};
  SetMinMax(v, &s);
  EXPECT_FALSE(s.has_min_max);
  EXPECT_EQ(s.nan_count, 2);
}

TEST(Statistics, ZeroBoundsAreSignedAsTheSpecificationAsks) {
  ColumnStatistics s;
  SetMinMax(std::vector<double>{0.0, 0.0}, &s);
  EXPECT_TRUE(std::signbit(AsDouble(s.min_value)));   // min zero -> -0.0
  EXPECT_FALSE(std::signbit(AsDouble(s.max_value)));  // max zero -> +0.0
  SetMinMax(std::vector<double>{-0.0, -1.0}, &s);
  EXPECT_EQ(AsDouble(s.min_value), -1.0);
  EXPECT_FALSE(std::signbit(AsDouble(s.max_value)));
}

TEST(Statistics, DoubleBitsMatchDoubles) {
  ColumnStatistics s;
  const std::vector<std::uint64_t> bits = {std::bit_cast<std::uint64_t>(-3.0),
                                           std::bit_cast<std::uint64_t>(std::nan("")),
                                           std::bit_cast<std::uint64_t>(1e300)};
  SetMinMaxOfDoubleBits(bits, &s);
  EXPECT_EQ(AsDouble(s.min_value), -3.0);
  EXPECT_EQ(AsDouble(s.max_value), 1e300);
  EXPECT_EQ(s.nan_count, 1);
}

TEST(Statistics, BooleansOrderFalseBeforeTrue) {
  ColumnStatistics s;
  SetMinMaxOfBooleans(std::vector<std::uint8_t>{1, 1}, &s);
  EXPECT_EQ(s.min_value, std::string(1, '\1'));
  EXPECT_EQ(s.max_value, std::string(1, '\1'));
  SetMinMaxOfBooleans(std::vector<std::uint8_t>{1, 0}, &s);
  EXPECT_EQ(s.min_value, std::string(1, '\0'));
  EXPECT_EQ(s.max_value, std::string(1, '\1'));
}

TEST(Statistics, StringsUseUnsignedBytewiseOrder) {
  ColumnStatistics s;
  // "é" is 0xC3 0xA9: above every ASCII byte when bytes are unsigned, below when signed.
  Strings v({"b", "\xC3\xA9", "a", "", "z"});
  SetMinMaxOfByteArrays(v.offsets, v.bytes.data(), &s);
  EXPECT_EQ(s.min_value, "");
  EXPECT_EQ(s.max_value, "\xC3\xA9");
  EXPECT_TRUE(s.min_exact && s.max_exact);
}

TEST(Statistics, StringOrderAgreesWithByteComparisonOnTrickyValues) {
  // Embedded zeros, prefixes, and ties on the first 8 bytes.
  using std::string_literals::operator""s;
  const std::vector<std::string> tricky = {
      "a\0"s, "a",        "\xFF",      "a\0\0\0\0\0\0\0\x01"s, "a\0\0\0\0\0\0\0"s,
      "ab",   "abcdefgh", "abcdefghi", "abcdefgg\xFF"};
  std::mt19937_64 rng(5);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> values;
    const std::size_t n = 1 + rng() % 12;
    for (std::size_t i = 0; i < n; ++i) {
      if (rng() % 2 == 0) {
        values.push_back(tricky[rng() % tricky.size()]);
      } else {
        std::string v(rng() % 12, '\0');
        static const char kAlphabet[] = {'\0', '\x01', 'a', 'b', 'z', '\x7F', '\x80', '\xFF'};
        for (char& c : v) c = kAlphabet[rng() % 8];
        values.push_back(v);
      }
    }
    Strings v(values);
    ColumnStatistics s;
    SetMinMaxOfByteArrays(v.offsets, v.bytes.data(), &s);
    auto unsigned_less = [](const std::string& a, const std::string& b) {
      return std::lexicographical_compare(
          a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
            return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
          });
    };
    EXPECT_EQ(s.min_value, *std::min_element(values.begin(), values.end(), unsigned_less));
    EXPECT_EQ(s.max_value, *std::max_element(values.begin(), values.end(), unsigned_less));
  }
}

TEST(Statistics, LongStringsAreCutToBounds) {
  ColumnStatistics s;
  const std::string lo = std::string(100, 'a');
  const std::string hi = std::string(70, 'b') + "\xC3\xA9" + std::string(50, 'c');
  Strings v({hi, lo});
  SetMinMaxOfByteArrays(v.offsets, v.bytes.data(), &s);
  EXPECT_EQ(s.min_value, std::string(kMaxStringStatBytes, 'a'));
  EXPECT_FALSE(s.min_exact);
  // Prefix of 64 'b', last one incremented: sorts after every value that starts with 70 'b'.
  EXPECT_EQ(s.max_value, std::string(kMaxStringStatBytes - 1, 'b') + "c");
  EXPECT_FALSE(s.max_exact);
  EXPECT_GT(s.max_value, hi);
  EXPECT_LE(s.min_value, lo);
}

TEST(Statistics, CutsStayOnUtf8Boundaries) {
  ColumnStatistics s;
  // 63 ASCII bytes then a 2-byte character straddling the 64-byte limit.
  const std::string v1 = std::string(63, 'a') + "\xC3\xA9" + "tail";
  Strings v({v1});
  SetMinMaxOfByteArrays(v.offsets, v.bytes.data(), &s);
  EXPECT_EQ(s.min_value, std::string(63, 'a'));
  EXPECT_EQ(s.max_value, std::string(62, 'a') + "b");
}

TEST(Statistics, MaxWithoutAnIncrementableByteStaysExact) {
  ColumnStatistics s;
  const std::string v1(80, '\x7F');
  Strings v({v1});
  SetMinMaxOfByteArrays(v.offsets, v.bytes.data(), &s);
  EXPECT_EQ(s.max_value, v1);
  EXPECT_TRUE(s.max_exact);
}

}  // namespace
}  // namespace ingot::parquet
