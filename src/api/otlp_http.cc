#include "api/otlp_http.h"

#include <string>

#include "common/ascii.h"
#include "protocols/registry.h"

namespace ingot::api {

std::optional<OtlpEncoding> ParseOtlpContentType(std::string_view content_type) {
  const std::string_view media = TrimWhitespace(content_type.substr(0, content_type.find(';')));
  for (const protocols::ProtocolSpec& protocol : protocols::Protocols()) {
    if (!protocol.otlp) continue;
    for (std::string_view type : protocol.content_types) {
      if (!type.empty() && EqualsIgnoreCase(media, type)) return protocol.otlp->encoding;
    }
  }
  return std::nullopt;
}

std::string_view OtlpContentType(OtlpEncoding encoding) {
  // The same for every signal.
  return protocols::OtlpProtocol(protocols::otlp::Signal::kLogs, encoding).content_types[0];
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

http::Response OtlpErrorResponse(OtlpEncoding encoding, const ingest::Refusal& refusal) {
  http::Response r;
  r.status = refusal.status;
  r.content_type = OtlpContentType(encoding);
  const int code = ingest::GrpcCodeFor(refusal);
  r.body = encoding == OtlpEncoding::kProtobuf
               ? protocols::otlp::EncodeStatusProtobuf(code, refusal.message)
               : protocols::otlp::EncodeStatusJson(code, refusal.message);
  if (refusal.retryable()) r.headers.emplace_back("Retry-After", "1");
  if (refusal.status == 401) r.headers.emplace_back("WWW-Authenticate", auth::kWwwAuthenticate);
  return r;
}

}  // namespace ingot::api
