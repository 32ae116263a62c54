#include "workload/line_protocol_generator.h"

#include <fmt/format.h>

#include <iterator>

namespace ingot::workload {

namespace {

constexpr std::uint64_t kHosts = 50;
constexpr const char* kRegions[] = {"us-east-1", "eu-west-1", "ap-southeast-2"};

}  // namespace

CpuPoint LineProtocolGenerator::Next() {
  CpuPoint p;
  timestamp_ms_ += static_cast<std::int64_t>(rng_() % 4);
  const std::uint64_t series = rng_() % (kHosts * std::size(kRegions));
  p.host = static_cast<std::uint32_t>(series % kHosts);
  p.region = kRegions[series / kHosts];
  p.usage_user = static_cast<double>(rng_() % 100'000) / 1000.0;   // [0, 100)
  p.usage_system = static_cast<double>(rng_() % 20'000) / 1000.0;  // [0, 20)
  requests_ += static_cast<std::int64_t>(rng_() % 50);
  p.requests = requests_;
  p.time_ns = timestamp_ms_ * 1'000'000 + static_cast<std::int64_t>(rng_() % 1'000'000);
  return p;
}

void LineProtocolGenerator::AppendRecord(std::string& out) {
  const CpuPoint p = Next();
  out += "cpu,host=";
  AppendHost(p.host, out);
  fmt::format_to(std::back_inserter(out),
                 ",region={} usage_user={:.3f},usage_system={:.3f},requests={}i {}\n", p.region,
                 p.usage_user, p.usage_system, p.requests, p.time_ns);
}

void LineProtocolGenerator::AppendHost(std::uint32_t host, std::string& out) {
  fmt::format_to(std::back_inserter(out), "web-{:02d}.example", host);
}

}  // namespace ingot::workload
