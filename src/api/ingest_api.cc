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
  RequestState(const model::BuilderOptions& options, BudgetCharge c)
      : decoded(options), charge(std::move(c)) {
    header.options = options;
  }
  ingest::RequestHeader header;
  protocols::Decoded decoded;
  BudgetCharge charge;  // released when the request is done
};

// Bytes of memory a request of `body_bytes` may need while it is decoded and waits for the WAL:
// its columns (values, offsets, definition bytes: at most about twice the JSON for log-like
// data), plus, for bodies simdjson parses as one document, the parser's index of the document
// (about four bytes per input byte).
std::uint64_t DecodeEstimate(ingest::Protocol protocol, std::size_t body_bytes) {
  const std::uint64_t columns = 2 * static_cast<std::uint64_t>(body_bytes) + 4096;
  switch (protocol) {
    case ingest::Protocol::kJsonArray: return columns + 5 * static_cast<std::uint64_t>(body_bytes);
    case ingest::Protocol::kHec: return columns + 5 * std::min<std::uint64_t>(body_bytes, 16 << 20);
    default: return columns;
  }
}

http::Response Busy(std::string message) {
  http::Response r = http::ErrorResponse(503, message);
  r.headers.emplace_back("Retry-After", "1");
  return r;
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

ingest::Ingester* IngestApi::Admit(const ExchangePtr& exchange, ingest::Protocol protocol,
                                   BudgetCharge& charge) {
  ingest::Ingester* ingester = ingester_.load();
  if (ingester == nullptr) {
    rejections_.starting.fetch_add(1, std::memory_order_relaxed);
    exchange->Respond(Busy("starting up: replaying the write-ahead log; retry shortly"));
    return nullptr;
  }
  if (options_.disk_low != nullptr && options_.disk_low->load(std::memory_order_relaxed)) {
    rejections_.disk.fetch_add(1, std::memory_order_relaxed);
    exchange->Respond(Busy("free disk space is below --min-free-disk; retry later"));
    return nullptr;
  }
  if (MemoryBudget* budget = options_.memory_budget) {
    const std::uint64_t need = DecodeEstimate(protocol, exchange->request().body.size());
    if (need > budget->limit()) {
      rejections_.too_large.fetch_add(1, std::memory_order_relaxed);
      exchange->Respond(http::ErrorResponse(
          413, "the request needs about " + std::to_string(need) +
                   " bytes of memory to decode, more than --memory-limit allows; send smaller "
                   "requests"));
      return nullptr;
    }
    if (!budget->TryCharge(need)) {
      rejections_.memory.fetch_add(1, std::memory_order_relaxed);
      exchange->Respond(Busy("memory limit reached; retry later"));
      return nullptr;
    }
    charge = BudgetCharge(budget, need);
  }
  return ingester;
}

void IngestApi::RespondCommitFailure(const ExchangePtr& exchange, const Status& st,
                                     std::string_view body_override) {
  // 503 + Retry-After when the server cannot make data durable now (WAL or disk); 500 otherwise.
  const bool retry = st.code() == StatusCode::kResourceExhausted ||
                     st.code() == StatusCode::kUnavailable || st.code() == StatusCode::kIoError;
  if (retry) rejections_.wal.fetch_add(1, std::memory_order_relaxed);
  http::Response r = retry ? Busy(st.message()) : http::ErrorResponse(500, st.message());
  if (!body_override.empty()) r.body = body_override;
  exchange->Respond(std::move(r));
}

void IngestApi::RespondDecodeFailure(const ExchangePtr& exchange, const Status& st) {
  rejections_.parse.fetch_add(1, std::memory_order_relaxed);
  exchange->Respond(
      http::ErrorResponse(st.code() == StatusCode::kTooLarge ? 413 : 400, st.message()));
}

model::BuilderOptions IngestApi::BuilderOptionsNow() const {
  model::BuilderOptions o;
  o.max_depth = options_.max_depth;
  o.max_columns = options_.max_columns;
  o.max_fields = options_.max_fields;
  o.max_record_bytes = options_.max_record_bytes;
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
  const auto protocol = ndjson ? ingest::Protocol::kNdjson : ingest::Protocol::kJsonArray;
  BudgetCharge charge;
  ingest::Ingester* ingester = Admit(exchange, protocol, charge);
  if (ingester == nullptr) return;
  auto state = std::make_shared<RequestState>(BuilderOptionsNow(), std::move(charge));
  state->header.protocol = protocol;
  state->header.org = org;
  state->header.stream = stream_name;
  protocols::StreamRecords& stream = state->decoded.Stream(stream_name);
  const std::string_view body = exchange->request().body;
  const Status st = ndjson ? protocols::json::DecodeNdjson(body, stream)
                           : protocols::json::DecodeJsonArray(body, stream);
  if (!st.ok()) {
    RespondDecodeFailure(exchange, st);
    return;
  }
  state->decoded.Finish();
  ingester->Commit(state->header, body, state->decoded,
                   [this, exchange, state](const Status& commit) {
                     if (!commit.ok()) {
                       RespondCommitFailure(exchange, commit);
                       return;
                     }
                     http::Response r;
                     r.body = StatusResponse(state->decoded, state->header.stream);
                     exchange->Respond(std::move(r));
                   });
}

void IngestApi::HandleBulk(const ExchangePtr& exchange) {
  const auto started = std::chrono::steady_clock::now();
  std::string org;
  if (!NameParam(exchange, "org", org)) return;
  BudgetCharge charge;
  ingest::Ingester* ingester = Admit(exchange, ingest::Protocol::kBulk, charge);
  if (ingester == nullptr) return;
  auto state = std::make_shared<RequestState>(BuilderOptionsNow(), std::move(charge));
  state->header.protocol = ingest::Protocol::kBulk;
  state->header.org = org;
  auto items = std::make_shared<protocols::json::BulkItems>();
  const std::string_view body = exchange->request().body;
  const Status st = protocols::json::DecodeBulk(body, "", state->decoded, *items);
  if (!st.ok()) {
    RespondDecodeFailure(exchange, st);
    return;
  }
  state->decoded.Finish();
  ingester->Commit(state->header, body, state->decoded,
                   [this, exchange, state, items, started](const Status& commit) {
                     if (!commit.ok()) {
                       RespondCommitFailure(exchange, commit);
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
  BudgetCharge charge;
  ingest::Ingester* ingester = Admit(exchange, ingest::Protocol::kHec, charge);
  if (ingester == nullptr) return;
  auto state = std::make_shared<RequestState>(BuilderOptionsNow(), std::move(charge));
  state->header.protocol = ingest::Protocol::kHec;
  state->header.org = org_name;
  state->header.stream = options_.hec_default_stream;
  const std::string_view body = exchange->request().body;
  const protocols::json::HecResult result =
      protocols::json::DecodeHec(body, options_.hec_default_stream, state->decoded);
  if (!result.ok()) {
    rejections_.parse.fetch_add(1, std::memory_order_relaxed);
    http::Response r;
    r.status = 400;
    r.body = result.ResponseBody();
    exchange->Respond(std::move(r));
    return;
  }
  state->decoded.Finish();
  ingester->Commit(
      state->header, body, state->decoded, [this, exchange, state](const Status& commit) {
        if (!commit.ok()) {
          // Splunk's own "server is busy" answer, so HEC clients back off.
          RespondCommitFailure(exchange, commit, R"({"text":"Server is busy","code":9})");
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
