// The HTTP ingestion endpoints (DESIGN.md "HTTP ingestion endpoints"): each handler decodes the
// body on the I/O thread that read it, commits the result through the Ingester, and answers in the
// protocol's own response shape once the commit reports back.
//
//   POST /api/{org}/{stream}/_json       JSON array of objects (or one object)
//   POST /api/{org}/{stream}/_multi      NDJSON
//   POST /api/{org}/_bulk                Elasticsearch bulk   (+ GET /api/{org}/ info document)
//   POST /api/{org}/_hec                 Splunk HEC
//   POST /services/collector[/event]     Splunk HEC, org "default"
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "api/ingest_metrics.h"
#include "auth/authenticator.h"
#include "common/memory_budget.h"
#include "common/status.h"
#include "http/router.h"
#include "ingest/ingester.h"
#include "ingest/request_record.h"
#include "model/batch_builder.h"

namespace ingot::api {

struct RequestState;

struct IngestApiOptions {
  std::uint32_t max_depth = 3;         // flattening depth, 0 = unlimited
  std::uint32_t max_columns = 1000;    // per stream and batch
  std::uint32_t max_fields = 0;        // values per record, 0 = unlimited
  std::uint64_t max_record_bytes = 0;  // bytes per NDJSON line / bulk document, 0 = unlimited
  // Charged with an estimate of the columns a request decodes into before it is decoded; a
  // request it has no room for is answered 503 + Retry-After. May be null.
  MemoryBudget* memory_budget = nullptr;
  // Set while free disk space is below --min-free-disk: ingestion answers 503. May be null.
  const std::atomic<bool>* disk_low = nullptr;
  // Who may write to which org (401/403). Null, or one with no credentials: everyone may.
  const auth::Authenticator* authenticator = nullptr;
  // Accepted `_timestamp` window around the time of the request; 0 = unlimited.
  std::int64_t max_past_us = 0;
  std::int64_t max_future_us = 0;
  std::string hec_default_stream = "default";
};

// Requests refused before their data was stored, by reason, for /metrics.
struct Rejections {
  std::atomic<std::uint64_t> memory{0};     // over the memory budget (503)
  std::atomic<std::uint64_t> disk{0};       // below --min-free-disk (503)
  std::atomic<std::uint64_t> parse{0};      // malformed body (400)
  std::atomic<std::uint64_t> too_large{0};  // could never fit the memory budget (413)
  std::atomic<std::uint64_t> wal{0};        // the WAL could not make it durable (503)
  std::atomic<std::uint64_t> starting{0};   // before the WAL replay finished (503)
  std::atomic<std::uint64_t> auth{0};       // missing or invalid credentials, or wrong org
};

class IngestApi {
 public:
  explicit IngestApi(const IngestApiOptions& options);

  // Adds the ingestion routes to `router`.
  Status Register(http::Router& router);

  // Ingestion endpoints answer 503 + Retry-After until an ingester is set (while the server
  // replays its write-ahead log at start).
  void set_ingester(ingest::Ingester* ingester) { ingester_.store(ingester); }

  // Normalization options for a request arriving now.
  model::BuilderOptions BuilderOptionsNow() const;

  const Rejections& rejections() const { return rejections_; }
  const IngestMetrics& metrics() const { return metrics_; }

 private:
  using Clock = std::chrono::steady_clock;

  // How one endpoint decodes and answers; the flow around it (Ingest) is shared.
  struct EndpointSpec {
    Endpoint endpoint = Endpoint::kJson;
    ingest::Protocol protocol = ingest::Protocol::kJsonArray;
    // Decodes the body into the request's state (on the I/O thread that read it).
    std::function<Status(std::string_view body, RequestState& state)> decode;
    // The answer once the records are durable.
    std::function<http::Response(const RequestState& state, Clock::time_point started)> answer;
    // The answer to a body that does not decode; default: {"code":400,"message":...}.
    std::function<http::Response(const RequestState& state)> decode_failure;
    // Body of a 503 when the commit fails; default: {"code":503,"message":...}.
    std::string_view busy_body;
  };

  // Admit, decode, commit, answer, account: every ingestion request goes through here.
  void Ingest(const http::ExchangePtr& exchange, const EndpointSpec& spec, std::string org,
              std::string stream);
  void HandleElasticInfo(const http::ExchangePtr& exchange);
  // True when the request's credentials may write to `org`; otherwise answers 401/403 (in
  // Splunk's shape on HEC paths) and returns false.
  bool Authorize(const http::ExchangePtr& exchange, std::string_view org, bool hec);
  // Admission, before the body is decoded: the ingester if the request may go on; otherwise
  // answers (503 while starting, under disk or memory pressure; 413 if it can never fit) and
  // returns null. On success `charge` holds the request's claim on the memory budget.
  ingest::Ingester* Admit(const http::ExchangePtr& exchange, ingest::Protocol protocol,
                          BudgetCharge& charge);
  // Answers a commit that failed (503 + Retry-After when retrying may help).
  void RespondCommitFailure(const http::ExchangePtr& exchange, const Status& st,
                            std::string_view body_override = {});

  // Counts a committed request's records per stream and its latency since `started`.
  void Account(Endpoint endpoint, std::chrono::steady_clock::time_point started,
               const std::string& org, const protocols::Decoded* decoded, std::size_t body_bytes);

  const IngestApiOptions options_;
  std::atomic<ingest::Ingester*> ingester_{nullptr};
  mutable Rejections rejections_;
  IngestMetrics metrics_;
  EndpointSpec json_, multi_, bulk_, hec_;
};

}  // namespace ingot::api
