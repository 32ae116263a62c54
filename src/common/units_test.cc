#include "common/units.h"

#include <gtest/gtest.h>

namespace ingot {
namespace {

TEST(ParseBytes, UnitsAndErrors) {
  struct Case {
    std::string_view in;
    std::uint64_t want;
  };
  const Case cases[] = {{"1048576", 1048576}, {"64MiB", 64ull << 20}, {"64mib", 64ull << 20},
                        {"1GiB", 1ull << 30}, {"10MB", 10'000'000},   {"512k", 512 * 1024},
                        {" 2 KiB ", 2048},    {"1.5GiB", 3ull << 29}, {"0", 0}};
  for (const auto& c : cases) {
    auto r = ParseBytes(c.in);
    ASSERT_TRUE(r.ok()) << c.in;
    EXPECT_EQ(*r, c.want) << c.in;
  }
  for (std::string_view bad : {"", "MiB", "-1", "12 parsecs", "1e"}) {
    EXPECT_FALSE(ParseBytes(bad).ok()) << bad;
  }
}

TEST(ParseDuration, UnitsAndErrors) {
  struct Case {
    std::string_view in;
    std::int64_t want;
  };
  const Case cases[] = {{"60", 60'000'000},  {"60s", 60'000'000},   {"500ms", 500'000},
                        {"5m", 300'000'000}, {"2h", 7'200'000'000}, {"7d", 604'800'000'000},
                        {"1.5s", 1'500'000}};
  for (const auto& c : cases) {
    auto r = ParseDurationMicros(c.in);
    ASSERT_TRUE(r.ok()) << c.in;
    EXPECT_EQ(*r, c.want) << c.in;
  }
  for (std::string_view bad : {"", "s", "soon", "5 weeks"}) {
    EXPECT_FALSE(ParseDurationMicros(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace ingot
