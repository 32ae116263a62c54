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

  // The timestamp of the last record appended (before the first: the start, 1'700'000'000'000).
  std::int64_t timestamp_ms() const { return timestamp_ms_; }
  // Moves the clock, e.g. to the current time so that a server with a --max-past window accepts
  // the records. Records are otherwise unchanged; without a call the output is as before.
  void set_timestamp_ms(std::int64_t ms) { timestamp_ms_ = ms; }

 private:
  std::mt19937_64 rng_;
  std::int64_t timestamp_ms_ = 1'700'000'000'000;
};

}  // namespace ingot::workload
