// Generates realistic log records as NDJSON, shaped like ../shared/tools/gen_logs.py (the dataset
// the baselines were measured on): timestamp (ms), level, message from a template with an id,
// user_id, request_id (32 hex), duration_ms, and a nested metadata object. Deterministic for a
// seed, so benchmarks compare like with like. Used by benchmarks and the load generator.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace ingot::workload {

class LogGenerator {
 public:
  explicit LogGenerator(std::uint64_t seed = 42) : rng_(seed) {}
  // Appends one record and a newline to `out`.
  void AppendRecord(std::string& out);
  // Appends `n` records.
  void AppendRecords(std::size_t n, std::string& out) {
    for (std::size_t i = 0; i < n; ++i) AppendRecord(out);
  }

 private:
  std::mt19937_64 rng_;
  std::int64_t timestamp_ms_ = 1'700'000'000'000;
};

}  // namespace ingot::workload
