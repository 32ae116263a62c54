#include "api/otlp_http.h"

#include <string>

#include "common/ascii.h"

namespace ingot::api {

std::optional<OtlpEncoding> ParseOtlpContentType(std::string_view content_type) {
  const std::string_view media = TrimWhitespace(content_type.substr(0, content_type.find(';')));
  if (EqualsIgnoreCase(media, "application/x-protobuf") ||
      EqualsIgnoreCase(media, "application/protobuf")) {
    return OtlpEncoding::kProtobuf;
  }
  if (EqualsIgnoreCase(media, "application/json")) return OtlpEncoding::kJson;
  return std::nullopt;
}

std::string_view OtlpContentType(OtlpEncoding encoding) {
  return encoding == OtlpEncoding::kProtobuf ? "application/x-protobuf" : "application/json";
}

Endpoint OtlpHttpEndpoint(protocols::otlp::Signal signal) {
  return static_cast<Endpoint>(static_cast<int>(Endpoint::kOtlpHttpLogs) +
                               static_cast<int>(signal));
}

Endpoint OtlpGrpcEndpoint(protocols::otlp::Signal signal) {
  return static_cast<Endpoint>(static_cast<int>(Endpoint::kOtlpGrpcLogs) +
                               static_cast<int>(signal));
}

model::StreamType OtlpStreamType(protocols::otlp::Signal signal) {
  switch (signal) {
    case protocols::otlp::Signal::kLogs: return model::StreamType::kLogs;
    case protocols::otlp::Signal::kMetrics: return model::StreamType::kMetrics;
    case protocols::otlp::Signal::kTraces: return model::StreamType::kTraces;
  }
  return model::StreamType::kLogs;
}

std::string_view OtlpSignalPath(protocols::otlp::Signal signal) {
  return model::StreamTypeName(OtlpStreamType(signal));
}

ingest::Protocol OtlpProtocol(protocols::otlp::Signal signal, OtlpEncoding encoding) {
  const bool json = encoding == OtlpEncoding::kJson;
  switch (signal) {
    case protocols::otlp::Signal::kLogs:
      return json ? ingest::Protocol::kOtlpLogsJson : ingest::Protocol::kOtlpLogsProtobuf;
    case protocols::otlp::Signal::kMetrics:
      return json ? ingest::Protocol::kOtlpMetricsJson : ingest::Protocol::kOtlpMetricsProtobuf;
    case protocols::otlp::Signal::kTraces:
      return json ? ingest::Protocol::kOtlpTracesJson : ingest::Protocol::kOtlpTracesProtobuf;
  }
  return ingest::Protocol::kOtlpLogsProtobuf;
}

int GrpcCodeFor(const Refusal& refusal) {
  switch (refusal.status) {
    case 400: return 3;   // INVALID_ARGUMENT
    case 401: return 16;  // UNAUTHENTICATED
    case 403: return 7;   // PERMISSION_DENIED
    case 413: return 8;   // RESOURCE_EXHAUSTED
    case 415: return 3;   // INVALID_ARGUMENT
    case 429: return 8;   // RESOURCE_EXHAUSTED
    case 500: return 13;  // INTERNAL
    case 503: return 14;  // UNAVAILABLE
    default: return 2;    // UNKNOWN
  }
}

protocols::otlp::ExportResult ExportResultOf(const RequestState& state) {
  protocols::otlp::ExportResult result = state.otlp;
  const auto failed = static_cast<std::int64_t>(state.decoded.failed());
  if (failed > result.rejected) {
    result.rejected = failed;
    if (result.error_message.empty()) {
      for (const auto& s : state.decoded.streams()) {
        if (s->failed > 0) {
          result.error_message = s->first_error;
          break;
        }
      }
    }
  }
  return result;
}

http::Response OtlpExportResponse(protocols::otlp::Signal signal, OtlpEncoding encoding,
                                  const protocols::otlp::ExportResult& result) {
  http::Response r;
  r.content_type = OtlpContentType(encoding);
  r.body = encoding == OtlpEncoding::kProtobuf
               ? protocols::otlp::EncodeExportResponseProtobuf(signal, result)
               : protocols::otlp::EncodeExportResponseJson(signal, result);
  return r;
}

http::Response OtlpErrorResponse(OtlpEncoding encoding, const Refusal& refusal) {
  http::Response r;
  r.status = refusal.status;
  r.content_type = OtlpContentType(encoding);
  const int code = GrpcCodeFor(refusal);
  r.body = encoding == OtlpEncoding::kProtobuf
               ? protocols::otlp::EncodeStatusProtobuf(code, refusal.message)
               : protocols::otlp::EncodeStatusJson(code, refusal.message);
  if (refusal.retryable()) r.headers.emplace_back("Retry-After", "1");
  if (refusal.status == 401) r.headers.emplace_back("WWW-Authenticate", auth::kWwwAuthenticate);
  return r;
}

}  // namespace ingot::api
