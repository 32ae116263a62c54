// Every registered protocol round-trips through the WAL: a sample body is taken through the
// IngestFlow as a transport hands it over (HTTP and gRPC give Run an EndpointSpec naming the
// registry entry, nothing else), its WAL record is encoded as Ingester::Commit writes it (the
// request's header, then the body), and the record is read back and decoded as WAL replay does
// (DecodeRequestRecord, then DecodeRequestBody). Both must give the same streams, the same columns
// with the same types and values, and the same per-record failures: otherwise a request replayed
// after a crash would store something else than what was acknowledged.
//
// Each registered protocol needs a sample here; a protocol added to the registry without one fails
// EveryRegisteredProtocolHasASample.
#include <gtest/gtest.h>
#include <snappy.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <msgpack.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/input_padding.h"
#include "ingest/ingest_flow.h"
#include "ingest/ingester.h"
#include "ingest/request_record.h"
#include "loki_push.pb.h"
#include "memtable/memtable.h"
#include "model/timestamp.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "protocols/registry.h"
#include "remote_write.pb.h"

namespace ingot::ingest {
namespace {

using protocols::Protocol;
namespace logs_v1 = opentelemetry::proto::collector::logs::v1;
namespace metrics_v1 = opentelemetry::proto::collector::metrics::v1;
namespace trace_v1 = opentelemetry::proto::collector::trace::v1;

// Records with a `_timestamp` in 1970 fall outside the accepted window (IngestFlowOptions
// max_past_us below) and fail one by one; records without one take the request's time.
constexpr std::uint64_t k1970Ns = 5'000'000'000ULL;

struct Sample {
  std::string body;
  std::string stream;        // as the transport names it (the default stream for _bulk and HEC)
  std::uint8_t variant = 0;  // the request's per-protocol option, set by the transport
};

std::string OtlpLogs() {
  logs_v1::ExportLogsServiceRequest request;
  auto* resource_logs = request.add_resource_logs();
  auto* attr = resource_logs->mutable_resource()->add_attributes();
  attr->set_key("service.name");
  attr->mutable_value()->set_string_value("checkout");
  auto* scope = resource_logs->add_scope_logs();
  scope->mutable_scope()->set_name("lib");
  auto* ok = scope->add_log_records();
  ok->mutable_body()->set_string_value("hello");
  ok->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_WARN);
  auto* a = ok->add_attributes();
  a->set_key("http.status_code");
  a->mutable_value()->set_int_value(507);
  auto* kv = scope->add_log_records();
  kv->mutable_body()->mutable_kvlist_value()->add_values()->set_key("empty");
  kv->set_trace_id(std::string(16, '\x0a'));
  auto* old = scope->add_log_records();
  old->set_time_unix_nano(k1970Ns);
  old->mutable_body()->set_double_value(0.25);
  return request.SerializeAsString();
}

std::string OtlpMetrics() {
  metrics_v1::ExportMetricsServiceRequest request;
  auto* scope = request.add_resource_metrics()->add_scope_metrics();
  auto* gauge = scope->add_metrics();
  gauge->set_name("queue.depth");
  auto* p1 = gauge->mutable_gauge()->add_data_points();
  p1->set_as_int(17);
  auto* p2 = gauge->mutable_gauge()->add_data_points();
  p2->set_as_double(1.5);
  p2->set_time_unix_nano(k1970Ns);
  auto* sum = scope->add_metrics();
  sum->set_name("requests");
  sum->mutable_sum()->set_is_monotonic(true);
  sum->mutable_sum()->add_data_points()->set_as_int(5);
  auto* histogram = scope->add_metrics();
  histogram->set_name("latency");
  auto* h = histogram->mutable_histogram()->add_data_points();
  h->set_count(3);
  h->set_sum(145);
  h->add_explicit_bounds(10);
  h->add_explicit_bounds(100);
  h->add_bucket_counts(1);
  h->add_bucket_counts(1);
  h->add_bucket_counts(1);
  return request.SerializeAsString();
}

std::string OtlpTraces() {
  trace_v1::ExportTraceServiceRequest request;
  auto* scope = request.add_resource_spans()->add_scope_spans();
  auto* span = scope->add_spans();
  span->set_name("GET /checkout");
  span->set_trace_id(std::string(16, '\x01'));
  span->set_span_id(std::string(8, '\x02'));
  span->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
  auto* event = span->add_events();
  event->set_name("card declined");
  auto* attr = span->add_attributes();
  attr->set_key("retry");
  attr->mutable_value()->set_bool_value(true);
  auto* old = scope->add_spans();
  old->set_name("old");
  old->set_start_time_unix_nano(k1970Ns);
  return request.SerializeAsString();
}

// Loki push: two streams (labels with escapes), structured metadata, an entry from 1970.
logproto::PushRequest LokiPush() {
  logproto::PushRequest request;
  auto* api = request.add_streams();
  api->set_labels(R"({app="api", path="C:\\logs \"x\""})");
  auto* e = api->add_entries();
  e->mutable_timestamp()->set_seconds(model::NowMicros() / 1'000'000 - 60);
  e->mutable_timestamp()->set_nanos(123'456'789);
  e->set_line("GET /health 200");
  auto* meta = e->add_structured_metadata();
  meta->set_name("trace_id");
  meta->set_value("abc");
  auto* old = api->add_entries();
  old->mutable_timestamp()->set_seconds(5);
  old->set_line("old");
  auto* worker = request.add_streams();
  worker->set_labels(R"({app="worker"})");
  worker->add_entries()->set_line("worker line");
  worker->mutable_entries(0)->mutable_timestamp()->set_seconds(model::NowMicros() / 1'000'000);
  return request;
}

