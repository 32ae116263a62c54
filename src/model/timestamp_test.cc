#include "model/timestamp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ingot::model {
namespace {

constexpr std::int64_t k2023 = 1'700'000'000'000'000;  // 2023-11-14T22:13:20Z in µs

TEST(EpochToMicros, DetectsTheUnitFromTheMagnitude) {
  struct Case {
    std::int64_t in, want;
  };
  const Case cases[] = {
      {1'700'000'000, k2023},              // seconds
      {1'700'000'000'000, k2023},          // milliseconds
      {1'700'000'000'000'000, k2023},      // microseconds
      {1'700'000'000'000'000'000, k2023},  // nanoseconds
      {0, 0},
      {9'999'999'999, 9'999'999'999'000'000},  // largest value read as seconds (year 2286)
      {-1'700'000'000, -k2023},
  };
  for (const auto& c : cases) EXPECT_EQ(EpochToMicros(c.in), c.want) << c.in;
}

TEST(EpochToMicros, KeepsFractionsOfDoubles) {
  EXPECT_EQ(EpochToMicros(1'700'000'000.123456), k2023 + 123456);
  EXPECT_EQ(EpochToMicros(1'700'000'000'000.5), k2023 + 500);
  EXPECT_FALSE(EpochToMicros(std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(EpochToMicros(1e300));
}

TEST(ParseTimestamp, AcceptsRfc3339AndIso8601Forms) {
  struct Case {
    std::string_view in;
    std::int64_t want;
  };
  const Case cases[] = {
      {"2023-11-14T22:13:20Z", k2023},
      {"2023-11-14t22:13:20z", k2023},
      {"2023-11-14 22:13:20Z", k2023},
      {"2023-11-14T22:13:20", k2023},  // no zone: UTC
      {"2023-11-14T22:13:20.5Z", k2023 + 500000},
      {"2023-11-14T22:13:20.123456789Z", k2023 + 123456},  // beyond µs truncated
      {"2023-11-15T00:13:20+02:00", k2023},
      {"2023-11-14T15:13:20-0700", k2023},
      {"2023-11-14T22:13Z", k2023 - 20'000'000},  // seconds optional
      {"2023-11-14", k2023 - (22 * 3600 + 13 * 60 + 20) * 1'000'000LL},
      {"1700000000000", k2023},  // digits: epoch with unit detection
      {"1970-01-01T00:00:00Z", 0},
      {"1969-12-31T23:59:59Z", -1'000'000},
  };
  for (const auto& c : cases) {
    auto got = ParseTimestamp(c.in);
    ASSERT_TRUE(got.has_value()) << c.in;
    EXPECT_EQ(*got, c.want) << c.in;
  }
}

TEST(ParseTimestamp, RejectsWhatIsNotATimestamp) {
  for (std::string_view bad :
       {"", "yesterday", "2023-13-01T00:00:00Z", "2023-11-14T25:00:00Z", "2023-11-14T22:13:20ZZ",
        "2023-11-14X22:13:20", "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20+2", "12ab",
        "2023/11/14"}) {
    EXPECT_FALSE(ParseTimestamp(bad).has_value()) << bad;
  }
}

TEST(EpochToMicros, NeverWrapsWhateverTheInput) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  // Nanoseconds: divided, so every int64 maps into range of int64 with its sign kept.
  EXPECT_EQ(EpochToMicros(kMax), kMax / 1000);
  EXPECT_EQ(EpochToMicros(kMin), kMin / 1000);  // -INT64_MIN would overflow: no UB (UBSan)
  // The largest magnitudes of each unit stay below 1e16 µs.
  EXPECT_EQ(EpochToMicros(-9'999'999'999), -9'999'999'999'000'000);
  EXPECT_EQ(EpochToMicros(9'999'999'999'999), 9'999'999'999'999'000);
  // Doubles: out of int64 is nullopt, not a wrapped value; -9.1e21 (ns) is a finite micros value
  // far outside the storable range (BatchBuilder rejects it).
  EXPECT_FALSE(EpochToMicros(-9.3e22).has_value());
  ASSERT_TRUE(EpochToMicros(-9.1e21).has_value());
  EXPECT_FALSE(InStorableRange(*EpochToMicros(-9.1e21)));
  EXPECT_FALSE(EpochToMicros(std::nan("")).has_value());
}

TEST(ParseTimestamp, DigitsBeyondInt64AreReadAsANumberNotWrapped) {
  // 19 nines: above INT64_MAX. As a JSON number it is a double of nanoseconds (year 2286), and
  // the same text gives the same instant (it used to wrap to 1702).
  const auto v = ParseTimestamp("9999999999999999999");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, *EpochToMicros(9999999999999999999.0));
  EXPECT_EQ(FormatTimestamp(*v).substr(0, 10), "2286-11-20");
  EXPECT_TRUE(InStorableRange(*v));
  const auto neg = ParseTimestamp("-9999999999999999999");
  ASSERT_TRUE(neg.has_value());
  EXPECT_EQ(*neg, -*v);
  EXPECT_EQ(*ParseTimestamp("9223372036854775807"), 9223372036854775807 / 1000);
  EXPECT_EQ(*ParseTimestamp("-9223372036854775808"), *EpochToMicros(-9223372036854775808.0));
  EXPECT_FALSE(ParseTimestamp("99999999999999999999").has_value());  // 20 digits: not epoch text
}

TEST(ParseTimestamp, RejectsDatesAndTimesThatDoNotExist) {
  struct Case {
    std::string_view in;
    bool ok;
  };
  const Case cases[] = {
      {"2024-02-31", false},  // used to be read as 2 March
      {"2024-02-30T00:00:00Z", false},
      {"2024-02-29", true},  // leap year
      {"2023-02-29", false},
      {"1900-02-29", false},  // century, not a leap year
      {"2000-02-29", true},   // 400-year leap year
      {"2024-04-31", false},
      {"2024-04-30", true},
      {"2024-06-31", false},
      {"2024-09-31", false},
      {"2024-11-31", false},
      {"2024-12-31", true},
      {"2024-01-00", false},
      {"2024-00-10", false},
      {"2024-13-01", false},
      {"2024-01-01T24:00:00Z", false},
      {"2024-01-01T23:60:00Z", false},
      {"2024-01-01T23:59:61Z", false},
      {"2024-01-01T00:00:00+24:00", false},
      {"2024-01-01T00:00:00+23:60", false},
      {"2024-01-01T00:00:00+23:59", true},
  };
  for (const auto& c : cases) EXPECT_EQ(ParseTimestamp(c.in).has_value(), c.ok) << c.in;
}

TEST(ParseTimestamp, LeapSecondIsTheNextMinute) {
  EXPECT_EQ(*ParseTimestamp("2016-12-31T23:59:60Z"), *ParseTimestamp("2017-01-01T00:00:00Z"));
  EXPECT_EQ(*ParseTimestamp("2016-12-31T23:59:60.5Z"), *ParseTimestamp("2017-01-01T00:00:00.5Z"));
}

TEST(StorableRange, IsYears0001To9999) {
  EXPECT_EQ(FormatTimestamp(kMinTimestampMicros), "0001-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(kMaxTimestampMicros), "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(*ParseTimestamp("0001-01-01T00:00:00Z"), kMinTimestampMicros);
  EXPECT_EQ(*ParseTimestamp("9999-12-31T23:59:59.999999Z"), kMaxTimestampMicros);
  EXPECT_TRUE(InStorableRange(kMinTimestampMicros));
  EXPECT_TRUE(InStorableRange(kMaxTimestampMicros));
  EXPECT_FALSE(InStorableRange(kMinTimestampMicros - 1));
  EXPECT_FALSE(InStorableRange(kMaxTimestampMicros + 1));
  // Text that parses but lands outside: year 0, and offsets across either end.
  for (std::string_view out : {"0000-12-31T23:59:59Z", "0001-01-01T00:00:00+00:01",
                               "9999-12-31T23:59:59-00:01", "9999-12-31T23:59:60Z"}) {
    const auto v = ParseTimestamp(out);
    ASSERT_TRUE(v.has_value()) << out;
    EXPECT_FALSE(InStorableRange(*v)) << out;
  }
  // Every epoch unit's largest magnitude: seconds and milliseconds up to 1e10 s are in range.
  EXPECT_TRUE(InStorableRange(EpochToMicros(-9'999'999'999)));
  EXPECT_TRUE(InStorableRange(EpochToMicros(std::numeric_limits<std::int64_t>::max())));
}

TEST(FormatTimestamp, IsTheInverseOfParse) {
  EXPECT_EQ(FormatTimestamp(k2023 + 6), "2023-11-14T22:13:20.000006Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(*ParseTimestamp(FormatTimestamp(k2023 + 42)), k2023 + 42);
}

}  // namespace
}  // namespace ingot::model
