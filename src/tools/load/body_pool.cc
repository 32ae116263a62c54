#include "tools/load/body_pool.h"

#include <fmt/format.h>
#include <libdeflate.h>
#include <snappy.h>

#include <cstring>
#include <iterator>
#include <memory>
#include <new>

#include "common/json_escape.h"
#include "tools/load/arc_body.h"
#include "tools/load/otlp_body.h"
#include "tools/load/prom_rw_body.h"
#include "tools/load/record_source.h"

namespace ingot::load {

namespace {

void AppendPercentEncoded(std::string_view s, std::string& out) {
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      fmt::format_to(std::back_inserter(out), "%{:02X}", c);
    }
  }
}

std::string_view ContentType(Endpoint e) {
  if (e == Endpoint::kOtlpProto || e == Endpoint::kPromRw) return "application/x-protobuf";
  if (e == Endpoint::kLp) return "text/plain; charset=utf-8";
  if (IsMsgpack(e)) return "application/msgpack";
  return e == Endpoint::kMulti || e == Endpoint::kBulk ? "application/x-ndjson"
                                                       : "application/json";
}

bool IsOtlp(Endpoint e) { return e == Endpoint::kOtlpProto || e == Endpoint::kOtlpJson; }
// Endpoints whose stream is the stream-name header.
bool StreamInHeader(Endpoint e) {
  return IsOtlp(e) || e == Endpoint::kPromRw || e == Endpoint::kLoki;
}

bool HasHeader(const std::vector<std::string>& headers, std::string_view name) {
  for (const std::string& h : headers) {
    if (h.size() <= name.size() || h[name.size()] != ':') continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i) {
      same = (h[i] | 0x20) == (name[i] | 0x20);
    }
    if (same) return true;
  }
  return false;
}

// Appends a record id, "<run_id>-" and kIdDigits zeros that PatchIds overwrites.
void AppendId(const std::string& run_id, Body& body) {
  body.raw += run_id;
  body.raw += '-';
  body.id_offsets.push_back(static_cast<std::uint32_t>(body.raw.size()));
  body.raw.append(kIdDigits, '0');
}

// Appends `record` (one JSON object, no newline), with the id field first when `run_id` is set.
void AppendRecord(std::string_view record, const std::string& run_id, Body& body) {
  if (run_id.empty()) {
    body.raw += record;
    return;
  }
  body.raw += "{\"load_id\":\"";
  AppendId(run_id, body);
  body.raw += "\",";
  body.raw += record.substr(1);
}

// Appends line protocol `point` with a `load_id` tag after its measurement when `run_id` is set.
void AppendPoint(std::string_view point, const std::string& run_id, Body& body) {
  if (run_id.empty()) {
    body.raw += point;
    return;
  }
  const std::size_t measurement_end = point.find_first_of(", ");
  body.raw += point.substr(0, measurement_end);
  body.raw += ",load_id=";
  AppendId(run_id, body);
  body.raw += point.substr(measurement_end);
}

// Appends a Loki entry: ["<ns>", record as a JSON string], with {"load_id":...} as its structured
// metadata when `run_id` is set.
void AppendLokiEntry(std::string_view record, std::int64_t ms, const std::string& run_id,
                     bool comma, Body& body) {
  fmt::format_to(std::back_inserter(body.raw), "{}[\"{}000000\",", comma ? "," : "", ms);
  AppendJsonString(record, body.raw);
  if (!run_id.empty()) {
    body.raw += ",{\"load_id\":\"";
    AppendId(run_id, body);
    body.raw += "\"}";
  }
  body.raw += ']';
}

}  // namespace

std::string RequestPath(const LoadOptions& o, const Target& target) {
  if (o.endpoint == Endpoint::kLp) {
    std::string path = target.path_prefix + "/write?db=";
    AppendPercentEncoded(o.org, path);
    return path;
  }
  if (IsMsgpack(o.endpoint)) return target.path_prefix + "/api/v1/write/msgpack";
  std::string path = target.path_prefix + "/api/";
  AppendPercentEncoded(o.org, path);
  switch (o.endpoint) {
    case Endpoint::kJson:
    case Endpoint::kMulti:
      path += '/';
      AppendPercentEncoded(o.stream, path);
      path += o.endpoint == Endpoint::kJson ? "/_json" : "/_multi";
      break;
    case Endpoint::kBulk: path += "/_bulk"; break;
    case Endpoint::kHec: path += "/_hec"; break;
    case Endpoint::kOtlpProto:
    case Endpoint::kOtlpJson: path += "/v1/logs"; break;
    case Endpoint::kLp: break;  // above
    case Endpoint::kMsgpackColumnar:
    case Endpoint::kMsgpackRows: break;  // returned above
    case Endpoint::kPromRw: path += "/prometheus/api/v1/write"; break;
    case Endpoint::kLoki: path += "/loki/api/v1/push"; break;
  }
  return path;
}

