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
    out += ",\"successful\":" + std::to_string(s->builder.records());
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

IngestApi::IngestApi(const IngestApiOptions& options, ingest::Ingester& ingester)
    : options_(options), ingester_(ingester) {}

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
  std::string org, stream_name;
  if (!NameParam(exchange, "org", org) || !NameParam(exchange, "stream", stream_name)) return;
  auto decoded = std::make_shared<protocols::Decoded>(BuilderOptionsNow());
  protocols::StreamRecords& stream = decoded->Stream(stream_name);
  const std::string_view body = exchange->request().body;
  const Status st = ndjson ? protocols::json::DecodeNdjson(body, stream)
                           : protocols::json::DecodeJsonArray(body, stream);
  if (!st.ok()) {
    exchange->Respond(DecodeFailure(st));
    return;
  }
  decoded->Finish();
  ingester_.Commit(org, model::StreamType::kLogs, *decoded,
                   [exchange, decoded, stream_name](const Status& commit) {
                     if (!commit.ok()) {
                       exchange->Respond(CommitFailure(commit));
                       return;
                     }
                     http::Response r;
                     r.body = StatusResponse(*decoded, stream_name);
                     exchange->Respond(std::move(r));
                   });
}

void IngestApi::HandleBulk(const ExchangePtr& exchange) {
  const auto started = std::chrono::steady_clock::now();
  std::string org;
  if (!NameParam(exchange, "org", org)) return;
  auto decoded = std::make_shared<protocols::Decoded>(BuilderOptionsNow());
  auto items = std::make_shared<protocols::json::BulkItems>();
  const Status st = protocols::json::DecodeBulk(exchange->request().body, "", *decoded, *items);
  if (!st.ok()) {
    exchange->Respond(DecodeFailure(st));
    return;
  }
  decoded->Finish();
  ingester_.Commit(org, model::StreamType::kLogs, *decoded,
                   [exchange, decoded, items, started](const Status& commit) {
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
  const std::string org(org_name);
  auto decoded = std::make_shared<protocols::Decoded>(BuilderOptionsNow());
  const protocols::json::HecResult result =
      protocols::json::DecodeHec(exchange->request().body, options_.hec_default_stream, *decoded);
  if (!result.ok()) {
    http::Response r;
    r.status = 400;
    r.body = result.ResponseBody();
    exchange->Respond(std::move(r));
    return;
  }
  decoded->Finish();
  ingester_.Commit(org, model::StreamType::kLogs, *decoded,
                   [exchange, decoded](const Status& commit) {
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
