// Generates narrow log records as NDJSON: six fields and about 100 bytes a record, like terse
// access logs. Per byte, the server's fixed per-record costs weigh most on this shape.
// Deterministic for a seed.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace ingot::workload {

class NarrowLogGenerator {
 public:
  explicit NarrowLogGenerator(std::uint64_t seed = 42) : rng_(seed) {}
  // Appends one record and a newline to `out`.
  void AppendRecord(std::string& out);

  // The timestamp (ms since the epoch) of the last record appended.
  std::int64_t timestamp_ms() const { return timestamp_ms_; }
  void set_timestamp_ms(std::int64_t ms) { timestamp_ms_ = ms; }

 private:
  std::mt19937_64 rng_;
  std::int64_t timestamp_ms_ = 1'700'000'000'000;
};

}  // namespace ingot::workload
