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

// Everything a request needs until its commit reports back (the callback may run on the WAL
// thread, after the handler returned).
struct RequestState {
  RequestState(const model::BuilderOptions& options, BudgetCharge c)
      : decoded(options), charge(std::move(c)) {
    header.options = options;
  }
  ingest::RequestHeader header;
  protocols::Decoded decoded;
  protocols::json::BulkItems bulk_items;  // _bulk: each action's outcome
  protocols::json::HecResult hec;         // HEC: the decoder's verdict
  BudgetCharge charge;                    // released when the request is done
};

namespace {

using http::ExchangePtr;

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

void IngestApi::Account(Endpoint endpoint, std::chrono::steady_clock::time_point started,
                        const std::string& org, const protocols::Decoded* decoded,
                        std::size_t body_bytes) {
  if (decoded != nullptr) {
    const std::size_t total = decoded->successful() + decoded->failed();
    for (const auto& s : decoded->streams()) {
      const std::size_t records = s->stored + s->failed;
      const std::uint64_t bytes = total == 0 ? body_bytes : body_bytes * records / total;
      metrics_.Count(endpoint, org, s->name, s->stored, s->failed, bytes);
    }
  }
  metrics_.ObserveLatency(
      endpoint, static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                               std::chrono::steady_clock::now() - started)
                                               .count()));
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

IngestApi::IngestApi(const IngestApiOptions& options) : options_(options) {
  // _json / _multi: one stream, named in the path; OpenObserve's status answer.
  auto status_answer = [](const RequestState& state, Clock::time_point) {
    http::Response r;
    r.body = StatusResponse(state.decoded, state.header.stream);
    return r;
  };
  json_ = {Endpoint::kJson,
           ingest::Protocol::kJsonArray,
           [](std::string_view body, RequestState& state) {
             return protocols::json::DecodeJsonArray(body,
                                                     state.decoded.Stream(state.header.stream));
           },
           status_answer,
           nullptr,
           {}};
  multi_ = {Endpoint::kMulti,
            ingest::Protocol::kNdjson,
            [](std::string_view body, RequestState& state) {
              return protocols::json::DecodeNdjson(body, state.decoded.Stream(state.header.stream));
            },
            status_answer,
            nullptr,
            {}};
  // _bulk: streams from each action's _index; Elasticsearch's per-item answer.
  bulk_ = {
      Endpoint::kBulk,
      ingest::Protocol::kBulk,
      [](std::string_view body, RequestState& state) {
        return protocols::json::DecodeBulk(body, "", state.decoded, state.bulk_items);
      },
      [](const RequestState& state, Clock::time_point started) {
        const auto took =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
        http::Response r;
        r.body = state.bulk_items.Response(took);
        r.headers.emplace_back("X-Elastic-Product", "Elasticsearch");
        return r;
      },
      nullptr,
      {}};
  // HEC: streams from each event's index; Splunk's codes, including "server is busy" (9) so HEC
  // clients back off.
  hec_ = {Endpoint::kHec,
          ingest::Protocol::kHec,
          [](std::string_view body, RequestState& state) {
            state.hec = protocols::json::DecodeHec(body, state.header.stream, state.decoded);
            return state.hec.ok() ? Status::Ok() : Status::InvalidInput(state.hec.text);
          },
          [](const RequestState&, Clock::time_point) {
            http::Response r;
            r.body = protocols::json::HecResult{}.ResponseBody();
            return r;
          },
          [](const RequestState& state) {
            http::Response r;
            r.status = 400;
            r.body = state.hec.ResponseBody();
            return r;
          },
          R"({"text":"Server is busy","code":9})"};
}

