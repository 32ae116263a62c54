// IngestMetrics: what /metrics says about ingestion: records, rejected records, requests and body
// bytes per org, stream and endpoint, and a request latency histogram per endpoint.
//
// Updated once per request (never per record) from I/O and WAL threads. The (org, stream,
// endpoint) table is sharded, a mutex per shard, so concurrent requests rarely meet; the counters
// themselves are atomics.
//
// The table holds at most kMaxStreamSeries series, first come first served; streams beyond that
// are counted together in org="(other)", stream="(other)" per endpoint (a label value no
// sanitized name can take). Otherwise a client creating a stream per request would grow this
// table, and /metrics, without bound (2.4 MB of /metrics at 10,000 streams).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/histogram.h"
#include "common/prometheus_text.h"
#include "protocols/otlp/otlp.h"

namespace ingot::ingest {

enum class Endpoint : std::uint8_t {
  kJson,
  kMulti,
  kBulk,
  kHec,
  kOtlpHttpLogs,  // OTLP/HTTP, then OTLP/gRPC, in protocols::otlp::Signal order
  kOtlpHttpMetrics,
  kOtlpHttpTraces,
  kOtlpGrpcLogs,
  kOtlpGrpcMetrics,
  kOtlpGrpcTraces,
  kInfluxLine,  // InfluxDB line protocol: /write, /api/v2/write, /api/v1/write/line-protocol
  kArcMsgpack,
  kPromRemoteWrite,  // 1.0 and 2.0, both paths
  kLoki,             // Loki push: /loki/api/v1/push, /api/{org}/loki/api/v1/push
  kCount
};
std::string_view EndpointName(Endpoint e);
// The endpoints of OTLP/HTTP and OTLP/gRPC for `signal`.
Endpoint OtlpHttpEndpoint(protocols::otlp::Signal signal);
Endpoint OtlpGrpcEndpoint(protocols::otlp::Signal signal);

class IngestMetrics final : public MetricsSection {
 public:
  static constexpr std::size_t kMaxStreamSeries = 1000;
  static constexpr std::string_view kOther = "(other)";

  IngestMetrics();

  // A request's stored and rejected records for one stream, with its share of the body bytes.
  void Count(Endpoint endpoint, std::string_view org, std::string_view stream,
             std::uint64_t records, std::uint64_t failed, std::uint64_t bytes);
  // Time from the request reaching its handler to its answer.
  void ObserveLatency(Endpoint endpoint, std::uint64_t micros);

  // Appends the Prometheus text of every series.
  void RenderMetrics(std::string& out) const override;

 private:
  struct Counters {
    std::atomic<std::uint64_t> records{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> bytes{0};
  };
  struct Shard {
    mutable std::mutex mu;
    // "<endpoint>\0<org>\0<stream>" -> counters (stable addresses: counted outside the lock).
    std::unordered_map<std::string, std::unique_ptr<Counters>> series;
  };
  static constexpr std::size_t kShards = 16;

  Counters& SeriesFor(Endpoint endpoint, std::string_view org, std::string_view stream);

  std::array<Shard, kShards> shards_;
  std::atomic<std::size_t> series_count_{0};
  // Streams past kMaxStreamSeries, per endpoint.
  std::array<Counters, static_cast<std::size_t>(Endpoint::kCount)> other_;
  std::array<std::unique_ptr<Histogram>, static_cast<std::size_t>(Endpoint::kCount)> latency_;
};

}  // namespace ingot::ingest
