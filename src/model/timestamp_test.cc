#include "model/timestamp.h"

#include <gtest/gtest.h>

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

TEST(FormatTimestamp, IsTheInverseOfParse) {
  EXPECT_EQ(FormatTimestamp(k2023 + 6), "2023-11-14T22:13:20.000006Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(*ParseTimestamp(FormatTimestamp(k2023 + 42)), k2023 + 42);
}

}  // namespace
}  // namespace ingot::model
