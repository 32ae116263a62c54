#include "workload/narrow_log_generator.h"

#include <fmt/format.h>

#include <iterator>

namespace ingot::workload {

namespace {

constexpr const char* kLevels[] = {"INFO", "WARN", "ERROR", "DEBUG"};
constexpr const char* kPaths[] = {"/api/items", "/api/cart", "/login", "/health", "/api/search"};
constexpr int kStatuses[] = {200, 200, 200, 201, 304, 404, 500};

}  // namespace

void NarrowLogGenerator::AppendRecord(std::string& out) {
  timestamp_ms_ += static_cast<std::int64_t>(rng_() % 4);
  const std::uint64_t level_roll = rng_() % 100;
  const char* level = level_roll < 70   ? kLevels[0]
                      : level_roll < 85 ? kLevels[1]
                      : level_roll < 90 ? kLevels[2]
                                        : kLevels[3];
  fmt::format_to(std::back_inserter(out),
                 "{{\"timestamp\":{},\"level\":\"{}\",\"host\":\"web-{:02d}\",\"msg\":\"GET {}\","
                 "\"status\":{},\"latency_us\":{}}}\n",
                 timestamp_ms_, level, rng_() % 50, kPaths[rng_() % std::size(kPaths)],
                 kStatuses[rng_() % std::size(kStatuses)], rng_() % 100'000);
}

}  // namespace ingot::workload