std::string LokiProtobuf() {
  const std::string message = LokiPush().SerializeAsString();
  std::string body;
  snappy::Compress(message.data(), message.size(), &body);
  return body;
}

// A record of twenty fields, over IngestFlowOptions::max_fields below: it fails by itself.
std::string TwentyFields() {
  std::string out = "{";
  for (int i = 0; i < 20; ++i) {
    out += (i == 0 ? "\"f" : ",\"f") + std::to_string(i) + "\":" + std::to_string(i);
  }
  return out + "}";
}

// Arc MessagePack: a row item (tags, fields, a nested map, no `t`: the request's time), a
// columnar item of another measurement with a null, and a compact row (h, f).
std::string ArcMsgpack() {
  ::msgpack::sbuffer buffer;
  ::msgpack::packer<::msgpack::sbuffer> p(buffer);
  auto str = [&](std::string_view s) {
    p.pack_str(static_cast<std::uint32_t>(s.size()));
    p.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
  };
  p.pack_array(3);
  p.pack_map(3);
  str("m"), str("cpu");
  str("tags"), p.pack_map(1), str("host"), str("h1");
  str("fields"), p.pack_map(3), str("usage"), p.pack(1.5), str("n"), p.pack(3);
  str("net"), p.pack_map(1), str("rx"), p.pack(true);
  p.pack_map(2);
  str("m"), str("mem");
  str("columns"), p.pack_map(2);
  str("free"), p.pack_array(2), p.pack(7), p.pack_nil();
  str("zone"), p.pack_array(2), str("a"), str("b");
  p.pack_map(3);
  str("m"), str("cpu");
  str("h"), str("h2");
  str("f"), p.pack_array(2), p.pack(2.5), str("s");
  return std::string(buffer.data(), buffer.size());
}

