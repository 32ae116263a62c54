#include "protocols/registry.h"

#include <limits>

#include "protocols/json/multi.h"
#include "protocols/msgpack/arc.h"

namespace ingot::protocols {

namespace {

using otlp::Encoding;
using otlp::Signal;

// The whole body is one document simdjson indexes.
constexpr std::uint64_t kWholeBody = std::numeric_limits<std::uint64_t>::max();

constexpr std::array<std::string_view, 2> kProtobufTypes = {"application/x-protobuf",
                                                            "application/protobuf"};
constexpr std::array<std::string_view, 2> kJsonTypes = {"application/json", {}};
constexpr std::array<std::string_view, 2> kLokiProtobufTypes = {"application/x-protobuf", {}};

Status DecodeJsonArray(std::string_view body, std::string_view stream, std::uint8_t,
                       Decoded& decoded, DecodeOutcome&) {
  return json::DecodeJsonArray(body, decoded.Stream(stream));
}

Status DecodeNdjson(std::string_view body, std::string_view stream, std::uint8_t, Decoded& decoded,
                    DecodeOutcome&) {
  return json::DecodeNdjson(body, decoded.Stream(stream));
}

Status DecodeBulk(std::string_view body, std::string_view stream, std::uint8_t, Decoded& decoded,
                  DecodeOutcome& outcome) {
  return json::DecodeBulk(body, stream, decoded, outcome.bulk_items);
}

Status DecodeHec(std::string_view body, std::string_view stream, std::uint8_t, Decoded& decoded,
                 DecodeOutcome& outcome) {
  outcome.hec = json::DecodeHec(body, stream, decoded);
  return outcome.hec.ok() ? Status::Ok() : Status::InvalidInput(outcome.hec.text);
}

Status DecodeArcMsgpack(std::string_view body, std::string_view, std::uint8_t, Decoded& decoded,
                        DecodeOutcome&) {
  return msgpack::DecodeArc(body, decoded);
}

template <Signal kSignal, Encoding kEncoding>
Status DecodeOtlp(std::string_view body, std::string_view stream, std::uint8_t, Decoded& decoded,
                  DecodeOutcome& outcome) {
  if constexpr (kEncoding == Encoding::kProtobuf) {
    return otlp::DecodeProtobuf(kSignal, body, decoded.Stream(stream), outcome.otlp);
  } else {
    return otlp::DecodeJson(kSignal, body, decoded.Stream(stream), outcome.otlp);
  }
}

template <prometheus::Version kVersion>
Status DecodePromRemoteWrite(std::string_view body, std::string_view stream, std::uint8_t,
                             Decoded& decoded, DecodeOutcome& outcome) {
  return prometheus::Decode(kVersion, body, decoded.Stream(stream), outcome.prometheus);
}

// Line protocol: streams from each line's measurement, the precision in the variant byte.
Status DecodeInfluxLine(std::string_view body, std::string_view, std::uint8_t variant,
                        Decoded& decoded, DecodeOutcome& outcome) {
  if (variant > influx::kMaxPrecision) {
    return Status::InvalidInput("line protocol record with unknown precision " +
                                std::to_string(variant));
  }
  return influx::DecodeLineProtocol(body, static_cast<influx::Precision>(variant), decoded,
                                    outcome.influx);
}

// Loki push: one stream (the request's); the WAL keeps the protobuf body snappy-compressed, as
// received, and replay uncompresses it again.
Status DecodeLokiProtobuf(std::string_view body, std::string_view stream, std::uint8_t,
                          Decoded& decoded, DecodeOutcome&) {
  return loki::DecodeProtobuf(body, decoded.Stream(stream));
}
Status DecodeLokiJson(std::string_view body, std::string_view stream, std::uint8_t,
                      Decoded& decoded, DecodeOutcome&) {
  return loki::DecodeJson(body, decoded.Stream(stream));
}

// One OTLP protocol: protobuf is read in place, JSON is one document simdjson indexes whole; one
// stream (the request's).
template <Signal kSignal, Encoding kEncoding>
constexpr ProtocolSpec Otlp(Protocol id, std::string_view name, std::string_view endpoint) {
  return {.id = id,
          .name = name,
          .type = otlp::StreamTypeOf(kSignal),
          .decode = DecodeOtlp<kSignal, kEncoding>,
          .message = kSignal == Signal::kLogs ? MessageSource::kBody : MessageSource::kNone,
          .document_index_cap = kEncoding == Encoding::kJson ? kWholeBody : 0,
          .otlp = OtlpBody{kSignal, kEncoding},
          .content_types = kEncoding == Encoding::kJson ? kJsonTypes : kProtobufTypes,
          .endpoint = endpoint};
}

constexpr ProtocolSpec kProtocols[] = {
    // _json / _multi: one stream, named in the path.
    {.id = Protocol::kJsonArray,
     .name = "_json",
     .decode = DecodeJsonArray,
     .message = MessageSource::kFields,
     .document_index_cap = kWholeBody,
     .endpoint = "POST /api/{org}/{stream}/_json"},
    {.id = Protocol::kNdjson,
     .name = "_multi",
     .decode = DecodeNdjson,
     .message = MessageSource::kFields,
     .endpoint = "POST /api/{org}/{stream}/_multi"},
    // _bulk: streams from each action's _index.
    {.id = Protocol::kBulk,
     .name = "_bulk",
     .decode = DecodeBulk,
     .message = MessageSource::kFields,
     .streams_in_body = true,
     .endpoint = "POST /api/{org}/_bulk"},
    // HEC: streams from each event's index; simdjson indexes bodies up to 16 MiB at once.
    {.id = Protocol::kHec,
     .name = "hec",
     .decode = DecodeHec,
     .message = MessageSource::kFields,
     .streams_in_body = true,
     .document_index_cap = 16 << 20,
     .endpoint = "POST /api/{org}/_hec"},
    Otlp<Signal::kLogs, Encoding::kProtobuf>(
        Protocol::kOtlpLogsProtobuf, "otlp_logs_protobuf",
        "POST /api/{org}/v1/logs, Content-Type: application/x-protobuf, stream-name: {stream}"),
    Otlp<Signal::kLogs, Encoding::kJson>(
        Protocol::kOtlpLogsJson, "otlp_logs_json",
        "POST /api/{org}/v1/logs, Content-Type: application/json, stream-name: {stream}"),
    Otlp<Signal::kMetrics, Encoding::kProtobuf>(
        Protocol::kOtlpMetricsProtobuf, "otlp_metrics_protobuf",
        "POST /api/{org}/v1/metrics, Content-Type: application/x-protobuf, stream-name: {stream}"),
    Otlp<Signal::kMetrics, Encoding::kJson>(
        Protocol::kOtlpMetricsJson, "otlp_metrics_json",
        "POST /api/{org}/v1/metrics, Content-Type: application/json, stream-name: {stream}"),
    Otlp<Signal::kTraces, Encoding::kProtobuf>(
        Protocol::kOtlpTracesProtobuf, "otlp_traces_protobuf",
        "POST /api/{org}/v1/traces, Content-Type: application/x-protobuf, stream-name: {stream}"),
    Otlp<Signal::kTraces, Encoding::kJson>(
        Protocol::kOtlpTracesJson, "otlp_traces_json",
        "POST /api/{org}/v1/traces, Content-Type: application/json, stream-name: {stream}"),
    // Arc MessagePack: the org from x-arc-database, a stream per measurement (the decoder checks
    // the names), type metrics.
    {.id = Protocol::kArcMsgpack,
     .name = "arc_msgpack",
     .type = model::StreamType::kMetrics,
     .decode = DecodeArcMsgpack,
     .streams_in_body = true,
     // A one-byte small integer in a column of its own is a row: an 8-byte value and an 8-byte
     // `_timestamp` (registry_test.cc decodes such a body).
     .column_bytes_per_body_byte = 17,
     .endpoint = "POST /api/v1/write/msgpack, x-arc-database: {org}"},
    // InfluxDB line protocol: a stream per measurement; the precision is the record's variant.
    {.id = Protocol::kInfluxLine,
     .name = "influx_line",
     .type = model::StreamType::kMetrics,
     .decode = DecodeInfluxLine,
     .streams_in_body = true,
     .endpoint = "POST /api/v2/write?bucket={org}&precision={precision: variant 0 ns, 1 us, 2 ms, "
                 "3 s, 4 m (minutes), 5 h}"},
    // Prometheus remote_write: one stream (the `stream-name` header); the body as the HTTP layer
    // handed it over, snappy undone (docs/wal.md).
    {.id = Protocol::kPromRemoteWrite,
     .name = "prom_remote_write",
     .type = model::StreamType::kMetrics,
     .decode = DecodePromRemoteWrite<prometheus::Version::kV1>,
     // Each row repeats its series' labels: as many column bytes as the decoder allows a request
     // to expand to (RowWriter::kMaxExpansion).
     .column_bytes_per_body_byte = prometheus::kMaxExpansion,
     .endpoint = "POST /api/{org}/prometheus/api/v1/write, Content-Type: application/x-protobuf, "
                 "stream-name: {stream} (the body without Content-Encoding: snappy)"},
    {.id = Protocol::kPromRemoteWriteV2,
     .name = "prom_remote_write_v2",
     .type = model::StreamType::kMetrics,
     .decode = DecodePromRemoteWrite<prometheus::Version::kV2>,
     // Each row repeats its series' labels: as many column bytes as the decoder allows a request
     // to expand to (RowWriter::kMaxExpansion).
     .column_bytes_per_body_byte = prometheus::kMaxExpansion,
     .endpoint = "POST /api/{org}/prometheus/api/v1/write, "
                 "Content-Type: application/x-protobuf;proto=io.prometheus.write.v2.Request, "
                 "stream-name: {stream} (the body without Content-Encoding: snappy)"},
    // Loki push: one stream (`stream-name`), type logs.
    {.id = Protocol::kLokiProtobuf,
     .name = "loki_protobuf",
     .decode = DecodeLokiProtobuf,
     .message = MessageSource::kBody,
     .uncompressed_bytes = loki::UncompressedBytes,
     .content_types = kLokiProtobufTypes,
     .endpoint = "POST /api/{org}/loki/api/v1/push, Content-Type: application/x-protobuf, "
                 "stream-name: {stream}"},
    {.id = Protocol::kLokiJson,
     .name = "loki_json",
     .decode = DecodeLokiJson,
     .message = MessageSource::kBody,
     .document_index_cap = kWholeBody,
     .content_types = kJsonTypes,
     .endpoint = "POST /api/{org}/loki/api/v1/push, Content-Type: application/json, "
                 "stream-name: {stream}"},
};

// Ids are what WAL records hold: unique, in range, never kAbort.
constexpr bool IdsAreValid() {
  std::uint8_t previous = 0;
  for (const ProtocolSpec& p : kProtocols) {
    const auto id = static_cast<std::uint8_t>(p.id);
    if (id <= previous || id > kMaxProtocol || p.id == Protocol::kAbort) return false;
    previous = id;
  }
  return true;
}
static_assert(IdsAreValid(), "protocol ids must be unique, ascending, 1..kMaxProtocol, not kAbort");

// Index in kProtocols of the OTLP protocol of `signal` in `encoding`; -1 when none.
constexpr int OtlpIndex(Signal signal, Encoding encoding) {
  for (int i = 0; i < static_cast<int>(std::size(kProtocols)); ++i) {
    const auto& otlp = kProtocols[i].otlp;
    if (otlp && otlp->signal == signal && otlp->encoding == encoding) return i;
  }
  return -1;
}
constexpr bool EveryOtlpBodyIsRegistered() {
  for (Signal signal : {Signal::kLogs, Signal::kMetrics, Signal::kTraces}) {
    for (Encoding encoding : {Encoding::kProtobuf, Encoding::kJson}) {
      if (OtlpIndex(signal, encoding) < 0) return false;
    }
  }
  return true;
}
static_assert(EveryOtlpBodyIsRegistered(), "OTLP/HTTP and OTLP/gRPC take every signal in both");

}  // namespace

std::span<const ProtocolSpec> Protocols() { return kProtocols; }

const ProtocolSpec* FindProtocol(Protocol id) {
  for (const ProtocolSpec& p : kProtocols) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const ProtocolSpec& OtlpProtocol(otlp::Signal signal, otlp::Encoding encoding) {
  return kProtocols[OtlpIndex(signal, encoding)];  // never -1 (static_assert above)
}

}  // namespace ingot::protocols