Status IngestApi::Register(http::Router& router) {
  INGOT_RETURN_IF_ERROR(router.Add("POST", "/api/{org}/{stream}/_json", [this](ExchangePtr e) {
    std::string org, stream;
    if (NameParam(e, "org", org) && NameParam(e, "stream", stream)) Ingest(e, json_, org, stream);
  }));
  INGOT_RETURN_IF_ERROR(router.Add("POST", "/api/{org}/{stream}/_multi", [this](ExchangePtr e) {
    std::string org, stream;
    if (NameParam(e, "org", org) && NameParam(e, "stream", stream)) Ingest(e, multi_, org, stream);
  }));
  INGOT_RETURN_IF_ERROR(router.Add("POST", "/api/{org}/_bulk", [this](ExchangePtr e) {
    std::string org;
    if (NameParam(e, "org", org)) Ingest(e, bulk_, org, "");
  }));
  // Elasticsearch clients probe the info endpoint before their first request.
  for (const char* method : {"GET", "HEAD"}) {
    INGOT_RETURN_IF_ERROR(
        router.Add(method, "/api/{org}/", [this](ExchangePtr e) { HandleElasticInfo(e); }));
  }
  INGOT_RETURN_IF_ERROR(router.Add("POST", "/api/{org}/_hec", [this](ExchangePtr e) {
    std::string org;
    if (NameParam(e, "org", org)) Ingest(e, hec_, org, options_.hec_default_stream);
  }));
  for (const char* path : {"/services/collector", "/services/collector/event"}) {
    INGOT_RETURN_IF_ERROR(router.Add("POST", path, [this](ExchangePtr e) {
      Ingest(e, hec_, "default", options_.hec_default_stream);
    }));
  }
  return Status::Ok();
}

bool IngestApi::Authorize(const ExchangePtr& exchange, std::string_view org, bool hec) {
  if (options_.authenticator == nullptr) return true;
  const auth::Decision d = options_.authenticator->Check(exchange->request(), org, hec);
  if (d.allowed()) return true;
  rejections_.auth.fetch_add(1, std::memory_order_relaxed);
  http::Response r = http::ErrorResponse(d.status, d.message);
  if (hec) {
    // Splunk's codes: 2 token required, 3 invalid authorization, 4 invalid token.
    const int code =
        d.failure == auth::Failure::kMissing ? 2
        : d.failure == auth::Failure::kMalformed || d.failure == auth::Failure::kUnsupportedScheme
            ? 3
            : 4;
    static constexpr const char* kTexts[] = {"", "", "Token is required", "Invalid authorization",
                                             "Invalid token"};
    r.body =
        "{\"text\":\"" + std::string(kTexts[code]) + "\",\"code\":" + std::to_string(code) + "}";
  }
  if (d.status == 401) r.headers.emplace_back("WWW-Authenticate", auth::kWwwAuthenticate);
  exchange->Respond(std::move(r));
  return false;
}

void IngestApi::Ingest(const ExchangePtr& exchange, const EndpointSpec& spec, std::string org,
                       std::string stream) {
  const auto started = std::chrono::steady_clock::now();
  if (!Authorize(exchange, org, spec.endpoint == Endpoint::kHec)) return;
  BudgetCharge charge;
  ingest::Ingester* ingester = Admit(exchange, spec.protocol, charge);
  if (ingester == nullptr) return;
  auto state = std::make_shared<RequestState>(BuilderOptionsNow(), std::move(charge));
  state->header.protocol = spec.protocol;
  state->header.org = std::move(org);
  state->header.stream = std::move(stream);
  const std::string_view body = exchange->request().body;
  const Status st = spec.decode(body, *state);
  if (!st.ok()) {
    rejections_.parse.fetch_add(1, std::memory_order_relaxed);
    exchange->Respond(
        spec.decode_failure
            ? spec.decode_failure(*state)
            : http::ErrorResponse(st.code() == StatusCode::kTooLarge ? 413 : 400, st.message()));
    Account(spec.endpoint, started, state->header.org, nullptr, body.size());
    return;
  }
  state->decoded.Finish();
  ingester->Commit(
      state->header, body, state->decoded,
      [this, &spec, exchange, state, started, bytes = body.size()](const Status& commit) {
        if (!commit.ok()) {
          RespondCommitFailure(exchange, commit, spec.busy_body);
        } else {
          exchange->Respond(spec.answer(*state, started));
        }
        Account(spec.endpoint, started, state->header.org, commit.ok() ? &state->decoded : nullptr,
                bytes);
      });
}

void IngestApi::HandleElasticInfo(const ExchangePtr& exchange) {
  std::string org;
  if (!NameParam(exchange, "org", org) || !Authorize(exchange, org, false)) return;
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