Result<BodyPool> BodyPool::Build(const LoadOptions& o, const Target& target,
                                 std::uint32_t records_per_request, const std::string& run_id) {
  BodyPool pool;
  pool.run_id_ = run_id;
  pool.compression_ = o.endpoint == Endpoint::kPromRw ? Compression::kSnappy
                      : o.gzip                        ? Compression::kGzip
                                                      : Compression::kNone;
  std::size_t count = o.bodies == 0 ? 1 : o.bodies;
  if (!run_id.empty()) count = (count + o.connections - 1) / o.connections * o.connections;

  std::string& prefix = pool.head_prefix_;
  prefix = "POST " + RequestPath(o, target) + " HTTP/1.1\r\nHost: " + target.host_header +
           "\r\nUser-Agent: ingot-load\r\n";
  if (!HasHeader(o.headers, "content-type")) {
    prefix += "Content-Type: ";
    prefix += ContentType(o.endpoint);
    prefix += "\r\n";
  }
  if (StreamInHeader(o.endpoint) && !HasHeader(o.headers, "stream-name")) {
    prefix += "stream-name: " + o.stream + "\r\n";
  }
  if (IsMsgpack(o.endpoint) && !HasHeader(o.headers, "x-arc-database")) {
    prefix += "x-arc-database: " + o.org + "\r\n";
  }
  if (pool.compression_ == Compression::kGzip) prefix += "Content-Encoding: gzip\r\n";
  if (pool.compression_ == Compression::kSnappy) {
    prefix += "Content-Encoding: snappy\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\n";
  }
  for (const std::string& h : o.headers) prefix += h + "\r\n";

  std::string stream_json;
  AppendJsonString(o.stream, stream_json);
  const std::string bulk_action = "{\"create\":{\"_index\":" + stream_json + "}}\n";

  std::unique_ptr<RecordSource> source =
      o.endpoint == Endpoint::kLp ? MakeLineProtocolSource(o.seed, StartTimestampMs(o))
                                  : MakeRecordSource(o.workload, o.seed, StartTimestampMs(o));
  std::unique_ptr<GzipCompressor> gzip;
  if (pool.compression_ == Compression::kGzip && run_id.empty()) {
    gzip = std::make_unique<GzipCompressor>(o.gzip_level);
  }
  std::unique_ptr<PromRwBody> prom_rw;
  if (o.endpoint == Endpoint::kPromRw) prom_rw = std::make_unique<PromRwBody>(run_id);
  std::unique_ptr<OtlpLogsBody> otlp;
  if (IsOtlp(o.endpoint)) {
    otlp = std::make_unique<OtlpLogsBody>(o.endpoint == Endpoint::kOtlpJson, run_id);
  }
  std::unique_ptr<ArcBody> arc;
  if (IsMsgpack(o.endpoint)) {
    arc = std::make_unique<ArcBody>(o.endpoint == Endpoint::kMsgpackColumnar, o.stream, o.seed,
                                    StartTimestampMs(o));
  }
  std::string record;
  std::size_t record_hint = 256;
  pool.bodies_.resize(count);
  try {
    for (Body& body : pool.bodies_) {
      body.records = records_per_request;
      body.raw.reserve(record_hint * records_per_request + 64);
      if (!run_id.empty()) body.id_offsets.reserve(records_per_request);
      if (o.endpoint == Endpoint::kJson) body.raw += '[';
      if (arc != nullptr) arc->Append(records_per_request, body.raw);
      if (o.endpoint == Endpoint::kLoki) {
        body.raw += R"({"streams":[{"stream":{"job":"ingot-load"},"values":[)";
      }
      for (std::uint32_t i = 0; arc == nullptr && i < records_per_request; ++i) {
        record.clear();
        source->Append(record);
        record.pop_back();  // the newline
        switch (o.endpoint) {
          case Endpoint::kJson:
            if (i > 0) body.raw += ',';
            AppendRecord(record, run_id, body);
            break;
          case Endpoint::kMulti:
            AppendRecord(record, run_id, body);
            body.raw += '\n';
            break;
          case Endpoint::kBulk:
            body.raw += bulk_action;
            AppendRecord(record, run_id, body);
            body.raw += '\n';
            break;
          case Endpoint::kHec: {
            const std::int64_t ms = source->timestamp_ms();
            fmt::format_to(std::back_inserter(body.raw),
                           "{{\"time\":{}.{:03d},\"source\":\"ingot-load\",\"sourcetype\":"
                           "\"_json\",\"index\":{},\"event\":",
                           ms / 1000, ms % 1000, stream_json);
            AppendRecord(record, run_id, body);
            body.raw += "}\n";
            break;
          }
          case Endpoint::kOtlpProto:
          case Endpoint::kOtlpJson: INGOT_RETURN_IF_ERROR(otlp->Add(record)); break;
          case Endpoint::kLp:
            AppendPoint(record, run_id, body);
            body.raw += '\n';
            break;
          case Endpoint::kLoki:
            AppendLokiEntry(record, source->timestamp_ms(), run_id, i > 0, body);
            break;
          case Endpoint::kMsgpackColumnar:
          case Endpoint::kMsgpackRows: break;  // the whole body at once, above
          case Endpoint::kPromRw: INGOT_RETURN_IF_ERROR(prom_rw->Add(record)); break;
        }
      }
      if (o.endpoint == Endpoint::kJson) body.raw += ']';
      if (o.endpoint == Endpoint::kLoki) body.raw += "]}]}";
      if (otlp != nullptr) otlp->Finish(body.raw, body.id_offsets);
      if (prom_rw != nullptr) prom_rw->Finish(body.raw, body.id_offsets);
      record_hint = body.raw.size() / records_per_request + 16;
      if (!pool.CompressedPerRequest()) {
        if (gzip != nullptr) gzip->Compress(body.raw, body.compressed);
        if (pool.compression_ == Compression::kSnappy) SnappyCompress(body.raw, body.compressed);
        body.compressed.shrink_to_fit();
        body.head = fmt::format("{}Content-Length: {}\r\n\r\n", prefix, body.wire().size());
      }
    }
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted(
        fmt::format("not enough memory for {} bodies of {} records; lower --bodies or "
                    "--records-per-request",
                    count, records_per_request));
  }
  return pool;
}