// Prometheus remote_write 1.0 and 2.0: series with labels and metadata, a sample now and one in
// 1970 that fails; 2.0 also a native histogram.
std::string PromRemoteWrite(bool v2) {
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  if (!v2) {
    ingot::promrw::WriteRequest request;
    auto* meta = request.add_metadata();
    meta->set_type(1);
    meta->set_metric_family_name("http_requests");
    meta->set_help("Requests.");
    for (const char* name : {"http_requests_total", "up"}) {
      auto* ts = request.add_timeseries();
      auto* label = ts->add_labels();
      label->set_name("__name__");
      label->set_value(name);
      label = ts->add_labels();
      label->set_name("job");
      label->set_value("api");
      auto* sample = ts->add_samples();
      sample->set_value(1.5);
      sample->set_timestamp(now_ms);
      ts->add_samples()->set_timestamp(5000);
    }
    return request.SerializeAsString();
  }
  ingot::promrw::RequestV2 request;
  for (const char* s : {"", "__name__", "up", "job", "api", "Help."}) request.add_symbols(s);
  auto* ts = request.add_timeseries();
  for (std::uint32_t ref : {1, 2, 3, 4}) ts->add_labels_refs(ref);
  ts->mutable_metadata()->set_type(2);
  ts->mutable_metadata()->set_help_ref(5);
  auto* sample = ts->add_samples();
  sample->set_value(2);
  sample->set_timestamp(now_ms);
  ts->add_samples()->set_timestamp(5000);
  auto* histogram = request.add_timeseries();
  for (std::uint32_t ref : {1, 2}) histogram->add_labels_refs(ref);
  auto* h = histogram->add_histograms();  // a native histogram: one row of its own
  h->set_count_int(3);
  h->set_schema(1);
  auto* span = h->add_positive_spans();
  span->set_offset(1);
  span->set_length(2);
  h->add_positive_deltas(1);
  h->add_positive_deltas(1);
  h->set_timestamp(now_ms);
  return request.SerializeAsString();
}

