#include "persist/layout.h"

#include <gtest/gtest.h>

#include "model/timestamp.h"

namespace ingot::persist {
namespace {

TEST(Layout, HivePartitionDirectories) {
  const model::StreamKey key{"acme", model::StreamType::kLogs, "app_logs"};
  const std::int64_t hour = model::HourOf(*model::ParseTimestamp("2024-01-02T03:59:59Z"));
  EXPECT_EQ(PartitionDir("/d", key, hour), "/d/files/acme/logs/app_logs/date=2024-01-02/hour=03");
  const model::StreamKey traces{"o", model::StreamType::kTraces, "s"};
  EXPECT_EQ(PartitionDir("data", traces, 0), "data/files/o/traces/s/date=1970-01-01/hour=00");
  EXPECT_EQ(PartitionDir("data", traces, -1), "data/files/o/traces/s/date=1969-12-31/hour=23");
}

TEST(Layout, HourOfFloorsNegativeTimes) {
  EXPECT_EQ(model::HourOf(0), 0);
  EXPECT_EQ(model::HourOf(model::kMicrosPerHour - 1), 0);
  EXPECT_EQ(model::HourOf(-1), -1);
  EXPECT_EQ(model::HourOf(-model::kMicrosPerHour), -1);
}

}  // namespace
}  // namespace ingot::persist
