// LoadOptions: what one ingot-load run sends, where, how fast and for how long. main.cc fills it
// from flags (docs/load.md lists them); tests fill it directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ingot::load {

// kOtlpProto / kOtlpJson: OTLP/HTTP logs (/api/{org}/v1/logs, stream in the stream-name header),
// protobuf or JSON, the workload's records as log records (otlp_body.h). kLp: InfluxDB line
// protocol (/write?db={org}), Telegraf-like cpu points (workload::LineProtocolGenerator: one
// measurement, 2 tags, 3 fields) whatever the workload; the measurement is the stream.
// kMsgpackColumnar / kMsgpackRows: Arc MessagePack (/api/v1/write/msgpack, org in
// x-arc-database), the same cpu points (arc_body.h), the stream as the measurement.
// kPromRw: Prometheus remote_write 1.0 (/api/{org}/prometheus/api/v1/write, stream in the
// stream-name header), snappy protobuf, the workload's records as series (prom_rw_body.h). kLoki:
// Loki push in its JSON form (/api/{org}/loki/api/v1/push, stream in the stream-name header), one
// stream labelled job="ingot-load", each workload record's JSON text an entry's line.
enum class Endpoint : std::uint8_t {
  kJson,
  kMulti,
  kBulk,
  kHec,
  kOtlpProto,
  kOtlpJson,
  kLp,
  kMsgpackColumnar,
  kMsgpackRows,
  kPromRw,
  kLoki
};
// Arc MessagePack: the records are arc_body.h's, whatever --workload says.
inline bool IsMsgpack(Endpoint e) {
  return e == Endpoint::kMsgpackColumnar || e == Endpoint::kMsgpackRows;
}
enum class Workload : std::uint8_t { kLogs, kWide, kNarrow, kMetrics };

// "json", "multi", "bulk", "hec", "otlp-*", "lp", "msgpack-columnar", "msgpack-rows", "prom-rw",
// "loki"
Result<Endpoint> ParseEndpoint(std::string_view name);
Result<Workload> ParseWorkload(std::string_view name);  // "logs", "wide", "narrow", "metrics"
std::string_view EndpointName(Endpoint e);
std::string_view WorkloadName(Workload w);

struct LoadOptions {
  std::string url = "http://127.0.0.1:5080";  // http only; a path is a prefix to every request
  Endpoint endpoint = Endpoint::kMulti;
  std::string org = "default";
  std::string stream = "load";
  Workload workload = Workload::kLogs;
  std::uint32_t records_per_request = 1000;
  std::uint32_t connections = 4;
  std::uint32_t threads = 1;  // client threads, each with its own io_context
  // Records per second for the whole run (open loop); 0 = closed loop, every connection sends
  // its next request as soon as the previous one is answered.
  double rate = 0;
  // Measured time after the warmup; zero = no time bound (then a count bound is required).
  std::chrono::nanoseconds duration = std::chrono::seconds(30);
  // Requests in the first `warmup` are sent but left out of every figure of the report.
  std::chrono::nanoseconds warmup = std::chrono::seconds(2);
  std::uint64_t max_requests = 0;  // 0 = no bound; counts warmup requests too
  std::uint64_t max_records = 0;   // 0 = no bound; rounded up to whole requests
  bool gzip = false;
  int gzip_level = 6;
  std::vector<std::string> headers;  // "Name: value", sent with every request
  // Non-empty: every record carries "load_id":"<run_id>-<12 digits>", unique in the run, and the
  // ids of records acknowledged with a 2xx (that reported no rejected record) are appended to
  // this file, one a line, after the answer arrives.
  std::string ack_file;
  std::string run_id;  // empty = 8 random hex digits
  std::uint64_t seed = 42;
  std::uint32_t bodies = 16;            // distinct bodies built before the run, sent round-robin
  std::int64_t start_timestamp_ms = 0;  // clock of the first record; 0 = now
  bool respect_retry_after = true;      // after a 429/503 with Retry-After, the connection waits
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);  // connect, and request to answer
  // A connection that has failed to connect for this long stops; when all have, the run ends.
  std::chrono::nanoseconds give_up_after = std::chrono::seconds(30);
  std::chrono::nanoseconds progress_interval = std::chrono::seconds(1);
};

// Checks the combination of options (a bound exists, counts are positive, run_id characters...).
Status Validate(const LoadOptions& options);

// The parts of --url: http://host[:port][/prefix].
struct Target {
  std::string host;
  std::uint16_t port = 80;
  std::string path_prefix;  // "" or "/prefix" without a trailing slash
  std::string host_header;  // "host" or "host:port", for the Host header
};
Result<Target> ParseUrl(std::string_view url);

}  // namespace ingot::load
