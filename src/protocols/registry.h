// The protocol registry: everything ingot knows about a protocol, in one entry. HTTP (api/), gRPC
// (grpc/) and WAL replay (ingest/) all take a protocol's decoder and settings from here, so a
// request replayed after a crash is decoded exactly as the request that was acknowledged. A new
// protocol is one entry in registry.cc plus its decoder folder (and, in the round-trip test
// ingest/protocol_roundtrip_test.cc, a sample body: the test fails without one).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "common/status.h"
#include "model/stream_key.h"
#include "protocols/decoded.h"
#include "protocols/influx/line_protocol.h"
#include "protocols/json/bulk.h"
#include "protocols/json/hec.h"
#include "protocols/loki/loki.h"
#include "protocols/otlp/otlp.h"
#include "protocols/prometheus/remote_write.h"

namespace ingot::protocols {

// The protocol id in every WAL record header (ingest/request_record.h, docs/wal.md): these numbers
// are on disk, never renumber one.
enum class Protocol : std::uint8_t {
  kJsonArray = 1,  // _json
  kNdjson = 2,     // _multi
  kBulk = 3,       // Elasticsearch _bulk
  kHec = 4,        // Splunk HEC
  // Not a protocol: the WAL's abort records (ingest/request_record.h) share the id byte.
  kAbort = 5,
  // OTLP Export*ServiceRequest bodies, one id per signal and encoding.
  kOtlpLogsProtobuf = 6,
  kOtlpLogsJson = 7,
  kOtlpMetricsProtobuf = 8,
  kOtlpMetricsJson = 9,
  kOtlpTracesProtobuf = 10,
  kOtlpTracesJson = 11,
  kArcMsgpack = 12,  // Arc MessagePack, /api/v1/write/msgpack
  kInfluxLine = 13,  // InfluxDB line protocol; the record's variant byte is its precision
  // Prometheus remote_write bodies, stored after the HTTP layer undid their snappy encoding: 1.0
  // (prometheus.WriteRequest) and 2.0 (io.prometheus.write.v2.Request).
  kPromRemoteWrite = 14,
  kPromRemoteWriteV2 = 15,
  kLokiProtobuf = 16,  // Loki push, snappy-compressed logproto.PushRequest (kept compressed)
  kLokiJson = 17,      // Loki push, JSON
};
inline constexpr std::uint8_t kMaxProtocol = 17;

// What some decoders report besides rows; each protocol's answer is made from its part.
struct DecodeOutcome {
  json::BulkItems bulk_items;          // _bulk: each action's outcome
  json::HecResult hec;                 // HEC: the decoder's verdict
  otlp::ExportResult otlp;             // OTLP: records rejected, for partial_success
  influx::LineErrors influx;           // line protocol: the lines not stored
  prometheus::WriteResult prometheus;  // remote_write: what the 2.0 answer's headers count
};

// Decodes `body` into `decoded` (made with the request's builder options); `stream` is the
// request's stream (sanitized), or for protocols whose bodies name streams the default one (may
// be empty for _bulk); `variant` is the request's per-protocol option, recorded in the WAL record
// header (RequestHeader::variant: the line protocol's precision; 0 for the others). A malformed
// body is kInvalidInput (400), a body too large kTooLarge (413): nothing of it is kept. The caller
// finishes `decoded` (Decoded::Finish) on success. REQUIRES: kInputPadding (common/input_padding.h)
// readable bytes after `body`.
using Decoder = Status (*)(std::string_view body, std::string_view stream, std::uint8_t variant,
                           Decoded& decoded, DecodeOutcome& outcome);

// An OTLP protocol: which export, in which encoding.
struct OtlpBody {
  otlp::Signal signal;
  otlp::Encoding encoding;
};

// Where a log record's message is, for its fingerprint (docs/fingerprint.md).
enum class MessageSource : std::uint8_t {
  kNone,    // metrics and traces: no message
  kFields,  // the JSON family: the first string among --fingerprint-fields (message, msg, ...)
  kBody,    // OTLP logs and Loki: the record's body / line (the `body` column)
};

struct ProtocolSpec {
  Protocol id{};
  std::string_view name{};  // for people: "_json", "otlp_logs_protobuf", ...
  model::StreamType type = model::StreamType::kLogs;
  Decoder decode = nullptr;
  MessageSource message = MessageSource::kNone;
  // The body names each record's stream (_bulk `_index`, HEC `index`; the decoder checks those
  // names): the request's stream is only the default, and is not checked.
  bool streams_in_body = false;
  // Bytes of the body simdjson indexes as one document (about five bytes of index per byte, on
  // top of the columns), for the memory estimate: 0 for line-by-line and binary formats.
  std::uint64_t document_index_cap = 0;
  // Bytes of columns one byte of body may become, at most about, for the same estimate: twice for
  // text formats; a binary one can pack an 8-byte value and its row's 8-byte `_timestamp` in one
  // byte.
  std::uint32_t column_bytes_per_body_byte = 2;
  // For bodies the decoder uncompresses before reading them (Loki's snappy protobuf): the bytes
  // the body says it uncompresses to, read from its header, charged with the memory estimate.
  // Null: the body is read as it is.
  std::uint64_t (*uncompressed_bytes)(std::string_view body) = nullptr;
  // OTLP: the export and encoding; the Content-Types (media types, compared case-insensitively)
  // that name the encoding, the first the one answers carry. Loki: the Content-Type of the body
  // form (a push that is not application/json is protobuf, as for Loki). Other protocols take
  // any Content-Type.
  std::optional<OtlpBody> otlp{};
  std::array<std::string_view, 2> content_types{};
  // How the request is sent to ingot, for people re-sending a quarantined one:
  // "POST /api/{org}/{stream}/_multi" ({org} and {stream} to be filled in).
  std::string_view endpoint{};
};

// Every registered protocol, in id order.
std::span<const ProtocolSpec> Protocols();
// The protocol of WAL id `id`; null for kAbort and ids nothing is registered for.
const ProtocolSpec* FindProtocol(Protocol id);
// The registered OTLP protocol of `signal` in `encoding`.
const ProtocolSpec& OtlpProtocol(otlp::Signal signal, otlp::Encoding encoding);

}  // namespace ingot::protocols
