// Where records go: an org's stream of one signal type. Names are already sanitized
// (model::SanitizeStreamName), so they are safe as directory names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ingot::model {

enum class StreamType : std::uint8_t { kLogs = 0, kMetrics = 1, kTraces = 2 };

constexpr std::string_view StreamTypeName(StreamType t) {
  switch (t) {
    case StreamType::kLogs: return "logs";
    case StreamType::kMetrics: return "metrics";
    case StreamType::kTraces: return "traces";
  }
  return "logs";
}

struct StreamKey {
  std::string org;
  StreamType type = StreamType::kLogs;
  std::string stream;

  bool operator==(const StreamKey&) const = default;
};

// Microseconds per hour: partitions are (stream, hour since the epoch).
inline constexpr std::int64_t kMicrosPerHour = 3'600'000'000LL;

// Hour since the epoch of a `_timestamp` (floor, also for times before 1970).
constexpr std::int64_t HourOf(std::int64_t micros) {
  return micros >= 0 ? micros / kMicrosPerHour : -((-micros + kMicrosPerHour - 1) / kMicrosPerHour);
}

}  // namespace ingot::model
