#include "workload/log_generator.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>

namespace ingot::workload {

namespace {

constexpr const char* kTemplates[] = {
    "User login successful for account",
    "Request processed by upstream service",
    "Database query exceeded soft latency threshold",
    "Cache miss while resolving session token",
    "Payment authorization declined by provider",
};
constexpr const char* kRegions[] = {"us-east-1", "eu-west-1", "ap-southeast-2"};

const char* Level(std::uint64_t r) {
  // Weights 70/15/5/10 as in gen_logs.py.
  const std::uint64_t p = r % 100;
  if (p < 70) return "INFO";
  if (p < 85) return "WARN";
  if (p < 90) return "ERROR";
  return "DEBUG";
}

}  // namespace

void LogGenerator::AppendRecord(std::string& out) {
  timestamp_ms_ += static_cast<std::int64_t>(rng_() % 4);
  const std::uint64_t hi = rng_();
  const std::uint64_t lo = rng_();
  std::exponential_distribution<double> duration(1 / 120.0);
  char buf[512];
  const int n = std::snprintf(
      buf, sizeof buf,
      "{\"timestamp\":%" PRId64 ",\"level\":\"%s\",\"message\":\"%s id=%" PRIu64
      "\",\"user_id\":%" PRIu64 ",\"request_id\":\"%016" PRIx64 "%016" PRIx64
      "\",\"duration_ms\":%d,\"metadata\":{\"host\":\"web-%02d.example\",\"region\":\"%s\","
      "\"version\":\"1.2.3\"}}\n",
      timestamp_ms_, Level(rng_()), kTemplates[rng_() % 5], rng_() % 10'000'001,
      rng_() % 1'000'000 + 1, hi, lo, static_cast<int>(duration(rng_)),
      static_cast<int>(rng_() % 50), kRegions[rng_() % 3]);
  out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace ingot::workload
