// Generates metric points as NDJSON, one sample a record, in the JSON shape OpenObserve accepts
// for metrics: {"timestamp":ms,"__name__":"http_requests_total","__type__":"counter",
// <labels>...,"value":N}. 600 series (12 metrics x 50 hosts); counters only go up, gauges wander.
// Deterministic for a seed.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ingot::workload {

class MetricGenerator {
 public:
  explicit MetricGenerator(std::uint64_t seed = 42);
  // Appends one point and a newline to `out`.
  void AppendRecord(std::string& out);

  // The timestamp (ms since the epoch) of the last point appended.
  std::int64_t timestamp_ms() const { return timestamp_ms_; }
  void set_timestamp_ms(std::int64_t ms) { timestamp_ms_ = ms; }

 private:
  std::mt19937_64 rng_;
  std::int64_t timestamp_ms_ = 1'700'000'000'000;
  std::vector<double> values_;  // current value of each series
};

}  // namespace ingot::workload
