// IngestFlow: what every ingestion request goes through, whatever carried it (HTTP or gRPC):
//
//   authorize (CheckCredentials, from the request's head, before its body is read)
//     -> admit (startup, disk, memory budget) -> decode on the calling thread
//     -> Ingester::Commit (WAL first) -> answer once durable -> account (metrics)
//
// A transport (ingest_api.h for HTTP, grpc/ for OTLP/gRPC) wraps each request in an IngestCall,
// which knows how to answer in the protocol's own shape, and hands it to Run(). The flow decides
// what happens; the call only formats. One instance serves every transport, so admission, the
// rejection counters and the per-endpoint metrics are the same whichever way data arrives.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/ingest_metrics.h"
#include "auth/authenticator.h"
#include "common/memory_budget.h"
#include "common/status.h"
#include "ingest/ingester.h"
#include "ingest/request_record.h"
#include "model/batch_builder.h"
#include "model/stream_key.h"
#include "protocols/decoded.h"
#include "protocols/json/bulk.h"
#include "protocols/json/hec.h"
#include "protocols/otlp/otlp.h"

namespace ingot::api {

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

// Everything a request needs until its commit reports back (the callback may run on the WAL
// thread, after the transport's handler returned).
struct RequestState {
  explicit RequestState(const model::BuilderOptions& options) : decoded(options) {
    header.options = options;
  }
  ingest::RequestHeader header;
  protocols::Decoded decoded;
  protocols::json::BulkItems bulk_items;  // _bulk: each action's outcome
  protocols::json::HecResult hec;         // HEC: the decoder's verdict
  protocols::otlp::ExportResult otlp;     // OTLP: records rejected, for partial_success
  BudgetCharge charge;                    // released when the request is done
};

// Why a request was not stored, in HTTP terms.
struct Refusal {
  // 400 malformed, 401/403 credentials, 413 can never fit, 415 unknown content type, 500 an
  // unexpected error, 503 busy (starting, memory, disk, WAL): retrying later may succeed.
  int status = 500;
  std::string message;
  auth::Failure auth_failure = auth::Failure::kNone;  // for 401/403

  bool retryable() const { return status == 429 || status == 503; }
};

// One request, seen from the flow. The transport subclasses it to answer in its protocol's shape;
// the flow calls exactly one of Refuse() and Accept(), once, from the calling thread or the WAL
// thread, and keeps the call alive until then.
class IngestCall {
 public:
  explicit IngestCall(const model::BuilderOptions& options) : state(options) {}
  virtual ~IngestCall() = default;
  IngestCall(const IngestCall&) = delete;
  IngestCall& operator=(const IngestCall&) = delete;

  // The request was not stored. `state` holds what decoding produced when it failed there.
  virtual void Refuse(const Refusal& refusal) = 0;
  // The request's records are durable; `state` says what was stored.
  virtual void Accept(std::chrono::steady_clock::time_point started) = 0;

  RequestState state;
};

// How one endpoint decodes; the flow around it is shared.
struct EndpointSpec {
  Endpoint endpoint = Endpoint::kJson;
  ingest::Protocol protocol = ingest::Protocol::kJsonArray;
  model::StreamType type = model::StreamType::kLogs;
  bool hec = false;  // the Splunk credential scheme is accepted (Authenticator)
  // The body names each record's stream (_bulk `_index`, HEC `index`; the decoder checks those
  // names): Run's `stream` is only the default, and is not checked.
  bool streams_in_body = false;
  // Bytes of the body simdjson indexes as one document (about five bytes of index per byte, on
  // top of the columns): 0 for line-by-line and binary formats, the body for _json.
  std::uint64_t document_index_cap = 0;
  // Copies of the body the transport holds outside the HTTP server's accounting (gRPC: the
  // message it read and ingot's contiguous copy), charged with the decode estimate.
  std::uint32_t transport_body_copies = 0;
  // Decodes the body into the request's state, on the thread that received it. kInvalidInput
  // answers 400, kTooLarge 413.
  std::function<Status(std::string_view body, RequestState& state)> decode;
};

class IngestFlow {
 public:
  explicit IngestFlow(const IngestApiOptions& options);

  // Ingestion answers 503 (UNAVAILABLE) until an ingester is set (while the server replays its
  // write-ahead log at start).
  void set_ingester(ingest::Ingester* ingester) { ingester_.store(ingester); }

  // A fresh call's builder options: normalization settings and the `_timestamp` window for a
  // request arriving now.
  model::BuilderOptions BuilderOptionsNow() const;

  // Takes `call` through the flow for `spec`, writing to `org` / `stream` as the client named them
  // (model::StreamName sanitizes and checks both, for every transport: a name that cannot be
  // stored is refused with 400 before anything is written; `stream` is only the default for
  // endpoints whose bodies name streams). `body` (with kInputPadding readable bytes
  // after it) must stay valid until the call is answered. `held_bytes`: memory the transport holds
  // for this request and has already charged to the memory budget (its body buffers); a request
  // whose decoding could never fit next to it is 413.
  // REQUIRES: CheckCredentials allowed this request to write to `org`, before its body was read.
  void Run(const EndpointSpec& spec, std::shared_ptr<IngestCall> call, std::string_view org,
           std::string_view stream, std::string_view body, std::uint64_t held_bytes);

  // Whether `authorization` (an Authorization header or gRPC metadata value; empty when none) may
  // write to `org` as the client named it (sanitized here, as Run stores it; a name Run refuses
  // is then refused there) (`hec`: on a Splunk HEC path); the refusal (401 or 403, counted) when
  // not.
  // Transports call it from the request's head, before they read, decompress or buffer its body:
  // a client without credentials must not be able to make the server spend memory on it.
  std::optional<Refusal> CheckCredentials(std::string_view authorization, std::string_view org,
                                          bool hec);

  // Counts a request answered outside Run (e.g. 415 before an endpoint was chosen).
  void CountRefusal(Endpoint endpoint, std::chrono::steady_clock::time_point started);

  const IngestApiOptions& options() const { return options_; }
  const Rejections& rejections() const { return rejections_; }
  const IngestMetrics& metrics() const { return metrics_; }

 private:
  // Admission, before the body is decoded: the ingester, or null with `refusal` set (503 while
  // starting, under disk or memory pressure; 413 if it can never fit). On success `charge` holds
  // the request's claim on the memory budget.
  ingest::Ingester* Admit(const EndpointSpec& spec, std::size_t body_bytes,
                          std::uint64_t held_bytes, BudgetCharge& charge, Refusal& refusal);
  // The refusal for a commit that failed (503 when retrying may help).
  Refusal CommitFailure(const Status& st);
  // Counts a request's records per stream and its latency since `started`.
  void Account(Endpoint endpoint, std::chrono::steady_clock::time_point started,
               const std::string& org, const protocols::Decoded* decoded, std::size_t body_bytes);

  const IngestApiOptions options_;
  std::atomic<ingest::Ingester*> ingester_{nullptr};
  Rejections rejections_;
  IngestMetrics metrics_;
};

}  // namespace ingot::api
