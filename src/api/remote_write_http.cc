#include "api/remote_write_http.h"

#include <string>

#include "common/ascii.h"

namespace ingot::api {

std::optional<RemoteWriteVersion> ParseRemoteWriteContentType(std::string_view content_type) {
  content_type = TrimWhitespace(content_type);
  if (content_type.empty()) return RemoteWriteVersion::kV1;
  const std::size_t semicolon = content_type.find(';');
  if (!EqualsIgnoreCase(TrimWhitespace(content_type.substr(0, semicolon)),
                        "application/x-protobuf")) {
    return std::nullopt;
  }
  RemoteWriteVersion version = RemoteWriteVersion::kV1;
  std::string_view params =
      semicolon == std::string_view::npos ? std::string_view() : content_type.substr(semicolon + 1);
  while (!params.empty()) {
    const std::size_t end = params.find(';');
    std::string_view param = TrimWhitespace(params.substr(0, end));
    params = end == std::string_view::npos ? std::string_view() : params.substr(end + 1);
    const std::size_t eq = param.find('=');
    if (eq == std::string_view::npos ||
        !EqualsIgnoreCase(TrimWhitespace(param.substr(0, eq)), "proto")) {
      continue;  // other parameters (charset) say nothing about the message
    }
    std::string_view value = TrimWhitespace(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (value == "prometheus.WriteRequest") {
      version = RemoteWriteVersion::kV1;
    } else if (value == "io.prometheus.write.v2.Request") {
      version = RemoteWriteVersion::kV2;
    } else {
      return std::nullopt;
    }
  }
  return version;
}

http::Response RemoteWriteResponse(RemoteWriteVersion version, const ingest::RequestState& state) {
  http::Response r;
  const protocols::Decoded& decoded = state.decoded;
  if (decoded.failed() == 0) {
    r.status = 204;
    r.content_type = {};
  } else {
    // Some samples were rejected one by one (the `_timestamp` window): the rest is stored, and a
    // 400 tells Prometheus not to send them again.
    std::string first;
    for (const auto& s : decoded.streams()) {
      if (s->failed > 0) {
        first = s->first_error;
        break;
      }
    }
    r = http::ErrorResponse(400, std::to_string(decoded.failed()) + " of " +
                                     std::to_string(decoded.failed() + decoded.successful()) +
                                     " samples rejected, the others stored; first: " + first);
  }
  AddRemoteWriteHeaders(version, state.outcome.prometheus, r);
  return r;
}

void AddRemoteWriteHeaders(RemoteWriteVersion version,
                           const protocols::prometheus::WriteResult& written, http::Response& r) {
  if (version != RemoteWriteVersion::kV2) return;
  r.headers.emplace_back("X-Prometheus-Remote-Write-Samples-Written",
                         std::to_string(written.samples));
  r.headers.emplace_back("X-Prometheus-Remote-Write-Histograms-Written",
                         std::to_string(written.histograms));
  // Exemplars are not stored (docs/schema-metrics.md).
  r.headers.emplace_back("X-Prometheus-Remote-Write-Exemplars-Written", "0");
}

}  // namespace ingot::api