// A sample per registered protocol: several columns and types, nesting, and where the protocol
// allows it several streams and records failing one by one.
std::map<Protocol, Sample> Samples() {
  std::map<Protocol, Sample> samples;
  samples[Protocol::kJsonArray] = {
      R"([{"a":1,"s":"x","n":{"b":true,"c":{"d":[1,2]}}},{"a":2.5,"_timestamp":5},)"
      R"({"a":"text","e":null},)" +
          TwentyFields() + "]",
      "app"};
  samples[Protocol::kNdjson] = {
      "{\"a\":1,\"s\":\"x\",\"msg\":\"took 5ms\"}\n\n{\"a\":\"t\",\"_timestamp\":5}\n"
      "{\"n\":{\"m\":{\"o\":{\"p\":1}}}}\n" +
          TwentyFields() + "\n",
      "app"};
  samples[Protocol::kBulk] = {
      "{\"index\":{\"_index\":\"x\"}}\n{\"a\":1}\n"
      "{\"create\":{\"_index\":\"y\",\"_id\":\"7\"}}\n{\"b\":\"two\",\"_timestamp\":5}\n"
      "{\"index\":{\"_index\":\"y\"}}\n{\"b\":2.5}\n"
      "{\"delete\":{\"_index\":\"x\",\"_id\":\"1\"}}\n",
      ""};
  samples[Protocol::kHec] = {
      R"({"event":"e","index":"web","host":"h"}{"event":{"k":1,"l":[1]},"fields":{"f":"v"}})"
      "\n"
      R"({"event":"x","sourcetype":"t","source":"s"})",
      "default"};
  const std::string logs_json =
      R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":)"
      R"({"stringValue":"checkout"}}]},"scopeLogs":[{"logRecords":[{"body":{"stringValue":"hi"},)"
      R"("attributes":[{"key":"n","value":{"intValue":"3"}}]},{"timeUnixNano":"5000000000",)"
      R"("body":{"stringValue":"old"}}]}]}]})";
  const std::string metrics_json =
      R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":)"
      R"({"dataPoints":[{"asInt":"3"},{"asDouble":1.5,"timeUnixNano":"5000000000"}]}},)"
      R"({"name":"s","sum":{"isMonotonic":true,"dataPoints":[{"asDouble":2}]}}]}]}]})";
  const std::string traces_json =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"GET /","kind":2,)"
      R"("traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331"},)"
      R"({"name":"old","startTimeUnixNano":"5000000000"}]}]}]})";
  samples[Protocol::kOtlpLogsProtobuf] = {OtlpLogs(), "app"};
  samples[Protocol::kOtlpLogsJson] = {logs_json, "app"};
  samples[Protocol::kOtlpMetricsProtobuf] = {OtlpMetrics(), "app"};
  samples[Protocol::kOtlpMetricsJson] = {metrics_json, "app"};
  samples[Protocol::kOtlpTracesProtobuf] = {OtlpTraces(), "app"};
  samples[Protocol::kOtlpTracesJson] = {traces_json, "app"};
  // Millisecond precision (the variant): a point a minute ago is in the window only when its
  // timestamp is read as milliseconds.
  const std::string minute_ago_ms = std::to_string(model::NowMicros() / 1000 - 60'000);
  samples[Protocol::kInfluxLine] = {
      "cpu,host=a,my\\ tag=x\\,y usage=1.5,n=3i,ok=t,s=\"q\\\"\" " + minute_ago_ms +
          "\n"
          "# a comment\r\n"
          "mem free=7u\n"
          "cpu usage=\n"          // bad line
          "cpu usage=2i 5000\n",  // 1970: outside the window
      "", static_cast<std::uint8_t>(protocols::influx::Precision::kMilliseconds)};
  samples[Protocol::kArcMsgpack] = {ArcMsgpack(), ""};
  samples[Protocol::kPromRemoteWrite] = {PromRemoteWrite(false), "prometheus"};
  samples[Protocol::kPromRemoteWriteV2] = {PromRemoteWrite(true), "prometheus"};
  samples[Protocol::kLokiProtobuf] = {LokiProtobuf(), "app"};
  const std::string now_ns = std::to_string(model::NowMicros() * 1000 - 60'000'000'123);
  samples[Protocol::kLokiJson] = {
      R"({"streams":[{"stream":{"app":"api","q":"say \"hi\""},"values":[[")" + now_ns +
          R"(","line one",{"trace_id":"abc","user":"u1"}],["5000000000","1970"]]},)"
          R"({"values":[[")" +
          now_ns + R"(","two"]],"stream":{"app":"worker"}}]})",
      "app"};
  return samples;
}

std::string Padded(std::string_view body) {
  std::string s(body);
  s.append(kInputPadding, '\0');
  return s;
}

// Every column of `batch`: name, type, and each row's value or null, as text.
std::string Describe(const model::RecordBatch& batch) {
  std::string out = std::to_string(batch.num_rows()) + " rows\n";
  for (std::size_t c = 0; c < batch.num_columns(); ++c) {
    const model::Column& column = batch.column(c);
    out += column.name() + " " + std::string(model::ColumnTypeName(column.type())) + ":";
    std::size_t value = 0;
    for (std::size_t r = 0; r < column.rows(); ++r) {
      out += " ";
      if (!column.is_defined(r)) {
        out += "null";
        continue;
      }
      switch (column.type()) {
        case model::ColumnType::kBool: out += column.bools()[value] ? "true" : "false"; break;
        case model::ColumnType::kInt64:
        case model::ColumnType::kTimestamp: out += std::to_string(column.ints()[value]); break;
        case model::ColumnType::kFloat64: {
          char text[32];
          std::snprintf(text, sizeof text, "%.17g", column.doubles()[value]);
          out += text;
          break;
        }
        case model::ColumnType::kString:
          out += "\"" + std::string(column.string_at(value)) + "\"";
          break;
      }
      ++value;
    }
    out += "\n";
  }
  return out;
}

