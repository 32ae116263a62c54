// IngestFlow: what every ingestion request goes through, whatever carried it (HTTP or gRPC):
//
//   authorize (CheckCredentials, from the request's head, before its body is read)
//     -> admit (startup, disk, memory budget) -> decode on the calling thread
//     -> Ingester::Commit (WAL first) -> answer once durable -> account (metrics)
//
// A transport (api/ingest_api.h for HTTP, grpc/ for OTLP/gRPC) wraps each request in an
// IngestCall, which knows how to answer in the protocol's own shape, and hands it to Run() with the
// endpoint's spec, whose protocol (protocols/registry.h) says how to decode. The flow decides what
// happens; the call only formats. One instance serves every transport, so admission, the rejection
// counters and the per-endpoint metrics are the same whichever way data arrives.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/authenticator.h"
#include "common/memory_budget.h"
#include "common/prometheus_text.h"
#include "common/status.h"
#include "fingerprint/fingerprint.h"
#include "ingest/ingest_metrics.h"
#include "ingest/ingester.h"
#include "ingest/request_record.h"
#include "model/batch_builder.h"
#include "protocols/decoded.h"
#include "protocols/registry.h"

namespace ingot::ingest {

struct IngestFlowOptions {
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
  // Log records get `_fingerprint` and `_template` (docs/fingerprint.md): --fingerprint.
  bool fingerprint = true;
  // Where the JSON family's message is (formatted column names, comma-separated, in order of
  // preference): --fingerprint-fields.
  std::string fingerprint_fields{fingerprint::kDefaultMessageFields};
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
  RequestHeader header;
  protocols::Decoded decoded;
  protocols::DecodeOutcome outcome;  // what the decoder reported besides rows
  BudgetCharge charge;               // released when the request is done
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

// The gRPC status code (google.rpc.Code) of a refusal, for OTLP/gRPC and OTLP/HTTP's Status
// bodies alike: 400 INVALID_ARGUMENT, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 413
// RESOURCE_EXHAUSTED (no retry information: retrying does not help), 415 INVALID_ARGUMENT, 429
// RESOURCE_EXHAUSTED, 503 UNAVAILABLE, 500 INTERNAL, others UNKNOWN.
int GrpcCodeFor(const Refusal& refusal);

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

// One endpoint of a transport: its protocol (how the body is decoded, what its WAL record says,
// where its records go: protocols/registry.h) and what the flow counts it as; the flow around it
// is shared.
struct EndpointSpec {
  Endpoint endpoint = Endpoint::kJson;
  const protocols::ProtocolSpec* protocol = nullptr;  // registered, never null
  bool hec = false;  // the Splunk credential scheme is accepted (Authenticator)
  // Copies of the body the transport holds outside the HTTP server's accounting (gRPC: the
  // message it read and ingot's contiguous copy), charged with the decode estimate.
  std::uint32_t transport_body_copies = 0;
};

class IngestFlow {
 public:
  explicit IngestFlow(const IngestFlowOptions& options);

  // Ingestion answers 503 (UNAVAILABLE) until an ingester is set (while the server replays its
  // write-ahead log at start).
  void set_ingester(Ingester* ingester) { ingester_.store(ingester); }

  // A fresh call's builder options: normalization settings and the `_timestamp` window for a
  // request arriving now.
  model::BuilderOptions BuilderOptionsNow() const;
  // Sets where `protocol`'s records have their message, and the fingerprint function, in
  // `options` (nothing for protocols without messages, or with --fingerprint off).
  void SetMessageOptions(const protocols::ProtocolSpec& protocol,
                         model::BuilderOptions& options) const;

