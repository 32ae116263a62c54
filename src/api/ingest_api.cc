#include "api/ingest_api.h"

#include <chrono>
#include <memory>

#include "common/json_escape.h"
#include "http/response.h"
#include "model/names.h"
#include "model/timestamp.h"
#include "protocols/json/bulk.h"
#include "protocols/json/hec.h"
#include "protocols/json/multi.h"

namespace ingot::api {

namespace {

using http::ExchangePtr;

// Everything a request needs until its commit reports back (the callback may run on the WAL
// thread, after the handler returned).
struct RequestState {
  explicit RequestState(const model::BuilderOptions& options) : decoded(options) {
    header.options = options;
  }
  ingest::RequestHeader header;
  protocols::Decoded decoded;
};

// Maps a commit failure to the answer DESIGN.md asks for: 503 + Retry-After when the server is
// out of memory or disk or cannot make data durable, 500 otherwise.
http::Response CommitFailure(const Status& st) {
  const bool retry = st.code() == StatusCode::kResourceExhausted ||
                     st.code() == StatusCode::kUnavailable || st.code() == StatusCode::kIoError;
  http::Response r = http::ErrorResponse(retry ? 503 : 500, st.message());
  if (retry) r.headers.emplace_back("Retry-After", "1");
  return r;
}

http::Response DecodeFailure(const Status& st) {
  return http::ErrorResponse(st.code() == StatusCode::kTooLarge ? 413 : 400, st.message());
}

// The sanitized org/stream path parameter, or an error answer when it is empty once sanitized.
bool NameParam(const ExchangePtr& exchange, std::string_view param, std::string& out) {
  out = model::SanitizeStreamName(exchange->request().param(param));
  if (!out.empty()) return true;
  exchange->Respond(http::ErrorResponse(400, std::string(param) + " name is empty"));
  return false;
}

// {"code":200,"status":[{"name":S,"successful":N,"failed":M,"error":E}]}: OpenObserve's answer.
std::string StatusResponse(const protocols::Decoded& decoded, std::string_view stream) {
  std::string out = "{\"code\":200,\"status\":[";
  bool first = true;
  for (const auto& s : decoded.streams()) {
    if (!first) out.push_back(',');
    first = false;
    out += "{\"name\":";
    AppendJsonString(s->name, out);
    out += ",\"successful\":" + std::to_string(s->stored);
    out += ",\"failed\":" + std::to_string(s->failed);
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

}  // namespace

IngestApi::IngestApi(const IngestApiOptions& options) : options_(options) {}

ingest::Ingester* IngestApi::IngesterOr503(const ExchangePtr& exchange) const {
  ingest::Ingester* ingester = ingester_.load();
  if (ingester == nullptr) {
    http::Response r =
        http::ErrorResponse(503, "starting up: replaying the write-ahead log; retry shortly");
    r.headers.emplace_back("Retry-After", "1");
    exchange->Respond(std::move(r));
  }
  return ingester;
}

model::BuilderOptions IngestApi::BuilderOptionsNow() const {
  model::BuilderOptions o;
  o.max_depth = options_.max_depth;
  o.max_columns = options_.max_columns;
  o.now_us = model::NowMicros();
  if (options_.max_past_us > 0) o.min_timestamp_us = o.now_us - options_.max_past_us;
  if (options_.max_future_us > 0) o.max_timestamp_us = o.now_us + options_.max_future_us;
  return o;
}

Status IngestApi::Register(http::Router& router) {
  INGOT_RETURN_IF_ERROR(router.Add("POST", "/api/{org}/{stream}/_json",
                                   [this](ExchangePtr e) { HandleJson(e, false); }));
  INGOT_RETURN_IF_ERROR(router.Add("POST", "/api/{org}/{stream}/_multi",
                                   [this](ExchangePtr e) { HandleJson(e, true); }));
  INGOT_RETURN_IF_ERROR(
      router.Add("POST", "/api/{org}/_bulk", [this](ExchangePtr e) { HandleBulk(e); }));
  // Elasticsearch clients probe the info endpoint before their first request.
  INGOT_RETURN_IF_ERROR(router.Add("GET", "/api/{org}/", HandleElasticInfo));
  INGOT_RETURN_IF_ERROR(router.Add("HEAD", "/api/{org}/", HandleElasticInfo));
  INGOT_RETURN_IF_ERROR(router.Add("POST", "/api/{org}/_hec", [this](ExchangePtr e) {
    std::string org;
    if (NameParam(e, "org", org)) HandleHec(e, org);
  }));
  for (const char* path : {"/services/collector", "/services/collector/event"}) {
    INGOT_RETURN_IF_ERROR(
        router.Add("POST", path, [this](ExchangePtr e) { HandleHec(e, "default"); }));
  }
  return Status::Ok();
}

void IngestApi::HandleJson(const ExchangePtr& exchange, bool ndjson) {
  ingest::Ingester* ingester = IngesterOr503(exchange);
  std::string org, stream_name;
  if (ingester == nullptr || !NameParam(exchange, "org", org) ||
      !NameParam(exchange, "stream", stream_name)) {
    return;
  }
  auto state = std::make_shared<RequestState>(BuilderOptionsNow());
  state->header.protocol = ndjson ? ingest::Protocol::kNdjson : ingest::Protocol::kJsonArray;
  state->header.org = org;
  state->header.stream = stream_name;
  protocols::StreamRecords& stream = state->decoded.Stream(stream_name);
  const std::string_view body = exchange->request().body;
  const Status st = ndjson ? protocols::json::DecodeNdjson(body, stream)
                           : protocols::json::DecodeJsonArray(body, stream);
  if (!st.ok()) {
    exchange->Respond(DecodeFailure(st));
    return;
  }
  state->decoded.Finish();
  ingester->Commit(state->header, body, state->decoded, [exchange, state](const Status& commit) {
    if (!commit.ok()) {
      exchange->Respond(CommitFailure(commit));
      return;
    }
    http::Response r;
    r.body = StatusResponse(state->decoded, state->header.stream);
    exchange->Respond(std::move(r));
  });
}

void IngestApi::HandleBulk(const ExchangePtr& exchange) {
  const auto started = std::chrono::steady_clock::now();
  ingest::Ingester* ingester = IngesterOr503(exchange);
  std::string org;
  if (ingester == nullptr || !NameParam(exchange, "org", org)) return;
  auto state = std::make_shared<RequestState>(BuilderOptionsNow());
  state->header.protocol = ingest::Protocol::kBulk;
  state->header.org = org;
  auto items = std::make_shared<protocols::json::BulkItems>();
  const std::string_view body = exchange->request().body;
  const Status st = protocols::json::DecodeBulk(body, "", state->decoded, *items);
  if (!st.ok()) {
    exchange->Respond(DecodeFailure(st));
    return;
  }
  state->decoded.Finish();
  ingester->Commit(state->header, body, state->decoded,
                   [exchange, state, items, started](const Status& commit) {
                     if (!commit.ok()) {
                       exchange->Respond(CommitFailure(commit));
                       return;
                     }
                     const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count();
                     http::Response r;
                     r.body = items->Response(took);
                     r.headers.emplace_back("X-Elastic-Product", "Elasticsearch");
                     exchange->Respond(std::move(r));
                   });
}

void IngestApi::HandleHec(const ExchangePtr& exchange, std::string_view org_name) {
  ingest::Ingester* ingester = IngesterOr503(exchange);
  if (ingester == nullptr) return;
  auto state = std::make_shared<RequestState>(BuilderOptionsNow());
  state->header.protocol = ingest::Protocol::kHec;
  state->header.org = org_name;
  state->header.stream = options_.hec_default_stream;
  const std::string_view body = exchange->request().body;
  const protocols::json::HecResult result =
      protocols::json::DecodeHec(body, options_.hec_default_stream, state->decoded);
  if (!result.ok()) {
    http::Response r;
    r.status = 400;
    r.body = result.ResponseBody();
    exchange->Respond(std::move(r));
    return;
  }
  state->decoded.Finish();
  ingester->Commit(state->header, body, state->decoded, [exchange, state](const Status& commit) {
    if (!commit.ok()) {
      http::Response r = CommitFailure(commit);
      // Splunk's own "server is busy" answer, so HEC clients back off.
      r.body = R"({"text":"Server is busy","code":9})";
      exchange->Respond(std::move(r));
      return;
    }
    http::Response r;
    r.body = protocols::json::HecResult{}.ResponseBody();
    exchange->Respond(std::move(r));
  });
}

void IngestApi::HandleElasticInfo(const ExchangePtr& exchange) {
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
