// Generates wide log records as NDJSON: about 50 fields and 2 KB a record, the shape of an
// application log after a shipper has enriched it (service, HTTP, Kubernetes, host and cloud
// metadata, trace ids; ERROR records add an error object with a stack trace). Nested objects go
// three levels deep (kubernetes.labels.app), so they exercise flattening up to its default depth.
// Deterministic for a seed.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace ingot::workload {

class WideLogGenerator {
 public:
  explicit WideLogGenerator(std::uint64_t seed = 42) : rng_(seed) {}
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