// What a memtable was given: every partition (org, type, stream, hour) and its rows.
class Partitions {
 public:
  Partitions()
      : memtable_({}, [this](memtable::SealedPartition&& p) {
          std::lock_guard lock(mu_);
          sealed_.push_back(std::move(p));
        }) {}

  memtable::Memtable& memtable() { return memtable_; }

  std::map<std::string, std::string> Take() {
    memtable_.SealAll();
    std::lock_guard lock(mu_);
    std::map<std::string, std::string> out;
    for (memtable::SealedPartition& p : sealed_) {
      const std::string key = p.key.org + "/" + std::string(model::StreamTypeName(p.key.type)) +
                              "/" + p.key.stream + "/" + std::to_string(p.hour);
      out[key] += Describe(p.Merge());
    }
    sealed_.clear();
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<memtable::SealedPartition> sealed_;
  memtable::Memtable memtable_;
};

// Keeps what the flow said.
class RecordingCall final : public IngestCall {
 public:
  using IngestCall::IngestCall;
  void Refuse(const Refusal& refusal) override { refusal_ = refusal; }
  void Accept(std::chrono::steady_clock::time_point) override { accepted_ = true; }

  bool accepted() const { return accepted_; }
  const std::optional<Refusal>& refusal() const { return refusal_; }

