// RecordSource: the records of a run, one after another, from the workload generator the options
// name (src/workload), seeded and started at the options' clock. BodyPool fills bodies from it and
// DumpNdjson writes the same sequence to a file, so a baseline can convert exactly the records a
// run sends.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tools/load/load_options.h"

namespace ingot::load {

class RecordSource {
 public:
  virtual ~RecordSource() = default;
  virtual void Append(std::string& out) = 0;  // one record and a newline
  virtual std::int64_t timestamp_ms() const = 0;
};

// A source for `workload`, seeded with `seed`, whose first record is stamped `start_ms`.
std::unique_ptr<RecordSource> MakeRecordSource(Workload workload, std::uint64_t seed,
                                               std::int64_t start_ms);

// Line protocol points (workload::LineProtocolGenerator) for `--endpoint lp`, as above.
std::unique_ptr<RecordSource> MakeLineProtocolSource(std::uint64_t seed, std::int64_t start_ms);

// The clock of a run's first record: options.start_timestamp_ms, or now when it is 0.
std::int64_t StartTimestampMs(const LoadOptions& options);

}  // namespace ingot::load
