// Generates InfluxDB line protocol points: one measurement (`cpu`), 2 tags (host, region) and 3
// fields (usage_user and usage_system floats, requests an integer), nanosecond timestamps, as
// Telegraf's cpu input sends them. 150 series (50 hosts x 3 regions). Deterministic for a seed.
// Next() gives the same points as values, for other encodings (ingot-load's Arc MessagePack).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace ingot::workload {

// One point: tag host is "web-NN.example" (NN = `host`, two digits), tag region is `region`.
struct CpuPoint {
  std::uint32_t host = 0;
  std::string_view region;
  double usage_user = 0, usage_system = 0;
  std::int64_t requests = 0;
  std::int64_t time_ns = 0;
};

class LineProtocolGenerator {
 public:
  explicit LineProtocolGenerator(std::uint64_t seed = 42) : rng_(seed) {}
  // The next point.
  CpuPoint Next();
  // Appends the next point, as line protocol, and a newline to `out`.
  void AppendRecord(std::string& out);
  // Appends the host tag's value of `host` ("web-07.example").
  static void AppendHost(std::uint32_t host, std::string& out);

  // The timestamp (ms since the epoch) of the last point appended.
  std::int64_t timestamp_ms() const { return timestamp_ms_; }
  void set_timestamp_ms(std::int64_t ms) { timestamp_ms_ = ms; }

 private:
  std::mt19937_64 rng_;
  std::int64_t timestamp_ms_ = 1'700'000'000'000;
  std::int64_t requests_ = 0;
};

}  // namespace ingot::workload
