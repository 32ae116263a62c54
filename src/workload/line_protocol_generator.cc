#include "workload/line_protocol_generator.h"

#include <fmt/format.h>

#include <iterator>

namespace ingot::workload {

namespace {

constexpr std::uint64_t kHosts = 50;
constexpr const char* kRegions[] = {"us-east-1", "eu-west-1", "ap-southeast-2"};

}  // namespace

void LineProtocolGenerator::AppendRecord(std::string& out) {
  timestamp_ms_ += static_cast<std::int64_t>(rng_() % 4);
  const std::uint64_t series = rng_() % (kHosts * std::size(kRegions));
  const double user = static_cast<double>(rng_() % 100'000) / 1000.0;   // [0, 100)
  const double system = static_cast<double>(rng_() % 20'000) / 1000.0;  // [0, 20)
  requests_ += static_cast<std::int64_t>(rng_() % 50);
  fmt::format_to(std::back_inserter(out),
                 "cpu,host=web-{:02d}.example,region={} usage_user={:.3f},usage_system={:.3f},"
                 "requests={}i {}{:06d}\n",
                 series % kHosts, kRegions[series / kHosts], user, system, requests_, timestamp_ms_,
                 static_cast<int>(rng_() % 1'000'000));
}

}  // namespace ingot::workload