std::size_t FirstBody(std::uint32_t connection, std::uint32_t connections, std::size_t bodies) {
  if (connections == 0 || bodies == 0) return 0;
  // connection < 2^32 and bodies (in memory) < 2^32: the product fits.
  return static_cast<std::size_t>(std::uint64_t{connection % connections} * bodies / connections);
}

void PatchIds(Body& body, std::uint64_t first_id) {
  char* raw = body.raw.data();
  std::uint64_t id = first_id;
  for (std::uint32_t offset : body.id_offsets) {
    std::uint64_t v = id++;
    for (int d = kIdDigits - 1; d >= 0; --d) {
      raw[offset + static_cast<std::uint32_t>(d)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  }
}

void AppendIdLines(std::string_view run_id, std::uint64_t first_id, std::uint32_t n,
                   std::string& out) {
  const std::size_t line = run_id.size() + 1 + kIdDigits + 1;
  std::size_t at = out.size();
  out.resize(at + line * n);
  char* p = out.data() + at;
  for (std::uint32_t i = 0; i < n; ++i, p += line) {
    std::memcpy(p, run_id.data(), run_id.size());
    p[run_id.size()] = '-';
    std::uint64_t v = first_id + i;
    char* digits = p + run_id.size() + 1;
    for (int d = kIdDigits - 1; d >= 0; --d) {
      digits[d] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    digits[kIdDigits] = '\n';
  }
}

void SnappyCompress(std::string_view in, std::string& out) {
  out.clear();
  snappy::Compress(in.data(), in.size(), &out);
}

GzipCompressor::GzipCompressor(int level) : c_(libdeflate_alloc_compressor(level)) {
  if (c_ == nullptr) throw std::bad_alloc();
}

GzipCompressor::~GzipCompressor() { libdeflate_free_compressor(c_); }

void GzipCompressor::Compress(std::string_view in, std::string& out) {
  out.resize(libdeflate_gzip_compress_bound(c_, in.size()));
  out.resize(libdeflate_gzip_compress(c_, in.data(), in.size(), out.data(), out.size()));
}

}  // namespace ingot::load