 private:
  bool accepted_ = false;
  std::optional<Refusal> refusal_;
};

// Per stream: name, records stored and failed, and the first failure's message.
std::string Counts(const protocols::Decoded& decoded) {
  std::string out;
  for (const auto& s : decoded.streams()) {
    out += s->name + ": " + std::to_string(s->stored) + " stored, " + std::to_string(s->failed) +
           " failed (" + s->first_error + ")\n";
  }
  return out;
}

TEST(ProtocolRoundTrip, EveryRegisteredProtocolHasASample) {
  const std::map<Protocol, Sample> samples = Samples();
  for (const protocols::ProtocolSpec& p : protocols::Protocols()) {
    EXPECT_TRUE(samples.contains(p.id))
        << "protocol " << p.name << " (id " << static_cast<int>(p.id)
        << ") is registered without a sample in protocol_roundtrip_test.cc";
  }
  for (const auto& [id, sample] : samples) {
    EXPECT_NE(protocols::FindProtocol(id), nullptr)
        << "a sample for unregistered protocol id " << static_cast<int>(id);
  }
}

// What a request stored when it was acknowledged, and what its WAL record stores when replayed:
// per stream the counts and the first failure, and every partition's columns.
struct RoundTrip {
  std::string acknowledged_counts, replayed_counts;
  std::map<std::string, std::string> acknowledged, replayed;
};

// Takes `sample` of `protocol` through the flow, then through its WAL record and replay;
// `drift`, when set, changes the record's header before replay (to show the comparison sees it).
void TakeThrough(const protocols::ProtocolSpec& protocol, const Sample& sample, RoundTrip& out,
                 const std::function<void(RequestHeader&)>& drift = nullptr) {
  IngestFlowOptions options;
  options.max_past_us = 24LL * 3600 * 1'000'000;  // a day: 1970 is out
  options.max_fields = 16;                        // the twenty-field records fail

  // The request, as a transport hands it to the flow.
  Partitions acknowledged;
  Ingester ingester(acknowledged.memtable(), nullptr, nullptr);
  IngestFlow flow(options);
  flow.set_ingester(&ingester);
  const std::string body = Padded(sample.body);
  auto call = std::make_shared<RecordingCall>(flow.BuilderOptionsNow());
  call->state.header.variant = sample.variant;
  flow.Run({.endpoint = Endpoint::kJson, .protocol = &protocol}, call, "acme", sample.stream,
           {body.data(), sample.body.size()}, 0);
  ASSERT_TRUE(call->accepted()) << (call->refusal() ? call->refusal()->message : "no answer");
  EXPECT_EQ(call->state.header.protocol, protocol.id);
  EXPECT_EQ(call->state.header.type, protocol.type);
  ASSERT_GT(call->state.decoded.successful(), 0u) << "the sample stores nothing";

  // Its WAL record, as Ingester::Commit writes it.
  std::string payload;
  EncodeRequestHeader(call->state.header, payload);
  payload += sample.body;

  // Replay, as ReplayWal reads and decodes it, into a memtable of its own.
  RequestHeader header;
  std::string_view record_body;
  ASSERT_TRUE(DecodeRequestRecord(payload, header, record_body).ok());
  EXPECT_EQ(header.protocol, protocol.id);
  if (drift) drift(header);
  const std::string replay_body = Padded(record_body);
  protocols::Decoded replayed(header.options);
  const Status st = DecodeRequestBody(header, {replay_body.data(), record_body.size()}, replayed);
  ASSERT_TRUE(st.ok()) << st.ToString();
  Partitions replayed_partitions;
  Ingester replayer(replayed_partitions.memtable(), nullptr, nullptr);
  bool applied = false;
  replayer.Commit(header, record_body, replayed, [&](const Status& s) { applied = s.ok(); });
  ASSERT_TRUE(applied);

  out.acknowledged_counts = Counts(call->state.decoded);
  out.replayed_counts = Counts(replayed);
  out.acknowledged = acknowledged.Take();
  out.replayed = replayed_partitions.Take();
}

TEST(ProtocolRoundTrip, EveryRegisteredProtocolReplaysToIdenticalColumns) {
  const std::map<Protocol, Sample> samples = Samples();
  for (const protocols::ProtocolSpec& protocol : protocols::Protocols()) {
    SCOPED_TRACE(std::string(protocol.name));
    const auto it = samples.find(protocol.id);
    if (it == samples.end()) continue;  // EveryRegisteredProtocolHasASample fails
    RoundTrip r;
    TakeThrough(protocol, it->second, r);
    EXPECT_EQ(r.replayed_counts, r.acknowledged_counts);
    ASSERT_FALSE(r.acknowledged.empty());
    EXPECT_EQ(r.replayed, r.acknowledged);
  }
}

// The comparison is not blind: a replay that decoded with other options (another time of
// request, no field limit) would be caught.
TEST(ProtocolRoundTrip, AReplayThatDriftsIsCaught) {
  const Sample sample = Samples()[Protocol::kNdjson];
  const protocols::ProtocolSpec& multi = *protocols::FindProtocol(Protocol::kNdjson);
  RoundTrip later;
  TakeThrough(multi, sample, later, [](RequestHeader& h) { h.options.now_us += 3'600'000'000; });
  EXPECT_EQ(later.replayed_counts, later.acknowledged_counts);
  EXPECT_NE(later.replayed, later.acknowledged);  // records without `_timestamp` take the time
  RoundTrip unlimited;
  TakeThrough(multi, sample, unlimited, [](RequestHeader& h) { h.options.max_fields = 0; });
  EXPECT_NE(unlimited.replayed_counts, unlimited.acknowledged_counts);
  // Whether records were fingerprinted is in the record too.
  RoundTrip unfingerprinted;
  TakeThrough(multi, sample, unfingerprinted,
              [](RequestHeader& h) { h.options.fingerprint = nullptr; });
  EXPECT_NE(unfingerprinted.replayed, unfingerprinted.acknowledged);
  // The line protocol's precision is in the record: read as nanoseconds, the sample's points
  // would be in 1970.
  const protocols::ProtocolSpec& line = *protocols::FindProtocol(Protocol::kInfluxLine);
  RoundTrip nanoseconds;
  TakeThrough(line, Samples()[Protocol::kInfluxLine], nanoseconds,
              [](RequestHeader& h) { h.variant = 0; });
  EXPECT_NE(nanoseconds.replayed_counts, nanoseconds.acknowledged_counts);
}

// The `_fingerprint` and `_template` columns of what `body` stored through `protocol` (with
// --fingerprint `on`, or off), as Describe() writes them.
std::string FingerprintColumns(Protocol id, const std::string& body, bool on = true) {
  IngestFlowOptions options;
  options.fingerprint = on;
  Partitions stored;
  Ingester ingester(stored.memtable(), nullptr, nullptr);
  IngestFlow flow(options);
  flow.set_ingester(&ingester);
  const std::string padded = Padded(body);
  auto call = std::make_shared<RecordingCall>(flow.BuilderOptionsNow());
  flow.Run({.endpoint = Endpoint::kJson, .protocol = protocols::FindProtocol(id)}, call, "acme",
           "app", {padded.data(), body.size()}, 0);
  EXPECT_TRUE(call->accepted()) << (call->refusal() ? call->refusal()->message : "no answer");
  std::string out;
  for (const auto& [partition, columns] : stored.Take()) {
    for (std::size_t at = 0; at < columns.size();) {
      const std::size_t end = columns.find('\n', at);
      const std::string_view line(columns.data() + at, end - at);
      if (line.starts_with("_fingerprint ") || line.starts_with("_template ")) {
        out += std::string(line) + "\n";
      }
      at = end + 1;
    }
  }
  return out;
}

// The same message gets the same fingerprint whichever protocol carries it: as a JSON record's
// `message` or `msg`, an HEC event's text, an OTLP log body or a Loki line.
TEST(Fingerprints, TheSameMessageGetsTheSameFingerprintFromEveryLogProtocol) {
  const std::string message = "user 42 logged in from 10.0.0.1:51515 in 30s";
  const std::string multi =
      FingerprintColumns(Protocol::kNdjson, R"({"message":")" + message + R"(","level":"info"})");
  EXPECT_NE(multi.find("_template string: \"user <NUM> logged in from <IP> in <NUM>\""),
            std::string::npos)
      << multi;
  EXPECT_EQ(FingerprintColumns(Protocol::kJsonArray, R"([{"msg":")" + message + R"("}])"), multi);
  EXPECT_EQ(FingerprintColumns(Protocol::kBulk,
                               "{\"index\":{\"_index\":\"app\"}}\n{\"log\":\"" + message + "\"}\n"),
            multi);
  EXPECT_EQ(FingerprintColumns(Protocol::kHec, R"({"event":")" + message + R"(","index":"app"})"),
            multi);
  logs_v1::ExportLogsServiceRequest otlp;
  otlp.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_body()->set_string_value(
      message);
  // An attribute named like a JSON message field does not replace the body.
  auto* attribute = otlp.mutable_resource_logs(0)
                        ->mutable_scope_logs(0)
                        ->mutable_log_records(0)
                        ->add_attributes();
  attribute->set_key("message");
  attribute->mutable_value()->set_string_value("not the body");
  EXPECT_EQ(FingerprintColumns(Protocol::kOtlpLogsProtobuf, otlp.SerializeAsString()), multi);
  const std::string now_ns = std::to_string(model::NowMicros() * 1000);
  EXPECT_EQ(FingerprintColumns(Protocol::kLokiJson, R"({"streams":[{"stream":{"app":"a"},)"
                                                    R"("values":[[")" +
                                                        now_ns + R"(",")" + message + R"("]]}]})"),
            multi);
}

TEST(Fingerprints, NoneForMetricsTracesOrWhenOff) {
  EXPECT_EQ(FingerprintColumns(Protocol::kNdjson, R"({"message":"hello 1"})", false), "");
  EXPECT_EQ(FingerprintColumns(Protocol::kNdjson, R"({"other":"hello 1"})"), "");
  EXPECT_EQ(FingerprintColumns(Protocol::kInfluxLine, "cpu,message=x usage=1"), "");
  EXPECT_EQ(FingerprintColumns(Protocol::kOtlpTracesProtobuf, OtlpTraces()), "");
}

}  // namespace
}  // namespace ingot::ingest
