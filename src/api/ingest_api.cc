#include "api/ingest_api.h"

#include <chrono>
#include <memory>

#include "api/otlp_http.h"
#include "api/remote_write_http.h"
#include "common/ascii.h"
#include "common/json_escape.h"
#include "http/response.h"
#include "model/column.h"
#include "model/names.h"
#include "protocols/registry.h"

namespace ingot::api {

namespace {

using http::ExchangePtr;
using ingest::Endpoint;
using ingest::Refusal;
using ingest::RequestState;
using Clock = std::chrono::steady_clock;
namespace otlp = protocols::otlp;

// An HTTP request in the IngestFlow: answers through the exchange, in the endpoint's shape.
class HttpCall final : public ingest::IngestCall {
 public:
  HttpCall(const model::BuilderOptions& options, ExchangePtr exchange,
           const IngestApi::HttpEndpoint& endpoint)
      : IngestCall(options), exchange_(std::move(exchange)), endpoint_(endpoint) {}

  void Refuse(const Refusal& refusal) override {
    exchange_->Respond(endpoint_.error(refusal, state));
  }
  void Accept(Clock::time_point started) override {
    exchange_->Respond(endpoint_.answer(state, started));
  }

 private:
  ExchangePtr exchange_;
  const IngestApi::HttpEndpoint& endpoint_;
};

// {"code":N,"message":...}, the server's own error shape, with Retry-After on 503 and
// WWW-Authenticate on 401.
http::Response ErrorFor(const Refusal& refusal) {
  http::Response r = http::ErrorResponse(refusal.status, refusal.message);
  if (refusal.retryable()) r.headers.emplace_back("Retry-After", "1");
  if (refusal.status == 401) r.headers.emplace_back("WWW-Authenticate", auth::kWwwAuthenticate);
  return r;
}

http::Response DefaultError(const Refusal& refusal, const RequestState&) {
  return ErrorFor(refusal);
}

// Splunk's answers: code 2 token required, 3 invalid authorization, 4 invalid token on 401/403;
// the decoder's verdict on 400; "server is busy" (9) on 503, so HEC clients back off.
http::Response HecError(const Refusal& refusal, const RequestState& state) {
  http::Response r = ErrorFor(refusal);
  if (refusal.status == 401 || refusal.status == 403) {
    const auth::Failure f = refusal.auth_failure;
    const int code = f == auth::Failure::kMissing                                               ? 2
                     : f == auth::Failure::kMalformed || f == auth::Failure::kUnsupportedScheme ? 3
                                                                                                : 4;
    static constexpr const char* kTexts[] = {"", "", "Token is required", "Invalid authorization",
                                             "Invalid token"};
    r.body =
        "{\"text\":\"" + std::string(kTexts[code]) + "\",\"code\":" + std::to_string(code) + "}";
  } else if (refusal.status == 400 && !state.outcome.hec.ok()) {
    r.body = state.outcome.hec.ResponseBody();
  } else if (refusal.status == 503) {
    r.body = R"({"text":"Server is busy","code":9})";
  }
  return r;
}

// {"code":200,"status":[{"name":S,"successful":N,"failed":M,"error":E}]}: OpenObserve's answer.
std::string StatusResponse(const protocols::Decoded& decoded, std::string_view stream) {
  std::string out;
  out.reserve(128);  // one allocation for the usual one-stream answer
  out += "{\"code\":200,\"status\":[";
  bool first = true;
  for (const auto& s : decoded.streams()) {
    if (!first) out.push_back(',');
    first = false;
    out += "{\"name\":";
    AppendJsonString(s->name, out);
    out += ",\"successful\":";
    model::AppendIntText(static_cast<std::int64_t>(s->stored), out);
    out += ",\"failed\":";
    model::AppendIntText(static_cast<std::int64_t>(s->failed), out);
    if (s->failed > 0) {
      out += ",\"error\":";
      AppendJsonString(s->first_error, out);
    }
    out += "}";
  }
  if (first) {  // an empty body: still name the stream, with nothing stored
    out += "{\"name\":";
    AppendJsonString(stream, out);
    out += ",\"successful\":0,\"failed\":0}";
  }
  out += "]}";
  return out;
}

// What the error shapes of a refusal made before the body was read get for a request state: none
// was built (only HEC's 400 reads it, and a pre-body refusal is a 401 or 403).
const RequestState& NoState() {
  static const RequestState state{model::BuilderOptions{}};
  return state;
}

// Loki push: 204 when every entry was stored; 400 naming the first failure when some were not
// (the others are stored, as Loki does).
http::Response LokiAnswer(const RequestState& state, Clock::time_point) {
  http::Response r;
  const std::size_t failed = state.decoded.failed();
  if (failed == 0) {
    r.status = 204;
    r.content_type.clear();
    return r;
  }
  std::string first;
  for (const auto& s : state.decoded.streams()) {
    if (s->failed > 0) {
      first = s->first_error;
      break;
    }
  }
  return http::ErrorResponse(400, std::to_string(failed) + " of " +
                                      std::to_string(failed + state.decoded.successful()) +
                                      " entries not stored (the others are): " + first);
}

}  // namespace

IngestApi::IngestApi(ingest::IngestFlow& flow) : flow_(flow) {
  // How each protocol decodes, and which stream type it writes, comes from the registry.
  auto protocol = [](protocols::Protocol id) { return protocols::FindProtocol(id); };
  // _json / _multi: one stream, named in the path; OpenObserve's status answer.
  auto status_answer = [](const RequestState& state, Clock::time_point) {
    http::Response r;
    r.body = StatusResponse(state.decoded, state.header.stream);
    return r;
  };
  json_.spec = {.endpoint = Endpoint::kJson, .protocol = protocol(protocols::Protocol::kJsonArray)};
  json_.answer = status_answer;
  json_.error = DefaultError;
  multi_.spec = {.endpoint = Endpoint::kMulti, .protocol = protocol(protocols::Protocol::kNdjson)};
  multi_.answer = status_answer;
  multi_.error = DefaultError;
  // _bulk: streams from each action's _index; Elasticsearch's per-item answer.
  bulk_.spec = {.endpoint = Endpoint::kBulk, .protocol = protocol(protocols::Protocol::kBulk)};
  bulk_.answer = [](const RequestState& state, Clock::time_point started) {
    const auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    http::Response r;
    r.body = state.outcome.bulk_items.Response(took);
    r.headers.emplace_back("X-Elastic-Product", "Elasticsearch");
    return r;
  };
  bulk_.error = DefaultError;
  // HEC: streams from each event's index; Splunk's codes.
  hec_.spec = {
      .endpoint = Endpoint::kHec, .protocol = protocol(protocols::Protocol::kHec), .hec = true};
  hec_.answer = [](const RequestState&, Clock::time_point) {
    http::Response r;
    r.body = protocols::json::HecResult{}.ResponseBody();
    return r;
  };
  hec_.error = HecError;
  // Arc MessagePack: the org from x-arc-database, streams from the body; 204 as Arc answers.
  arc_.spec = {.endpoint = Endpoint::kArcMsgpack,
               .protocol = protocol(protocols::Protocol::kArcMsgpack)};
  arc_.answer = [](const RequestState&, Clock::time_point) {
    http::Response r;
    r.status = 204;
    return r;
  };
  arc_.error = DefaultError;
  // OTLP/HTTP: one stream (the `stream-name` header); answers in the request's encoding.
  for (otlp::Signal signal : {otlp::Signal::kLogs, otlp::Signal::kMetrics, otlp::Signal::kTraces}) {
    for (OtlpEncoding encoding : {OtlpEncoding::kProtobuf, OtlpEncoding::kJson}) {
      HttpEndpoint& e = otlp_[static_cast<std::size_t>(signal)][static_cast<std::size_t>(encoding)];
      e.spec = {.endpoint = ingest::OtlpHttpEndpoint(signal),
                .protocol = &protocols::OtlpProtocol(signal, encoding)};
      e.answer = [signal, encoding](const RequestState& state, Clock::time_point) {
        return OtlpExportResponse(signal, encoding,
                                  otlp::ExportResultOf(state.outcome.otlp, state.decoded));
      };
      e.error = [encoding](const Refusal& refusal, const RequestState&) {
        return OtlpErrorResponse(encoding, refusal);
      };
    }
  }
  // Prometheus remote_write: one stream (the `stream-name` header); 204, the 2.0 headers.
  for (RemoteWriteVersion version : {RemoteWriteVersion::kV1, RemoteWriteVersion::kV2}) {
    HttpEndpoint& e = remote_write_[static_cast<std::size_t>(version)];
    e.spec = {.endpoint = Endpoint::kPromRemoteWrite,
              .protocol = protocol(version == RemoteWriteVersion::kV1
                                       ? protocols::Protocol::kPromRemoteWrite
                                       : protocols::Protocol::kPromRemoteWriteV2)};
    e.answer = [version](const RequestState& state, Clock::time_point) {
      return RemoteWriteResponse(version, state);
    };
    e.error = [version](const Refusal& refusal, const RequestState&) {
      http::Response r = ErrorFor(refusal);
      AddRemoteWriteHeaders(version, {}, r);
      return r;
    };
  }
  // Line protocol: streams from each line's measurement; 204, or 400 for a partial write.
  for (InfluxApi api : {InfluxApi::kV1, InfluxApi::kV2, InfluxApi::kArc}) {
    HttpEndpoint& e = influx_[static_cast<std::size_t>(api)];
    e.spec = {.endpoint = Endpoint::kInfluxLine,
              .protocol = protocol(protocols::Protocol::kInfluxLine)};
    e.answer = [api](const RequestState& state, Clock::time_point) {
      return InfluxWriteResponse(api, state.outcome.influx, state.decoded.successful());
    };
    e.error = [api](const Refusal& refusal, const RequestState&) {
      return InfluxErrorResponse(api, refusal);
    };
  }
  // Loki push: one stream (the `stream-name` header); 204.
  for (auto [e, id] : {std::pair{&loki_protobuf_, protocols::Protocol::kLokiProtobuf},
                       std::pair{&loki_json_, protocols::Protocol::kLokiJson}}) {
    e->spec = {.endpoint = Endpoint::kLoki, .protocol = protocol(id)};
    e->answer = LokiAnswer;
    e->error = DefaultError;
  }
}

Status IngestApi::Register(http::Router& router) {
  // Org and stream names are checked by the flow (IngestFlow::Run), the same for every transport;
  // credentials before the body is read (CredentialsFirst).
  INGOT_RETURN_IF_ERROR(router.Add(
      "POST", "/api/{org}/{stream}/_json",
      [this](ExchangePtr e) {
        Ingest(e, json_, e->request().param("org"), e->request().param("stream"));
      },
      CredentialsFirst(json_, "org")));
  INGOT_RETURN_IF_ERROR(router.Add(
      "POST", "/api/{org}/{stream}/_multi",
      [this](ExchangePtr e) {
        Ingest(e, multi_, e->request().param("org"), e->request().param("stream"));
      },
      CredentialsFirst(multi_, "org")));
  INGOT_RETURN_IF_ERROR(router.Add(
      "POST", "/api/{org}/_bulk",
      [this](ExchangePtr e) { Ingest(e, bulk_, e->request().param("org"), ""); },
      CredentialsFirst(bulk_, "org")));
  // Elasticsearch clients probe the info endpoint before their first request.
  for (const char* method : {"GET", "HEAD"}) {
    INGOT_RETURN_IF_ERROR(router.Add(
        method, "/api/{org}/", [this](ExchangePtr e) { HandleElasticInfo(e); },
        CredentialsFirst(bulk_, "org")));
  }
  INGOT_RETURN_IF_ERROR(router.Add(
      "POST", "/api/{org}/_hec",
      [this](ExchangePtr e) {
        Ingest(e, hec_, e->request().param("org"), flow_.options().hec_default_stream);
      },
      CredentialsFirst(hec_, "org")));
  for (const char* path : {"/services/collector", "/services/collector/event"}) {
    INGOT_RETURN_IF_ERROR(router.Add(
        "POST", path,
        [this](ExchangePtr e) { Ingest(e, hec_, "default", flow_.options().hec_default_stream); },
        CredentialsFirst(hec_, "")));
  }
  for (otlp::Signal signal : {otlp::Signal::kLogs, otlp::Signal::kMetrics, otlp::Signal::kTraces}) {
    const std::string path = "/v1/" + std::string(otlp::SignalName(signal));
    INGOT_RETURN_IF_ERROR(router.Add(
        "POST", path, [this, signal](ExchangePtr e) { IngestOtlp(e, signal, "default"); },
        OtlpCredentialsFirst("")));
    INGOT_RETURN_IF_ERROR(router.Add(
        "POST", "/api/{org}" + path,
        [this, signal](ExchangePtr e) { IngestOtlp(e, signal, e->request().param("org")); },
        OtlpCredentialsFirst("org")));
  }
  const std::pair<const char*, InfluxApi> influx_routes[] = {
      {"/write", InfluxApi::kV1},
      {"/api/v2/write", InfluxApi::kV2},
      {"/api/v1/write/line-protocol", InfluxApi::kArc}};
  for (const auto& [path, api] : influx_routes) {
    INGOT_RETURN_IF_ERROR(router.Add(
        "POST", path, [this, api](ExchangePtr e) { IngestInflux(e, api); },
        InfluxCredentialsFirst(api)));
  }
  // Arc's clients may compress without a Content-Encoding; a MessagePack body is a map or an
  // array, never a gzip or zstd magic number.
  INGOT_RETURN_IF_ERROR(router.Add(
      "POST", "/api/v1/write/msgpack",
      [this](ExchangePtr e) { Ingest(e, arc_, ArcDatabase(e->request()), ""); },
      [this](const http::Request& head) -> std::optional<http::Response> {
        std::optional<Refusal> denied = flow_.CheckCredentials(
            head.header("Authorization"), ArcDatabase(head), false, head.header("x-api-key"));
        if (!denied) return std::nullopt;
        return arc_.error(*denied, NoState());
      },
      http::RouteOptions{.sniff_compression = true}));
  // Prometheus remote_write; credentials are refused in 1.0's shape (2.0's only adds headers).
  const HttpEndpoint& remote_write = remote_write_[0];
  INGOT_RETURN_IF_ERROR(router.Add(
      "POST", "/api/v1/write", [this](ExchangePtr e) { IngestRemoteWrite(e, "default"); },
      CredentialsFirst(remote_write, "")));
  INGOT_RETURN_IF_ERROR(router.Add(
      "POST", "/api/{org}/prometheus/api/v1/write",
      [this](ExchangePtr e) { IngestRemoteWrite(e, e->request().param("org")); },
      CredentialsFirst(remote_write, "org")));
  INGOT_RETURN_IF_ERROR(router.Add(
      "POST", "/loki/api/v1/push",
      [this](ExchangePtr e) { IngestLoki(e, LokiOrgOf(e->request(), "")); },
      LokiCredentialsFirst("")));
  INGOT_RETURN_IF_ERROR(router.Add(
      "POST", "/api/{org}/loki/api/v1/push",
      [this](ExchangePtr e) { IngestLoki(e, e->request().param("org")); },
      LokiCredentialsFirst("org")));
  return Status::Ok();
}

// The org a request writes to, as the flow will name it: the path parameter ("default" on the
// routes without one) once model::StreamName has checked it. A name it refuses is checked as
// merely sanitized: credentials for every org let the request through to its 400, any other
// credentials (or none) refuse it here, before its body is read.
std::string_view IngestApi::OrgOf(const http::Request& head, std::string_view org_param) {
  return org_param.empty() ? "default" : head.param(org_param);
}

http::PreBodyCheck IngestApi::CredentialsFirst(const HttpEndpoint& endpoint,
                                               std::string_view org_param) {
  return [this, &endpoint, org_param](const http::Request& head) -> std::optional<http::Response> {
    std::optional<Refusal> denied = flow_.CheckCredentials(
        head.header("Authorization"), OrgOf(head, org_param), endpoint.spec.hec);
    if (!denied) return std::nullopt;
    return endpoint.error(*denied, NoState());
  };
}

http::PreBodyCheck IngestApi::OtlpCredentialsFirst(std::string_view org_param) {
  return [this, org_param](const http::Request& head) -> std::optional<http::Response> {
    std::optional<Refusal> denied =
        flow_.CheckCredentials(head.header("Authorization"), OrgOf(head, org_param), false);
    if (!denied) return std::nullopt;
    // Answered in the request's encoding; JSON, the readable one, for an unknown Content-Type.
    return OtlpErrorResponse(
        ParseOtlpContentType(head.header("Content-Type")).value_or(OtlpEncoding::kJson), *denied);
  };
}

http::PreBodyCheck IngestApi::InfluxCredentialsFirst(InfluxApi api) {
  return [this, api](const http::Request& head) -> std::optional<http::Response> {
    // Arc's clients may send their token as x-api-key.
    std::optional<Refusal> denied =
        flow_.CheckCredentials(InfluxAuthorization(head), InfluxDatabase(head, api), false,
                               api == InfluxApi::kArc ? head.header("x-api-key") : "");
    if (!denied) return std::nullopt;
    return InfluxErrorResponse(api, *denied);
  };
}

std::string_view IngestApi::LokiOrgOf(const http::Request& head, std::string_view org_param) {
  if (!org_param.empty()) return head.param(org_param);
  const std::string_view tenant = head.header("X-Scope-OrgID");
  return tenant.empty() ? "default" : tenant;
}

http::PreBodyCheck IngestApi::LokiCredentialsFirst(std::string_view org_param) {
  return [this, org_param](const http::Request& head) -> std::optional<http::Response> {
    std::optional<Refusal> denied =
        flow_.CheckCredentials(head.header("Authorization"), LokiOrgOf(head, org_param), false);
    if (!denied) return std::nullopt;
    return ErrorFor(*denied);
  };
}

void IngestApi::IngestLoki(const ExchangePtr& exchange, std::string_view org) {
  const http::Request& request = exchange->request();
  const std::string_view content_type = request.header("Content-Type");
  const std::string_view media = TrimWhitespace(content_type.substr(0, content_type.find(';')));
  const bool json = EqualsIgnoreCase(media, loki_json_.spec.protocol->content_types[0]);
  std::string_view stream = request.header("stream-name");
  if (stream.empty()) stream = "default";
  Ingest(exchange, json ? loki_json_ : loki_protobuf_, org, stream);
}

void IngestApi::IngestInflux(const ExchangePtr& exchange, InfluxApi api) {
  const http::Request& request = exchange->request();
  const HttpEndpoint& endpoint = influx_[static_cast<std::size_t>(api)];
  const std::string database = InfluxDatabase(request, api);
  const std::optional<std::string> precision_text = QueryParam(request.query, "precision");
  const std::optional<protocols::influx::Precision> precision =
      protocols::influx::ParsePrecision(precision_text.value_or(""));
  std::string problem;
  if (database.empty()) {
    problem = api == InfluxApi::kV2 ? "bucket is required" : "database is required";
  } else if (!precision) {
    // Quoted as printable ASCII, at most 16 bytes: the answer is JSON.
    std::string quoted = precision_text->substr(0, 16);
    for (char& c : quoted) {
      if (c < 0x20 || c > 0x7e) c = '?';
    }
    problem = "unknown precision \"" + quoted + "\": expected ns, us, ms or s (or n, u, m, h)";
  } else if (Result<std::string> name = model::StreamName(database, "database"); !name.ok()) {
    problem = name.status().message();
  }
  if (!problem.empty()) {
    const auto started = Clock::now();
    exchange->Respond(InfluxErrorResponse(api, {400, std::move(problem), {}}));
    flow_.CountRefusal(Endpoint::kInfluxLine, started);
    return;
  }
  // Credentials were checked before the body was read (InfluxCredentialsFirst).
  auto call = std::make_shared<HttpCall>(flow_.BuilderOptionsNow(), exchange, endpoint);
  call->state.header.variant = static_cast<std::uint8_t>(*precision);
  flow_.Run(endpoint.spec, std::move(call), database, "", request.body, request.buffer_bytes);
}

void IngestApi::IngestOtlp(const ExchangePtr& exchange, otlp::Signal signal, std::string_view org) {
  const http::Request& request = exchange->request();
  const std::optional<OtlpEncoding> encoding = ParseOtlpContentType(request.header("Content-Type"));
  if (!encoding) {
    // OTLP/HTTP has exactly two encodings; the answer is JSON, the one a human can read.
    const auto started = Clock::now();
    exchange->Respond(OtlpErrorResponse(
        OtlpEncoding::kJson,
        {415,
         "unsupported Content-Type \"" + std::string(request.header("Content-Type")) +
             "\"; OTLP/HTTP takes application/x-protobuf or application/json",
         {}}));
    flow_.CountRefusal(ingest::OtlpHttpEndpoint(signal), started);
    return;
  }
  std::string_view stream = request.header("stream-name");
  if (stream.empty()) stream = "default";
  Ingest(exchange, otlp_[static_cast<std::size_t>(signal)][static_cast<std::size_t>(*encoding)],
         org, stream);
}

void IngestApi::IngestRemoteWrite(const ExchangePtr& exchange, std::string_view org) {
  const http::Request& request = exchange->request();
  const std::string_view content_type = request.header("Content-Type");
  const std::optional<RemoteWriteVersion> version = ParseRemoteWriteContentType(content_type);
  if (!version) {
    // The 2.0 specification's answer to a message the receiver does not take.
    const auto started = Clock::now();
    exchange->Respond(ErrorFor({415,
                                "unsupported Content-Type \"" + std::string(content_type) +
                                    "\"; remote_write takes application/x-protobuf (1.0) or "
                                    "application/x-protobuf;proto=io.prometheus.write.v2.Request",
                                {}}));
    flow_.CountRefusal(Endpoint::kPromRemoteWrite, started);
    return;
  }
  std::string_view stream = request.header("stream-name");
  if (stream.empty()) stream = "prometheus";
  Ingest(exchange, remote_write_[static_cast<std::size_t>(*version)], org, stream);
}

void IngestApi::Ingest(const ExchangePtr& exchange, const HttpEndpoint& endpoint,
                       std::string_view org, std::string_view stream) {
  const http::Request& request = exchange->request();
  // Credentials were checked before the body was read (CredentialsFirst).
  flow_.Run(endpoint.spec,
            std::make_shared<HttpCall>(flow_.BuilderOptionsNow(), exchange, endpoint), org, stream,
            request.body, request.buffer_bytes);
}

void IngestApi::HandleElasticInfo(const ExchangePtr& exchange) {
  const Result<std::string> org = model::StreamName(exchange->request().param("org"), "org");
  if (!org.ok()) {
    exchange->Respond(http::ErrorResponse(400, org.status().message()));
    return;
  }
  // Credentials: checked before the body (CredentialsFirst).
  http::Response r;
  r.headers.emplace_back("X-Elastic-Product", "Elasticsearch");
  r.body =
      R"({"name":"ingot","cluster_name":"ingot","cluster_uuid":"ingot","version":{"number":"8.11.0",)"
      R"("build_flavor":"default","build_type":"ingot","lucene_version":"9.8.0",)"
      R"("minimum_wire_compatibility_version":"7.17.0","minimum_index_compatibility_version":"7.0.0"},)"
      R"("tagline":"You Know, for Search"})";
  exchange->Respond(std::move(r));
}

}  // namespace ingot::api
