#include "wal/sync_mode.h"

#include <charconv>

namespace ingot::wal {

namespace {
constexpr std::string_view kIntervalPrefix = "interval:";
constexpr long kMaxIntervalMs = 60'000;
}  // namespace

std::string SyncMode::ToString() const {
  switch (kind) {
    case Kind::kAlways: return "always";
    case Kind::kNone: return "none";
    case Kind::kInterval: return std::string(kIntervalPrefix) + std::to_string(interval.count());
  }
  return "?";
}

Result<SyncMode> ParseSyncMode(std::string_view text) {
  if (text == "always") return SyncMode::Always();
  if (text == "none") return SyncMode::None();
  if (text.starts_with(kIntervalPrefix)) {
    const std::string_view digits = text.substr(kIntervalPrefix.size());
    long ms = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ms);
    if (ec == std::errc() && end == digits.data() + digits.size() && ms >= 1 &&
        ms <= kMaxIntervalMs) {
      return SyncMode::Interval(std::chrono::milliseconds(ms));
    }
  }
  return Status::InvalidInput("bad WAL sync mode '" + std::string(text) +
                              "': expected always, none or interval:<ms> with 1 <= ms <= 60000");
}

}  // namespace ingot::wal
