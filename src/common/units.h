// Reading human-friendly sizes and durations from flags, environment and config files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ingot {

// "1048576", "64KiB", "64MiB", "1GiB", "10MB" (powers of 1000), "512k" (1024). Case-insensitive.
Result<std::uint64_t> ParseBytes(std::string_view text);
// "500ms", "60s", "5m", "2h", "7d"; a bare number is seconds. Returns microseconds.
Result<std::int64_t> ParseDurationMicros(std::string_view text);

}  // namespace ingot
