#include "workload/metric_generator.h"

#include <fmt/format.h>

#include <iterator>

namespace ingot::workload {

namespace {

struct Metric {
  const char* name;
  bool counter;
  double start;  // first value of each series
  double step;   // largest increment (counter) or move (gauge) per point
};
constexpr Metric kMetrics[] = {
    {"http_requests_total", true, 1e6, 50},
    {"http_request_errors_total", true, 1e3, 2},
    {"http_request_duration_seconds_sum", true, 5e4, 5},
    {"process_cpu_seconds_total", true, 1e5, 1},
    {"node_network_receive_bytes_total", true, 1e10, 1e6},
    {"node_network_transmit_bytes_total", true, 1e10, 1e6},
    {"process_resident_memory_bytes", false, 5e8, 1e6},
    {"go_goroutines", false, 200, 5},
    {"node_load1", false, 1, 0.1},
    {"node_filesystem_avail_bytes", false, 1e11, 1e7},
    {"jvm_threads_live", false, 80, 2},
    {"queue_depth", false, 100, 10},
};
constexpr std::size_t kHosts = 50;
constexpr const char* kRegions[] = {"us-east-1", "eu-west-1", "ap-southeast-2"};
constexpr const char* kJobs[] = {"api", "node", "worker"};

}  // namespace

MetricGenerator::MetricGenerator(std::uint64_t seed) : rng_(seed) {
  values_.reserve(std::size(kMetrics) * kHosts);
  for (const Metric& m : kMetrics) {
    for (std::size_t h = 0; h < kHosts; ++h) values_.push_back(m.start * (1 + 0.01 * h));
  }
}

void MetricGenerator::AppendRecord(std::string& out) {
  timestamp_ms_ += static_cast<std::int64_t>(rng_() % 4);
  const std::size_t series = rng_() % values_.size();
  const Metric& m = kMetrics[series / kHosts];
  const std::size_t host = series % kHosts;
  const double unit = static_cast<double>(rng_() % 1001) / 1000.0;  // [0, 1]
  double& value = values_[series];
  value += m.counter ? unit * m.step : (unit - 0.5) * 2 * m.step;
  if (value < 0) value = 0;
  fmt::format_to(std::back_inserter(out),
                 "{{\"timestamp\":{},\"__name__\":\"{}\",\"__type__\":\"{}\",\"host\":"
                 "\"web-{:02d}.example\",\"region\":\"{}\",\"job\":\"{}\",\"instance\":"
                 "\"10.0.{}.{}:9100\",\"value\":{:.3f}}}\n",
                 timestamp_ms_, m.name, m.counter ? "counter" : "gauge", host,
                 kRegions[host % std::size(kRegions)], kJobs[host % std::size(kJobs)], host / 10,
                 host, value);
}

}  // namespace ingot::workload
