#include "protocols/otlp/otlp.h"

#include <cstring>

#include "common/input_padding.h"
#include "common/json_escape.h"
#include "protocols/otlp/emitter.h"
#include "protocols/otlp/json_source.h"
#include "protocols/otlp/mapper.h"
#include "protocols/otlp/wire.h"
#include "protocols/otlp/wire_source.h"

namespace ingot::protocols::otlp {

// OTLP/JSON bodies reach the DOM parser with kInputPadding readable bytes after their end, which
// it reads without copying them (realloc_if_needed = false).
static_assert(kInputPadding >= simdjson::SIMDJSON_PADDING);

namespace {

template <class S>
Status Map(Signal signal, S& source, StreamRecords& out, ExportResult& result) {
  Emitter emitter(out);
  Mapper<S> mapper(source, emitter);
  bool ok = false;
  switch (signal) {
    case Signal::kLogs: ok = mapper.Logs(); break;
    case Signal::kMetrics: ok = mapper.Metrics(); break;
    case Signal::kTraces: ok = mapper.Traces(); break;
  }
  if (!ok) return Status::InvalidInput(mapper.Where() + ": " + mapper.error());
  result.rejected += emitter.rejected();
  if (result.error_message.empty()) result.error_message = emitter.first_rejection();
  return Status::Ok();
}

// Protobuf output, for the small answers only.
void PutVarint(std::uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutString(std::uint32_t field, std::string_view v, std::string& out) {
  PutVarint(wire::Tag(field, wire::kLen), out);
  PutVarint(v.size(), out);
  out.append(v);
}

// `message` as valid UTF-8 (proto3 strings must be): non-ASCII bytes become '?' when it is not.
std::string Utf8(std::string_view message) {
  std::string s(message);
  if (!wire::ValidUtf8(s)) {
    for (char& c : s) {
      if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    }
  }
  return s;
}

// The JSON name of partial_success's rejected count for `signal`.
std::string_view RejectedJsonName(Signal signal) {
  switch (signal) {
    case Signal::kLogs: return "rejectedLogRecords";
    case Signal::kMetrics: return "rejectedDataPoints";
    case Signal::kTraces: return "rejectedSpans";
  }
  return {};
}

bool HasPartialSuccess(const ExportResult& r) {
  return r.rejected != 0 || !r.error_message.empty();
}

}  // namespace

Status DecodeProtobuf(Signal signal, std::string_view body, StreamRecords& out,
                      ExportResult& result) {
  WireSource source(body);
  return Map(signal, source, out, result);
}

Status DecodeJson(Signal signal, std::string_view body, StreamRecords& out, ExportResult& result) {
  simdjson::dom::parser& parser = ThreadJsonParser();
  simdjson::dom::element root;
  const simdjson::error_code e =
      parser.parse(body.data(), body.size(), /*realloc_if_needed=*/false).get(root);
  if (e != simdjson::SUCCESS) {
    TrimJsonParser();
    if (e == simdjson::DEPTH_ERROR) {
      // The DOM parser's limit (simdjson's default, the same as the JSON endpoints').
      return Status::InvalidInput("request: objects and arrays nested more than " +
                                  std::to_string(parser.max_depth()) + " levels deep");
    }
    return Status::InvalidInput(std::string("request: malformed JSON: ") +
                                simdjson::error_message(e));
  }
  JsonSource source(root);
  Status st = Map(signal, source, out, result);
  TrimJsonParser();
  return st;
}

// Export{Logs,Metrics,Trace}ServiceResponse: partial_success = 1;
// Export*PartialSuccess: rejected_* = 1 (int64), error_message = 2.
std::string EncodeExportResponseProtobuf(Signal, const ExportResult& result) {
  std::string out;
  if (!HasPartialSuccess(result)) return out;
  std::string partial;
  if (result.rejected != 0) {
    PutVarint(wire::Tag(1, wire::kVarint), partial);
    PutVarint(static_cast<std::uint64_t>(result.rejected), partial);
  }
  if (!result.error_message.empty()) PutString(2, Utf8(result.error_message), partial);
  PutString(1, partial, out);
  return out;
}

std::string EncodeExportResponseJson(Signal signal, const ExportResult& result) {
  if (!HasPartialSuccess(result)) return "{}";
  std::string out = "{\"partialSuccess\":{";
  if (result.rejected != 0) {
    out.push_back('"');
    out += RejectedJsonName(signal);
    out += "\":\"";  // int64 is a string in the protobuf JSON mapping
    out += std::to_string(result.rejected);
    out.push_back('"');
  }
  if (!result.error_message.empty()) {
    if (result.rejected != 0) out.push_back(',');
    out += "\"errorMessage\":";
    AppendJsonString(Utf8(result.error_message), out);
  }
  out += "}}";
  return out;
}

// google.rpc.Status: code = 1 (int32), message = 2, details = 3 (none here).
std::string EncodeStatusProtobuf(int grpc_code, std::string_view message) {
  std::string out;
  if (grpc_code != 0) {
    PutVarint(wire::Tag(1, wire::kVarint), out);
    // A negative int32 is sign-extended to 10 bytes, as protobuf writes it.
    PutVarint(static_cast<std::uint64_t>(static_cast<std::int64_t>(grpc_code)), out);
  }
  if (!message.empty()) PutString(2, Utf8(message), out);
  return out;
}

std::string EncodeStatusJson(int grpc_code, std::string_view message) {
  std::string out = "{\"code\":";
  out += std::to_string(grpc_code);
  out += ",\"message\":";
  AppendJsonString(Utf8(message), out);
  out.push_back('}');
  return out;
}

}  // namespace ingot::protocols::otlp