  // Takes `call` through the flow for `spec` (decoding with spec.protocol's decoder on this
  // thread), writing to `org` / `stream` as the client named them
  // (model::StreamName sanitizes and checks both, for every transport: a name that cannot be
  // stored is refused with 400 before anything is written; `stream` is only the default for
  // endpoints whose bodies name streams). `body` (with kInputPadding readable bytes
  // after it) must stay valid until the call is answered. `held_bytes`: memory the transport holds
  // for this request and has already charged to the memory budget (its body buffers); a request
  // whose decoding could never fit next to it is 413.
  // The protocol's per-request option (its WAL record's variant, e.g. the line protocol's
  // precision) is the transport's to set in call->state.header.variant before Run.
  // REQUIRES: CheckCredentials allowed this request to write to `org`, before its body was read.
  void Run(const EndpointSpec& spec, std::shared_ptr<IngestCall> call, std::string_view org,
           std::string_view stream, std::string_view body, std::uint64_t held_bytes);

  // Whether `authorization` (an Authorization header or gRPC metadata value; empty when none) may
  // write to `org` as the client named it (sanitized here, as Run stores it; a name Run refuses
  // is then refused there) (`hec`: on a Splunk HEC path); the refusal (401 or 403, counted) when
  // not.
  // Transports call it from the request's head, before they read, decompress or buffer its body:
  // a client without credentials must not be able to make the server spend memory on it.
  // `api_key`: an `x-api-key` header's value, on the endpoints that take one (Arc's); it is
  // checked as a token when there is no Authorization header.
  std::optional<Refusal> CheckCredentials(std::string_view authorization, std::string_view org,
                                          bool hec, std::string_view api_key = {});

  // Counts a request answered outside Run (e.g. 415 before an endpoint was chosen).
  void CountRefusal(Endpoint endpoint, std::chrono::steady_clock::time_point started);

  const IngestFlowOptions& options() const { return options_; }
  const Rejections& rejections() const { return rejections_; }
  const IngestMetrics& metrics() const { return metrics_; }

  // /metrics: records, bytes and latency per endpoint and stream (IngestMetrics), then, once an
  // ingester is set, its totals.
  const MetricsSection& requests_section() const { return requests_section_; }
  // /metrics: the memory budget, the requests refused before their data was stored by reason,
  // the low-disk gauge (as options() has them).
  const MetricsSection& admission_section() const { return admission_section_; }
  // Adds `refusals` (requests a transport refused for memory before they reached the flow: the
  // HTTP server's body buffers) to the memory refusals admission_section() shows. Call before
  // the transport starts; `refusals` must outlive the flow's sections being rendered.
  void AddMemoryRefusals(const std::atomic<std::uint64_t>* refusals) {
    transport_memory_refusals_ = refusals;
  }

 private:
  // A /metrics section one of the flow's Render* functions writes.
  class Section final : public MetricsSection {
   public:
    using Render = void (IngestFlow::*)(std::string& out) const;
    Section(const IngestFlow& flow, Render render) : flow_(flow), render_(render) {}
    void RenderMetrics(std::string& out) const override { (flow_.*render_)(out); }

   private:
    const IngestFlow& flow_;
    const Render render_;
  };

  void RenderRequests(std::string& out) const;
  void RenderAdmission(std::string& out) const;
  // Admission, before the body is decoded: the ingester, or null with `refusal` set (503 while
  // starting, under disk or memory pressure; 413 if it can never fit). On success `charge` holds
  // the request's claim on the memory budget.
  Ingester* Admit(const EndpointSpec& spec, std::string_view body, std::uint64_t held_bytes,
                  BudgetCharge& charge, Refusal& refusal);
  // The refusal for a commit that failed (503 when retrying may help).
  Refusal CommitFailure(const Status& st);
  // Counts a request's records per stream and its latency since `started`.
  void Account(Endpoint endpoint, std::chrono::steady_clock::time_point started,
               const std::string& org, const protocols::Decoded* decoded, std::size_t body_bytes);

  const IngestFlowOptions options_;
  std::atomic<Ingester*> ingester_{nullptr};
  Rejections rejections_;
  IngestMetrics metrics_;
  const std::atomic<std::uint64_t>* transport_memory_refusals_ = nullptr;
  const Section requests_section_{*this, &IngestFlow::RenderRequests};
  const Section admission_section_{*this, &IngestFlow::RenderAdmission};
};

}  // namespace ingot::ingest
