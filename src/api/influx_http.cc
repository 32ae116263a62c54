#include "api/influx_http.h"

#include <span>

#include "auth/base64.h"
#include "common/json_escape.h"

namespace ingot::api {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `text` percent-decoded, '+' a space; a '%' not followed by two hex digits is itself.
std::string FormDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void AddInfluxHeaders(http::Response& r) {
  r.headers.emplace_back("X-Influxdb-Version", std::string(kInfluxVersion));
  r.headers.emplace_back("X-Influxdb-Build", "OSS");
}

// InfluxDB 2.x's error codes (its influxdb.Error `code`) for an HTTP status.
std::string_view V2Code(int status) {
  switch (status) {
    case 400: return "invalid";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not found";
    case 413: return "request too large";
    case 415: return "unsupported media type";
    case 429: return "too many requests";
    case 503: return "unavailable";
    default: return "internal error";
  }
}

http::Response ErrorBody(InfluxApi api, int status, std::string_view message) {
  http::Response r;
  r.status = status;
  if (api == InfluxApi::kV2) {
    r.body = "{\"code\":";
    AppendJsonString(V2Code(status), r.body);
    r.body += ",\"message\":";
  } else {
    r.body = "{\"error\":";
  }
  AppendJsonString(message, r.body);
  r.body += '}';
  AddInfluxHeaders(r);
  return r;
}

http::Response NoContent() {
  http::Response r;
  r.status = 204;
  r.content_type.clear();
  AddInfluxHeaders(r);
  return r;
}

}  // namespace

std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (FormDecode(key) != name) continue;
    return eq == std::string_view::npos ? std::string() : FormDecode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::string InfluxDatabase(const http::Request& head, InfluxApi api) {
  switch (api) {
    case InfluxApi::kV1: return QueryParam(head.query, "db").value_or("");
    case InfluxApi::kV2: return QueryParam(head.query, "bucket").value_or("");
    case InfluxApi::kArc: break;
  }
  return std::string(ArcDatabase(head));
}

std::string_view ArcDatabase(const http::Request& head) {
  const std::string_view db = head.header("x-arc-database");
  return db.empty() ? "default" : db;
}

std::string InfluxAuthorization(const http::Request& head) {
  const std::string_view header = head.header("Authorization");
  if (!header.empty()) return std::string(header);
  const std::optional<std::string> user = QueryParam(head.query, "u");
  const std::optional<std::string> password = QueryParam(head.query, "p");
  if (!user && !password) return {};
  const std::string credentials = user.value_or("") + ":" + password.value_or("");
  return "Basic " +
         auth::Base64Encode(std::span(reinterpret_cast<const unsigned char*>(credentials.data()),
                                      credentials.size()),
                            auth::Base64Alphabet::kStandard, true);
}

http::Response InfluxErrorResponse(InfluxApi api, const ingest::Refusal& refusal) {
  http::Response r = ErrorBody(api, refusal.status, refusal.message);
  if (refusal.retryable()) r.headers.emplace_back("Retry-After", "1");
  if (refusal.status == 401) r.headers.emplace_back("WWW-Authenticate", auth::kWwwAuthenticate);
  return r;
}

http::Response InfluxWriteResponse(InfluxApi api, const protocols::influx::LineErrors& errors,
                                   std::size_t stored) {
  if (!errors.ok()) {
    return ErrorBody(api, 400,
                     "partial write: " + errors.first + " (" + std::to_string(errors.bad) +
                         " bad line" + (errors.bad == 1 ? "" : "s") + " not stored, " +
                         std::to_string(stored) + " point" + (stored == 1 ? "" : "s") + " stored)");
  }
  return NoContent();
}

http::Response InfluxPingResponse() { return NoContent(); }

}  // namespace ingot::api
