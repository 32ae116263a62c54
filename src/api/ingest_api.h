// The HTTP ingestion endpoints (DESIGN.md "HTTP ingestion endpoints"): each handler decodes the
// body on the I/O thread that read it, commits the result through the shared IngestFlow, and
// answers in the protocol's own response shape once the commit reports back.
//
//   POST /api/{org}/{stream}/_json       JSON array of objects (or one object)
//   POST /api/{org}/{stream}/_multi      NDJSON
//   POST /api/{org}/_bulk                Elasticsearch bulk   (+ GET /api/{org}/ info document)
//   POST /api/{org}/_hec                 Splunk HEC
//   POST /services/collector[/event]     Splunk HEC, org "default"
//   POST /v1/{logs,metrics,traces}       OTLP/HTTP, org "default"     (otlp_http.h)
//   POST /api/{org}/v1/{logs,metrics,traces}
//   POST /write?db=                      InfluxDB line protocol (influx_http.h), 1.x
//   POST /api/v2/write?bucket=           2.x
//   POST /api/v1/write/line-protocol     Arc (x-arc-database header)
//   POST /api/v1/write/msgpack           Arc MessagePack, org from x-arc-database ("default")
//   POST /api/v1/write                   Prometheus remote_write, org "default"
//   (remote_write_http.h) POST /api/{org}/prometheus/api/v1/write
//   POST /loki/api/v1/push               Loki push, org from X-Scope-OrgID ("default")
//   POST /api/{org}/loki/api/v1/push
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <string>

#include "api/influx_http.h"
#include "common/status.h"
#include "http/router.h"
#include "ingest/ingest_flow.h"
#include "protocols/otlp/otlp.h"

namespace ingot::api {

class IngestApi {
 public:
  // `flow` must outlive the API.
  explicit IngestApi(ingest::IngestFlow& flow);

  // Adds the ingestion routes to `router`.
  Status Register(http::Router& router);

  // One HTTP endpoint: its protocol and what the flow counts it as (the shared part), and how it
  // answers.
  struct HttpEndpoint {
    ingest::EndpointSpec spec;
    // The answer once the records are durable.
    std::function<http::Response(const ingest::RequestState& state,
                                 std::chrono::steady_clock::time_point started)>
        answer;
    // The answer to a refusal; default: {"code":N,"message":...} (+ Retry-After on 503,
    // WWW-Authenticate on 401).
    std::function<http::Response(const ingest::Refusal& refusal, const ingest::RequestState& state)>
        error;
  };

 private:
  // The route's pre-body check: credentials for the org named by path parameter `org_param`
  // ("default" when empty), refused in `endpoint`'s error shape before the body is read. OTLP's
  // picks the shape from the Content-Type.
  http::PreBodyCheck CredentialsFirst(const HttpEndpoint& endpoint, std::string_view org_param);
  http::PreBodyCheck OtlpCredentialsFirst(std::string_view org_param);
  // Line protocol: the database from the query or header (InfluxDatabase), credentials also from
  // the `u`/`p` query parameters (InfluxAuthorization).
  http::PreBodyCheck InfluxCredentialsFirst(InfluxApi api);
  // Loki: the org from path parameter `org_param`, else the X-Scope-OrgID header (LokiOrgOf).
  http::PreBodyCheck LokiCredentialsFirst(std::string_view org_param);
  static std::string_view LokiOrgOf(const http::Request& head, std::string_view org_param);
  // The org a request names: path parameter `org_param`, "default" when there is none.
  static std::string_view OrgOf(const http::Request& head, std::string_view org_param);

  // `org` and `stream` as the request named them (the flow checks them).
  void Ingest(const http::ExchangePtr& exchange, const HttpEndpoint& endpoint, std::string_view org,
              std::string_view stream);
  void HandleElasticInfo(const http::ExchangePtr& exchange);
  // OTLP/HTTP: picks the endpoint from the Content-Type (415 when neither protobuf nor JSON) and
  // the stream from the `stream-name` header.
  void IngestOtlp(const http::ExchangePtr& exchange, protocols::otlp::Signal signal,
                  std::string_view org);
  // Line protocol: 400 without a database or with an unknown precision, which goes to the WAL
  // record as its variant; a stream per measurement.
  void IngestInflux(const http::ExchangePtr& exchange, InfluxApi api);
  // Loki push: protobuf (snappy) unless the Content-Type is application/json; the stream from
  // the `stream-name` header.
  void IngestLoki(const http::ExchangePtr& exchange, std::string_view org);

  // Prometheus remote_write: picks the message (1.0 or 2.0) from the Content-Type (415 for any
  // other) and the stream from the `stream-name` header ("prometheus" when absent).
  void IngestRemoteWrite(const http::ExchangePtr& exchange, std::string_view org);

  ingest::IngestFlow& flow_;
  HttpEndpoint json_, multi_, bulk_, hec_, arc_;
  // [protocols::prometheus::Version]
  std::array<HttpEndpoint, 2> remote_write_;
  // [signal][OtlpEncoding]
  std::array<std::array<HttpEndpoint, 2>, 3> otlp_;
  // [InfluxApi]: they differ in their error shape.
  std::array<HttpEndpoint, 3> influx_;
  HttpEndpoint loki_protobuf_, loki_json_;
};

}  // namespace ingot::api
