#include "ingest/ingest_flow.h"

#include <algorithm>

#include "fingerprint/fingerprint.h"
#include "model/names.h"
#include "model/timestamp.h"

namespace ingot::ingest {

namespace {

// Bytes of memory a request of `body_bytes` may need while it is decoded and waits for the WAL:
// its columns (values, offsets, definition bytes: at most about twice the input for log-like
// data, more for binary formats: ProtocolSpec::column_bytes_per_body_byte), plus, for bodies
// simdjson parses as one document, the parser's index of the document (about four bytes per input
// byte); for bodies uncompressed before they are read (Loki's snappy protobuf), the uncompressed
// bytes three times: the buffer they are uncompressed into, and the columns made from them.
std::uint64_t DecodeEstimate(const EndpointSpec& spec, std::string_view body_text) {
  const std::uint64_t body = body_text.size();
  const std::uint64_t uncompressed =
      spec.protocol->uncompressed_bytes ? spec.protocol->uncompressed_bytes(body_text) : 0;
  return (spec.protocol->column_bytes_per_body_byte + spec.transport_body_copies) * body + 4096 +
         5 * std::min(body, spec.protocol->document_index_cap) + 3 * uncompressed;
}

Refusal Busy(std::string message) { return Refusal{503, std::move(message), {}}; }

template <typename T>
double Load(const std::atomic<T>& a) {
  return static_cast<double>(a.load(std::memory_order_relaxed));
}

}  // namespace

int GrpcCodeFor(const Refusal& refusal) {
  switch (refusal.status) {
    case 400: return 3;   // INVALID_ARGUMENT
    case 401: return 16;  // UNAUTHENTICATED
    case 403: return 7;   // PERMISSION_DENIED
    case 413: return 8;   // RESOURCE_EXHAUSTED
    case 415: return 3;   // INVALID_ARGUMENT
    case 429: return 8;   // RESOURCE_EXHAUSTED
    case 500: return 13;  // INTERNAL
    case 503: return 14;  // UNAVAILABLE
    default: return 2;    // UNKNOWN
  }
}

IngestFlow::IngestFlow(const IngestFlowOptions& options) : options_(options) {}

model::BuilderOptions IngestFlow::BuilderOptionsNow() const {
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

void IngestFlow::SetMessageOptions(const protocols::ProtocolSpec& protocol,
                                   model::BuilderOptions& options) const {
  if (!options_.fingerprint) return;
  switch (protocol.message) {
    case protocols::MessageSource::kNone: return;
    case protocols::MessageSource::kFields:
      options.message_fields = options_.fingerprint_fields;
      break;
    case protocols::MessageSource::kBody: options.message_fields = "body"; break;
  }
  options.fingerprint = &fingerprint::FingerprintMessage;
}

std::optional<Refusal> IngestFlow::CheckCredentials(std::string_view authorization,
                                                    std::string_view org, bool hec,
                                                    std::string_view api_key) {
  if (options_.authenticator == nullptr) return std::nullopt;
  const std::string stored_org = model::SanitizeStreamName(org);
  auth::Decision d =
      authorization.empty() && !api_key.empty()
          ? options_.authenticator->CheckApiKey(api_key, stored_org)
          : options_.authenticator->CheckAuthorization(authorization, stored_org, hec);
  if (d.allowed()) return std::nullopt;
  rejections_.auth.fetch_add(1, std::memory_order_relaxed);
  return Refusal{d.status, std::move(d.message), d.failure};
}

Ingester* IngestFlow::Admit(const EndpointSpec& spec, std::string_view body,
                            std::uint64_t held_bytes, BudgetCharge& charge, Refusal& refusal) {
  Ingester* ingester = ingester_.load();
  if (ingester == nullptr) {
    rejections_.starting.fetch_add(1, std::memory_order_relaxed);
    refusal = Busy("starting up: replaying the write-ahead log; retry shortly");
    return nullptr;
  }
  if (options_.disk_low != nullptr && options_.disk_low->load(std::memory_order_relaxed)) {
    rejections_.disk.fetch_add(1, std::memory_order_relaxed);
    refusal = Busy("free disk space is below --min-free-disk; retry later");
    return nullptr;
  }
  if (MemoryBudget* budget = options_.memory_budget) {
    const std::uint64_t need = DecodeEstimate(spec, body);
    // Next to the body buffers already charged, a request that cannot fit even an empty budget
    // never will: 413, so that the client stops instead of retrying a 503 forever.
    if (need > budget->limit() - std::min(held_bytes, budget->limit())) {
      rejections_.too_large.fetch_add(1, std::memory_order_relaxed);
      refusal = Refusal{413,
                        "the request needs about " + std::to_string(need) +
                            " bytes of memory to decode, more than --memory-limit allows; send "
                            "smaller requests",
                        {}};
      return nullptr;
    }
    if (!budget->TryCharge(need)) {
      rejections_.memory.fetch_add(1, std::memory_order_relaxed);
      refusal = Busy("memory limit reached; retry later");
      return nullptr;
    }
    charge = BudgetCharge(budget, need);
  }
  return ingester;
}

Refusal IngestFlow::CommitFailure(const Status& st) {
  // 503 when the server cannot make data durable now (WAL or disk); 500 otherwise.
  const bool retry = st.code() == StatusCode::kResourceExhausted ||
                     st.code() == StatusCode::kUnavailable || st.code() == StatusCode::kIoError;
  if (retry) rejections_.wal.fetch_add(1, std::memory_order_relaxed);
  return Refusal{retry ? 503 : 500, st.message(), {}};
}

void IngestFlow::Account(Endpoint endpoint, std::chrono::steady_clock::time_point started,
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

void IngestFlow::CountRefusal(Endpoint endpoint, std::chrono::steady_clock::time_point started) {
  Account(endpoint, started, {}, nullptr, 0);
}

void IngestFlow::Run(const EndpointSpec& spec, std::shared_ptr<IngestCall> call,
                     std::string_view org, std::string_view stream, std::string_view body,
                     std::uint64_t held_bytes) {
  const auto started = std::chrono::steady_clock::now();
  const protocols::ProtocolSpec& protocol = *spec.protocol;
  RequestState& state = call->state;
  state.header.protocol = protocol.id;
  state.header.type = protocol.type;
  SetMessageOptions(protocol, state.header.options);
  state.decoded.mutable_options() = state.header.options;  // before the decoder makes a stream
  Result<std::string> org_name = model::StreamName(org, "org");
  Result<std::string> stream_name = protocol.streams_in_body
                                        ? Result<std::string>(std::string(stream))
                                        : model::StreamName(stream, "stream");
  for (const Status* st : {&org_name.status(), &stream_name.status()}) {
    if (st->ok()) continue;
    rejections_.parse.fetch_add(1, std::memory_order_relaxed);
    call->Refuse({400, st->message(), {}});
    CountRefusal(spec.endpoint, started);
    return;
  }
  state.header.org = std::move(*org_name);
  state.header.stream = std::move(*stream_name);
  // Credentials were checked by the transport, before the body was read (CheckCredentials).
  Refusal refusal;
  Ingester* ingester = Admit(spec, body, held_bytes, state.charge, refusal);
  if (ingester == nullptr) {
    call->Refuse(refusal);
    return;
  }
  const Status st = protocol.decode(body, state.header.stream, state.header.variant, state.decoded,
                                    state.outcome);
  if (!st.ok()) {
    rejections_.parse.fetch_add(1, std::memory_order_relaxed);
    call->Refuse({st.code() == StatusCode::kTooLarge ? 413 : 400, st.message(), {}});
    Account(spec.endpoint, started, state.header.org, nullptr, body.size());
    return;
  }
  state.decoded.Finish();
  ingester->Commit(state.header, body, state.decoded,
                   [this, endpoint = spec.endpoint, call = std::move(call), started,
                    bytes = body.size()](const Status& commit) {
                     if (commit.ok()) {
                       call->Accept(started);
                     } else {
                       call->Refuse(CommitFailure(commit));
                     }
                     Account(endpoint, started, call->state.header.org,
                             commit.ok() ? &call->state.decoded : nullptr, bytes);
                   });
}

void IngestFlow::RenderRequests(std::string& out) const {
  metrics_.RenderMetrics(out);
  if (const Ingester* ingester = ingester_.load()) ingester->RenderMetrics(out);
}

void IngestFlow::RenderAdmission(std::string& out) const {
  using prometheus::Help;
  using prometheus::Sample;
  if (const MemoryBudget* b = options_.memory_budget) {
    Help(out, "ingot_memory_budget_bytes", "gauge", "The memory budget (--memory-limit).");
    Sample(out, "ingot_memory_budget_bytes", "", static_cast<double>(b->limit()));
    Help(out, "ingot_memory_used_bytes", "gauge",
         "Memory charged to the budget: request bodies, decoding, buffered records, files being "
         "written.");
    Sample(out, "ingot_memory_used_bytes", "", static_cast<double>(b->used()));
  }
  const Rejections& r = rejections_;
  Help(out, "ingot_rejected_requests_total", "counter",
       "Ingestion requests refused before their data was stored, by reason.");
  const std::uint64_t memory_elsewhere =
      transport_memory_refusals_ != nullptr ? transport_memory_refusals_->load() : 0;
  Sample(out, "ingot_rejected_requests_total", "reason=\"memory\"",
         Load(r.memory) + static_cast<double>(memory_elsewhere));
  Sample(out, "ingot_rejected_requests_total", "reason=\"disk\"", Load(r.disk));
  Sample(out, "ingot_rejected_requests_total", "reason=\"parse\"", Load(r.parse));
  Sample(out, "ingot_rejected_requests_total", "reason=\"size\"", Load(r.too_large));
  Sample(out, "ingot_rejected_requests_total", "reason=\"wal\"", Load(r.wal));
  Sample(out, "ingot_rejected_requests_total", "reason=\"starting\"", Load(r.starting));
  Sample(out, "ingot_rejected_requests_total", "reason=\"auth\"", Load(r.auth));
  if (const std::atomic<bool>* low = options_.disk_low) {
    Help(out, "ingot_disk_low", "gauge", "1 while free disk space is below --min-free-disk.");
    Sample(out, "ingot_disk_low", "", low->load() ? 1 : 0);
  }
}

}  // namespace ingot::ingest
