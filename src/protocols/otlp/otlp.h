// OTLP (OpenTelemetry protocol) request bodies to columns, and the OTLP answers.
//
// The decoders take an Export{Logs,Metrics,Trace}ServiceRequest, protobuf or OTLP/JSON, and write
// one row per log record, data point or span into a stream's BatchBuilder, as docs/schema-otlp.md
// describes. Like the JSON decoders (protocols/README.md), a malformed body fails the whole request
// (Status kInvalidInput naming where: "resource_logs[0].scope_logs[2].log_records[17]: ...") and
// records rejected one by one by the normalization (a `_timestamp` outside the window) are counted
// in the stream and in the ExportResult, which becomes the response's partial_success.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "model/stream_key.h"
#include "protocols/decoded.h"

namespace ingot::protocols::otlp {

enum class Signal : std::uint8_t { kLogs, kMetrics, kTraces };
// How a request body is encoded (protocols/registry.h: the Content-Types of each).
enum class Encoding : std::uint8_t { kProtobuf = 0, kJson = 1 };

// The type of the streams `signal`'s rows go to.
constexpr model::StreamType StreamTypeOf(Signal signal) {
  switch (signal) {
    case Signal::kLogs: return model::StreamType::kLogs;
    case Signal::kMetrics: return model::StreamType::kMetrics;
    case Signal::kTraces: return model::StreamType::kTraces;
  }
  return model::StreamType::kLogs;
}

// "logs", "metrics" or "traces": the OTLP/HTTP path segment (/v1/logs), the gRPC service label.
constexpr std::string_view SignalName(Signal signal) {
  return model::StreamTypeName(StreamTypeOf(signal));
}

// What the answer to an export says: records rejected (rejected_log_records, rejected_data_points,
// rejected_spans) and why (the first rejection).
struct ExportResult {
  std::int64_t rejected = 0;
  std::string error_message;
};

// What the answer to a stored request says: the decoder's `result`, or, when more records of
// `decoded` failed (the `_timestamp` window, counted in its streams), their count and the first
// stream failure's message when the decoder had none.
ExportResult ExportResultOf(const ExportResult& result, const Decoded& decoded);

// Decodes a protobuf Export*ServiceRequest of `signal` into `out`. Rejected records are added to
// `result` (and to out.failed). The body is read in place: `body` must stay alive until `out`'s
// batch is finished (strings are copied into the columns, so not longer). Accepts and rejects
// exactly what libprotobuf would parse (wire.h).
Status DecodeProtobuf(Signal signal, std::string_view body, StreamRecords& out,
                      ExportResult& result);

// The same for OTLP/JSON (docs/schema-otlp.md, "OTLP/JSON").
// REQUIRES: kInputPadding readable bytes after `body`.
Status DecodeJson(Signal signal, std::string_view body, StreamRecords& out, ExportResult& result);

// The Export*ServiceResponse of `signal`: empty, or with partial_success when result.rejected > 0
// or result.error_message is set. JSON as the protobuf JSON mapping writes it (lowerCamelCase,
// int64 as a string).
std::string EncodeExportResponseProtobuf(Signal signal, const ExportResult& result);
std::string EncodeExportResponseJson(Signal signal, const ExportResult& result);

// google.rpc.Status {code, message}: the body of an OTLP/HTTP error response. A message that is
// not valid UTF-8 has its non-ASCII bytes replaced by '?' (clients would reject the string).
std::string EncodeStatusProtobuf(int grpc_code, std::string_view message);
std::string EncodeStatusJson(int grpc_code, std::string_view message);

}  // namespace ingot::protocols::otlp
