#include "tools/load/record_source.h"

#include <chrono>

#include "workload/line_protocol_generator.h"
#include "workload/log_generator.h"
#include "workload/metric_generator.h"
#include "workload/narrow_log_generator.h"
#include "workload/wide_log_generator.h"

namespace ingot::load {

namespace {

// The workload generators share no base class (LogGenerator's layout is relied on elsewhere), so
// the pool reaches them through this one.
template <typename Generator>
class SourceOf final : public RecordSource {
 public:
  SourceOf(std::uint64_t seed, std::int64_t start_ms) : gen_(seed) {
    gen_.set_timestamp_ms(start_ms);
  }
  void Append(std::string& out) override { gen_.AppendRecord(out); }
  std::int64_t timestamp_ms() const override { return gen_.timestamp_ms(); }

 private:
  Generator gen_;
};

}  // namespace

std::unique_ptr<RecordSource> MakeRecordSource(Workload w, std::uint64_t seed,
                                               std::int64_t start_ms) {
  switch (w) {
    case Workload::kLogs: return std::make_unique<SourceOf<workload::LogGenerator>>(seed, start_ms);
    case Workload::kWide:
      return std::make_unique<SourceOf<workload::WideLogGenerator>>(seed, start_ms);
    case Workload::kNarrow:
      return std::make_unique<SourceOf<workload::NarrowLogGenerator>>(seed, start_ms);
    case Workload::kMetrics:
      return std::make_unique<SourceOf<workload::MetricGenerator>>(seed, start_ms);
  }
  return nullptr;
}

std::unique_ptr<RecordSource> MakeLineProtocolSource(std::uint64_t seed, std::int64_t start_ms) {
  return std::make_unique<SourceOf<workload::LineProtocolGenerator>>(seed, start_ms);
}

std::int64_t StartTimestampMs(const LoadOptions& options) {
  if (options.start_timestamp_ms != 0) return options.start_timestamp_ms;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ingot::load
