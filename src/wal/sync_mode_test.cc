#include "wal/sync_mode.h"

#include <gtest/gtest.h>

namespace ingot::wal {
namespace {

TEST(SyncMode, ParsesTheFlagForms) {
  EXPECT_EQ(ParseSyncMode("always").value(), SyncMode::Always());
  EXPECT_EQ(ParseSyncMode("none").value(), SyncMode::None());
  EXPECT_EQ(ParseSyncMode("interval:50").value(),
            SyncMode::Interval(std::chrono::milliseconds(50)));
  EXPECT_EQ(ParseSyncMode("interval:1").value(), SyncMode::Interval(std::chrono::milliseconds(1)));
  for (const char* mode : {"always", "none", "interval:50"}) {
    EXPECT_EQ(ParseSyncMode(mode)->ToString(), mode);
  }
}

TEST(SyncMode, RejectsAnythingElse) {
  for (const char* bad : {"", "Always", "interval", "interval:", "interval:0", "interval:-5",
                          "interval:5ms", "interval:60001", "interval: 5", "sometimes"}) {
    auto mode = ParseSyncMode(bad);
    EXPECT_FALSE(mode.ok()) << bad;
    if (!mode.ok()) {
      EXPECT_EQ(mode.status().code(), StatusCode::kInvalidInput);
      EXPECT_NE(mode.status().message().find("interval:<ms>"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace ingot::wal
