#include "ingest/ingest_metrics.h"

#include <algorithm>
#include <functional>
#include <vector>

namespace ingot::ingest {

namespace {

// Request latency buckets, in microseconds: 0.25 ms to 5 s.
constexpr std::array<std::uint64_t, 14> kLatencyMicrosBounds = {
    250,    500,     1'000,   2'500,   5'000,     10'000,    25'000,
    50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000, 5'000'000};

}  // namespace

std::string_view EndpointName(Endpoint e) {
  switch (e) {
    case Endpoint::kJson: return "_json";
    case Endpoint::kMulti: return "_multi";
    case Endpoint::kBulk: return "_bulk";
    case Endpoint::kHec: return "hec";
    case Endpoint::kOtlpHttpLogs: return "otlp_http_logs";
    case Endpoint::kOtlpHttpMetrics: return "otlp_http_metrics";
    case Endpoint::kOtlpHttpTraces: return "otlp_http_traces";
    case Endpoint::kOtlpGrpcLogs: return "otlp_grpc_logs";
    case Endpoint::kOtlpGrpcMetrics: return "otlp_grpc_metrics";
    case Endpoint::kOtlpGrpcTraces: return "otlp_grpc_traces";
    case Endpoint::kInfluxLine: return "influx_line";
    case Endpoint::kArcMsgpack: return "arc_msgpack";
    case Endpoint::kPromRemoteWrite: return "prom_remote_write";
    case Endpoint::kLoki: return "loki";
    case Endpoint::kCount: break;
  }
  return "?";
}

Endpoint OtlpHttpEndpoint(protocols::otlp::Signal signal) {
  return static_cast<Endpoint>(static_cast<int>(Endpoint::kOtlpHttpLogs) +
                               static_cast<int>(signal));
}

Endpoint OtlpGrpcEndpoint(protocols::otlp::Signal signal) {
  return static_cast<Endpoint>(static_cast<int>(Endpoint::kOtlpGrpcLogs) +
                               static_cast<int>(signal));
}

IngestMetrics::IngestMetrics() {
  for (auto& h : latency_) h = std::make_unique<Histogram>(kLatencyMicrosBounds);
}

IngestMetrics::Counters& IngestMetrics::SeriesFor(Endpoint endpoint, std::string_view org,
                                                  std::string_view stream) {
  thread_local std::string key;
  key.clear();
  key.push_back(static_cast<char>('0' + static_cast<int>(endpoint)));
  key.push_back('\0');
  key += org;
  key.push_back('\0');
  key += stream;
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  std::lock_guard lock(shard.mu);
  if (auto it = shard.series.find(key); it != shard.series.end()) return *it->second;
  if (series_count_.fetch_add(1, std::memory_order_relaxed) >= kMaxStreamSeries) {
    series_count_.fetch_sub(1, std::memory_order_relaxed);
    return other_[static_cast<std::size_t>(endpoint)];
  }
  auto& counters = shard.series[key];
  counters = std::make_unique<Counters>();
  return *counters;
}

void IngestMetrics::Count(Endpoint endpoint, std::string_view org, std::string_view stream,
                          std::uint64_t records, std::uint64_t failed, std::uint64_t bytes) {
  Counters& c = SeriesFor(endpoint, org, stream);
  c.records.fetch_add(records, std::memory_order_relaxed);
  c.failed.fetch_add(failed, std::memory_order_relaxed);
  c.bytes.fetch_add(bytes, std::memory_order_relaxed);
}

void IngestMetrics::ObserveLatency(Endpoint endpoint, std::uint64_t micros) {
  latency_[static_cast<std::size_t>(endpoint)]->Record(micros);
}

void IngestMetrics::RenderMetrics(std::string& out) const {
  struct Family {
    const char* name;
    const char* help;
    std::atomic<std::uint64_t> Counters::*field;
  };
  static constexpr Family kFamilies[] = {
      {"ingot_ingested_records_total", "Records stored, by org, stream and endpoint.",
       &Counters::records},
      {"ingot_rejected_records_total",
       "Records rejected one by one (bad _timestamp, too many fields, too long), by org, stream "
       "and endpoint.",
       &Counters::failed},
      {"ingot_ingested_bytes_total",
       "Request body bytes (decoded), by org, stream and endpoint; a body feeding several "
       "streams is split by their record counts.",
       &Counters::bytes},
  };
  // The series in label order (org, stream, endpoint), not in the shards' hash order, so that
  // /metrics lists them the same way whatever order the requests came in. Series are never
  // removed, so their counters outlive the shard locks.
  struct Row {
    std::string labels;
    const Counters* counters;
  };
  std::vector<Row> rows;
  rows.reserve(series_count_.load(std::memory_order_relaxed));
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    for (const auto& [key, counters] : shard.series) {
      const std::size_t a = key.find('\0');
      const std::size_t b = key.find('\0', a + 1);
      rows.push_back(
          {prometheus::Label("org", std::string_view(key).substr(a + 1, b - a - 1)) + "," +
               prometheus::Label("stream", std::string_view(key).substr(b + 1)) + "," +
               prometheus::Label("endpoint", EndpointName(static_cast<Endpoint>(key[0] - '0'))),
           counters.get()});
    }
  }
  std::sort(rows.begin(), rows.end(),
            [](const Row& x, const Row& y) { return x.labels < y.labels; });
  for (const Family& family : kFamilies) {
    prometheus::Help(out, family.name, "counter", family.help);
    for (const Row& row : rows) {
      prometheus::Sample(out, family.name, row.labels,
                         static_cast<double>((row.counters->*family.field).load()));
    }
    for (std::size_t e = 0; e < other_.size(); ++e) {
      const std::uint64_t records = other_[e].records.load() + other_[e].failed.load();
      if (records == 0) continue;
      prometheus::Sample(out, family.name,
                         prometheus::Label("org", kOther) + "," +
                             prometheus::Label("stream", kOther) + "," +
                             prometheus::Label("endpoint", EndpointName(static_cast<Endpoint>(e))),
                         static_cast<double>((other_[e].*family.field).load()));
    }
  }
  prometheus::Help(out, "ingot_request_duration_seconds", "histogram",
                   "Time from a request reaching its handler to its answer (decode, WAL, "
                   "memtable), by endpoint.");
  for (std::size_t e = 0; e < latency_.size(); ++e) {
    prometheus::HistogramSamples(
        out, "ingot_request_duration_seconds",
        prometheus::Label("endpoint", EndpointName(static_cast<Endpoint>(e))), *latency_[e], 1e-6);
  }
}

}  // namespace ingot::ingest
