// The OTLP mapping (docs/schema-otlp.md), field by field, for the protobuf decoder (read in place),
// the OTLP/JSON decoder and the libprotobuf reference; and the protobuf decoder against libprotobuf
// on malformed input.
#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "common/input_padding.h"
#include "model/names.h"
#include "model/timestamp.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "protocols/otlp/otlp.h"
#include "protocols/otlp/reference.h"
#include "protocols/otlp/test_util.h"

namespace ingot::protocols::otlp {
namespace {

namespace common = opentelemetry::proto::common::v1;
namespace logs = opentelemetry::proto::logs::v1;
namespace trace = opentelemetry::proto::trace::v1;
namespace metrics = opentelemetry::proto::metrics::v1;
using LogsRequest = opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest;
using TraceRequest = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using MetricsRequest = opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;

// libprotobuf logs each string it rejects as not UTF-8; these tests send many on purpose.
[[maybe_unused]] const bool kQuietLibprotobuf = (google::protobuf::SetLogHandler(nullptr), true);

constexpr std::int64_t kNowUs = 1'700'000'000'000'000;
constexpr std::uint64_t kNowNs = static_cast<std::uint64_t>(kNowUs) * 1000;

model::BuilderOptions Options() {
  model::BuilderOptions o;
  o.now_us = kNowUs;
  o.min_timestamp_us = kNowUs - 86'400'000'000LL;
  o.max_timestamp_us = kNowUs + 3'600'000'000LL;
  return o;
}

// A decoded request.
struct Out {
  Decoded decoded{Options()};
  Status status;
  ExportResult result;
  StreamRecords& stream() { return decoded.Stream("s"); }
  const model::RecordBatch& batch() { return stream().builder.batch(); }
  std::size_t rows() { return batch().num_rows(); }
  bool has(std::string_view name) { return batch().FindColumn(name) >= 0; }
  const model::Column& col(std::string_view name) {
    const int i = batch().FindColumn(name);
    EXPECT_GE(i, 0) << name;
    return batch().column(static_cast<std::size_t>(std::max(i, 0)));
  }
  // Row r's value of column `name` as text ("<null>" when absent).
  std::string at(std::string_view name, std::size_t r = 0) {
    if (!has(name)) return "<null>";  // a column no row filled is dropped
    const model::Column& c = col(name);
    if (r >= c.rows() || !c.is_defined(r)) return "<null>";
    std::size_t value = 0;
    for (std::size_t i = 0; i < r; ++i) value += c.is_defined(i);
    std::string text;
    model::AppendValueText(c, value, text);
    return text;
  }
  model::ColumnType type(std::string_view name) { return col(name).type(); }
  std::vector<std::string> text() { return testing::RowsText(batch()); }
};

std::string Padded(std::string_view body) {
  std::string s(body);
  s.append(kInputPadding, '\0');
  return s;
}

std::unique_ptr<Out> Proto(Signal signal, std::string_view bytes) {
  auto out = std::make_unique<Out>();
  const std::string body = Padded(bytes);
  out->status = DecodeProtobuf(signal, {body.data(), bytes.size()}, out->stream(), out->result);
  out->decoded.Finish();
  return out;
}

std::unique_ptr<Out> Ref(Signal signal, std::string_view bytes) {
  auto out = std::make_unique<Out>();
  google::protobuf::Arena arena;
  out->status = DecodeReference(signal, bytes, &arena, out->stream(), out->result);
  out->decoded.Finish();
  return out;
}

std::unique_ptr<Out> Json(Signal signal, std::string_view text) {
  auto out = std::make_unique<Out>();
  const std::string body = Padded(text);
  out->status = DecodeJson(signal, {body.data(), text.size()}, out->stream(), out->result);
  out->decoded.Finish();
  return out;
}

Signal SignalOf(const LogsRequest&) { return Signal::kLogs; }
Signal SignalOf(const TraceRequest&) { return Signal::kTraces; }
Signal SignalOf(const MetricsRequest&) { return Signal::kMetrics; }

// Decodes `request` serialized, with our decoder; checks that libprotobuf + the mapping and the
// OTLP/JSON decoder (on libprotobuf's JSON of it) give the very same rows.
template <class Request>
std::unique_ptr<Out> Decode(const Request& request) {
  const Signal signal = SignalOf(request);
  const std::string bytes = request.SerializeAsString();
  auto out = Proto(signal, bytes);
  EXPECT_TRUE(out->status.ok()) << out->status.ToString();
  auto ref = Ref(signal, bytes);
  EXPECT_TRUE(ref->status.ok()) << ref->status.ToString();
  EXPECT_EQ(out->text(), ref->text()) << "protobuf decoder vs libprotobuf";
  const std::string json = testing::ToOtlpJson(request);
  auto from_json = Json(signal, json);
  EXPECT_TRUE(from_json->status.ok()) << from_json->status.ToString() << "\n" << json;
  EXPECT_EQ(out->text(), from_json->text()) << "protobuf vs OTLP/JSON decoder\n" << json;
  EXPECT_EQ(out->result.rejected, ref->result.rejected);
  EXPECT_EQ(out->result.rejected, from_json->result.rejected);
  return out;
}

void Set(common::KeyValue* kv, std::string_view key, std::string_view value) {
  kv->set_key(std::string(key));
  kv->mutable_value()->set_string_value(std::string(value));
}

void Attr(google::protobuf::RepeatedPtrField<common::KeyValue>* list, std::string_view key,
          std::string_view value) {
  Set(list->Add(), key, value);
}

const std::string kTraceId("\x5b\x8e\xfb\xf0\x2a\x11\x4c\x0d\x9e\x00\x01\x02\x03\x04\x05\xff", 16);
const std::string kSpanId("\x00\x11\x22\x33\x44\x55\x66\x77", 8);
constexpr std::string_view kTraceHex = "5b8efbf02a114c0d9e000102030405ff";
constexpr std::string_view kSpanHex = "0011223344556677";

// ---- logs

LogsRequest FullLogs() {
  LogsRequest req;
  auto* rl = req.add_resource_logs();
  rl->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
  auto* res = rl->mutable_resource();
  Attr(res->mutable_attributes(), "service.name", "checkout");
  Attr(res->mutable_attributes(), "host.name", "web-1");
  res->set_dropped_attributes_count(2);
  auto* ref = res->add_entity_refs();
  ref->set_type("service");
  ref->add_id_keys("service.name");
  auto* sl = rl->add_scope_logs();
  sl->set_schema_url("https://scope");
  auto* scope = sl->mutable_scope();
  scope->set_name("io.opentelemetry.app");
  scope->set_version("1.2.3");
  scope->set_dropped_attributes_count(1);
  Attr(scope->mutable_attributes(), "scope.attr", "s");
  auto* r = sl->add_log_records();
  r->set_time_unix_nano(kNowNs + 123'456);
  r->set_observed_time_unix_nano(kNowNs + 999'000);
  r->set_severity_number(logs::SEVERITY_NUMBER_WARN);
  r->set_severity_text("WARN");
  r->mutable_body()->set_string_value("disk almost full");
  r->set_trace_id(kTraceId);
  r->set_span_id(kSpanId);
  r->set_flags(1);
  r->set_event_name("disk.warning");
  r->set_dropped_attributes_count(3);
  auto* a = r->mutable_attributes();
  Attr(a, "http.method", "GET");
  auto* kv = a->Add();
  kv->set_key("count");
  kv->mutable_value()->set_int_value(-42);
  kv = a->Add();
  kv->set_key("ratio");
  kv->mutable_value()->set_double_value(0.25);
  kv = a->Add();
  kv->set_key("ok");
  kv->mutable_value()->set_bool_value(true);
  kv = a->Add();
  kv->set_key("raw");
  kv->mutable_value()->set_bytes_value(std::string("\x00\xff\x10", 3));
  kv = a->Add();
  kv->set_key("tags");
  auto* arr = kv->mutable_value()->mutable_array_value();
  arr->add_values()->set_string_value("a");
  arr->add_values()->set_int_value(1);
  arr->add_values()->set_bool_value(false);
  arr->add_values();  // empty value: null
  kv = a->Add();
  kv->set_key("http");
  auto* kvl = kv->mutable_value()->mutable_kvlist_value();
  Set(kvl->add_values(), "route", "/cart");
  auto* deep = kvl->add_values();
  deep->set_key("req");
  auto* deeper = deep->mutable_value()->mutable_kvlist_value()->add_values();
  deeper->set_key("headers");
  Set(deeper->mutable_value()->mutable_kvlist_value()->add_values(), "accept", "*/*");
  kv = a->Add();
  kv->set_key("nothing");  // no value: absent
  return req;
}

TEST(OtlpLogs, EveryFieldIsMapped) {
  auto out = Decode(FullLogs());
  ASSERT_EQ(out->rows(), 1u);
  EXPECT_EQ(out->at("_timestamp"), std::to_string(kNowUs + 123));  // µs of time_unix_nano
  EXPECT_EQ(out->at("time_unix_nano"), std::to_string(kNowNs + 123'456));
  EXPECT_EQ(out->at("observed_time_unix_nano"), std::to_string(kNowNs + 999'000));
  EXPECT_EQ(out->type("time_unix_nano"), model::ColumnType::kInt64);
  EXPECT_EQ(out->at("severity_number"), "13");
  EXPECT_EQ(out->at("severity_text"), "WARN");
  EXPECT_EQ(out->at("body"), "disk almost full");
  EXPECT_EQ(out->at("trace_id"), kTraceHex);
  EXPECT_EQ(out->at("span_id"), kSpanHex);
  EXPECT_EQ(out->at("flags"), "1");
  EXPECT_EQ(out->at("event_name"), "disk.warning");
  EXPECT_EQ(out->at("dropped_attributes_count"), "3");
  // Resource and scope.
  EXPECT_EQ(out->at("service_name"), "checkout");
  EXPECT_EQ(out->at("host_name"), "web-1");
  EXPECT_EQ(out->at("resource_dropped_attributes_count"), "2");
  EXPECT_EQ(out->at("resource_entity_refs"), R"([{"type":"service","id_keys":["service.name"]}])");
  EXPECT_EQ(out->at("resource_schema_url"), "https://opentelemetry.io/schemas/1.21.0");
  EXPECT_EQ(out->at("scope_name"), "io.opentelemetry.app");
  EXPECT_EQ(out->at("scope_version"), "1.2.3");
  EXPECT_EQ(out->at("scope_dropped_attributes_count"), "1");
  EXPECT_EQ(out->at("scope_schema_url"), "https://scope");
  EXPECT_EQ(out->at("scope_attr"), "s");
  // Attributes, every AnyValue kind.
  EXPECT_EQ(out->at("http_method"), "GET");
  EXPECT_EQ(out->at("count"), "-42");
  EXPECT_EQ(out->type("count"), model::ColumnType::kInt64);
  EXPECT_EQ(out->at("ratio"), "0.25");
  EXPECT_EQ(out->type("ratio"), model::ColumnType::kFloat64);
  EXPECT_EQ(out->at("ok"), "true");
  EXPECT_EQ(out->type("ok"), model::ColumnType::kBool);
  EXPECT_EQ(out->at("raw"), "AP8Q");
  EXPECT_EQ(out->at("tags"), R"(["a",1,false,null])");
  EXPECT_EQ(out->at("http_route"), "/cart");
  // Flattened up to 3 segments (http_req_headers), the rest as JSON text.
  EXPECT_EQ(out->at("http_req_headers"), R"({"accept":"*/*"})");
  EXPECT_FALSE(out->has("nothing"));
  EXPECT_FALSE(out->has("_extra"));
  EXPECT_EQ(out->result.rejected, 0);
}

TEST(OtlpLogs, BodyKindsAsJsonText) {
  struct Case {
    std::function<void(common::AnyValue*)> set;
    std::string want;
  };
  const Case cases[] = {
      {[](common::AnyValue* v) { v->set_int_value(42); }, "42"},
      {[](common::AnyValue* v) { v->set_bool_value(true); }, "true"},
      {[](common::AnyValue* v) { v->set_double_value(1.5); }, "1.5"},
      {[](common::AnyValue* v) { v->set_double_value(std::nan("")); }, "\"NaN\""},
      {[](common::AnyValue* v) { v->set_bytes_value("hi"); }, "aGk="},
      {[](common::AnyValue* v) { Set(v->mutable_kvlist_value()->add_values(), "a", "x"); },
       R"({"a":"x"})"},
      {[](common::AnyValue* v) { v->mutable_array_value()->add_values()->set_double_value(-0.5); },
       "[-0.5]"},
      {[](common::AnyValue* v) { v->mutable_array_value(); }, "[]"},
      {[](common::AnyValue* v) { v->set_string_value(""); }, ""},
  };
  for (const Case& c : cases) {
    LogsRequest req;
    auto* r = req.add_resource_logs()->add_scope_logs()->add_log_records();
    c.set(r->mutable_body());
    auto out = Decode(req);
    ASSERT_EQ(out->rows(), 1u);
    EXPECT_EQ(out->at("body"), c.want);
  }
}

TEST(OtlpLogs, TimestampFromTimeThenObservedThenArrival) {
  LogsRequest req;
  auto* sl = req.add_resource_logs()->add_scope_logs();
  sl->add_log_records()->set_observed_time_unix_nano(kNowNs - 5'000'000);
  sl->add_log_records();
  auto out = Decode(req);
  ASSERT_EQ(out->rows(), 2u);
  EXPECT_EQ(out->at("_timestamp", 0), std::to_string(kNowUs - 5'000));
  EXPECT_EQ(out->at("time_unix_nano", 0), "<null>");
  EXPECT_EQ(out->at("_timestamp", 1), std::to_string(kNowUs));
}

TEST(OtlpLogs, ServiceNameAlwaysPresentAndCollisionRule) {
  LogsRequest req;
  auto* rl = req.add_resource_logs();
  Attr(rl->mutable_resource()->mutable_attributes(), "service.name", "from-resource");
  Attr(rl->mutable_resource()->mutable_attributes(), "env", "prod");
  auto* sl = rl->add_scope_logs();
  sl->mutable_scope()->set_name("scope");
  auto* r = sl->add_log_records();
  r->mutable_body()->set_string_value("the body");
  Attr(r->mutable_attributes(), "service.name", "from-record");
  Attr(r->mutable_attributes(), "body", "attribute body");
  Attr(r->mutable_attributes(), "scope_name", "attribute scope");
  Attr(r->mutable_attributes(), "@timestamp", "2020-01-01");
  // Without any service.name on the resource: unknown_service.
  auto* other = req.add_resource_logs();
  Attr(other->mutable_resource()->mutable_attributes(), "env", "dev");
  other->add_scope_logs()->add_log_records();
  auto out = Decode(req);
  ASSERT_EQ(out->rows(), 2u);
  // The record's own fields win, then its attributes, then scope, then resource.
  EXPECT_EQ(out->at("body"), "the body");
  EXPECT_EQ(out->at("service_name"), "from-record");
  EXPECT_EQ(out->at("scope_name"), "attribute scope");
  EXPECT_EQ(out->at("env"), "prod");
  EXPECT_EQ(out->at("_extra"),
            R"({"body":"attribute body","scope_name":"scope","service_name":"from-resource"})");
  // `_timestamp` only from the time fields; the attribute goes to attributes__timestamp.
  EXPECT_EQ(out->at("_timestamp"), std::to_string(kNowUs));
  EXPECT_EQ(out->at("attributes__timestamp"), "2020-01-01");
  EXPECT_EQ(out->at("service_name", 1), "unknown_service");
  EXPECT_EQ(out->at("env", 1), "dev");
}

TEST(OtlpLogs, RecordsOutsideTheWindowAreRejectedOneByOne) {
  LogsRequest req;
  auto* sl = req.add_resource_logs()->add_scope_logs();
  sl->add_log_records()->set_time_unix_nano(kNowNs);
  sl->add_log_records()->set_time_unix_nano(1'000);  // 1970
  sl->add_log_records()->set_time_unix_nano(kNowNs + 1);
  auto out = Decode(req);
  EXPECT_EQ(out->rows(), 2u);
  EXPECT_EQ(out->result.rejected, 1);
  EXPECT_EQ(out->stream().failed, 1u);
  EXPECT_EQ(out->result.error_message.rfind("resource_logs[0].scope_logs[0].log_records[1]: ", 0),
            0u)
      << out->result.error_message;
}

// Every uint64 of nanoseconds is inside the storable range (its largest is in 2554): the time
// fields need no range check of their own, and the largest is stored where the window allows.
TEST(OtlpTimes, TheLargestNanosecondsAreStorable) {
  constexpr std::uint64_t kMaxNs = std::numeric_limits<std::uint64_t>::max();
  model::BuilderOptions o = Options();
  o.max_timestamp_us = std::numeric_limits<std::int64_t>::max();  // --max-future 0
  LogsRequest logs;
  logs.add_resource_logs()->add_scope_logs()->add_log_records()->set_time_unix_nano(kMaxNs);
  TraceRequest spans;
  auto* span = spans.add_resource_spans()->add_scope_spans()->add_spans();
  span->set_start_time_unix_nano(kMaxNs);
  span->set_end_time_unix_nano(kMaxNs);
  for (auto [signal, bytes] : {std::pair{Signal::kLogs, logs.SerializeAsString()},
                               std::pair{Signal::kTraces, spans.SerializeAsString()}}) {
    Out one;
    one.decoded = Decoded(o);
    const std::string body = Padded(bytes);
    one.status = DecodeProtobuf(signal, {body.data(), bytes.size()}, one.stream(), one.result);
    one.decoded.Finish();
    ASSERT_TRUE(one.status.ok()) << one.status.message();
    EXPECT_EQ(one.result.rejected, 0);
    EXPECT_EQ(one.at("_timestamp"), std::to_string(kMaxNs / 1000));
    EXPECT_EQ(model::FormatTimestamp(static_cast<std::int64_t>(kMaxNs / 1000)).substr(0, 4),
              "2554");
  }
}

// The builder sizes columns for the first record's values times the expected count: a huge first
// record followed by many tiny ones must not make it reserve far more than the request's size.
TEST(OtlpLogs, SizeHintIsBoundedByTheRequest) {
  LogsRequest req;
  auto* sl = req.add_resource_logs()->add_scope_logs();
  sl->add_log_records()->mutable_body()->set_string_value(std::string(1 << 20, 'x'));
  for (int i = 0; i < 20'000; ++i) sl->add_log_records();
  const std::string bytes = req.SerializeAsString();
  auto out = Proto(Signal::kLogs, bytes);
  ASSERT_TRUE(out->status.ok()) << out->status.ToString();
  EXPECT_EQ(out->rows(), 20'001u);
  EXPECT_LT(out->batch().MemoryBytes(), 16u * bytes.size());
  // Uniform records still get the hint: the body column is sized once, not grown by doubling.
  LogsRequest uniform;
  auto* us = uniform.add_resource_logs()->add_scope_logs();
  for (int i = 0; i < 1000; ++i)
    us->add_log_records()->mutable_body()->set_string_value("0123456789");
  auto u = Proto(Signal::kLogs, uniform.SerializeAsString());
  ASSERT_TRUE(u->status.ok());
  EXPECT_EQ(u->rows(), 1000u);
}

// ---- traces

TraceRequest FullTraces() {
  TraceRequest req;
  auto* rs = req.add_resource_spans();
  Attr(rs->mutable_resource()->mutable_attributes(), "service.name", "api");
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("tracer");
  auto* s = ss->add_spans();
  s->set_trace_id(kTraceId);
  s->set_span_id(kSpanId);
  s->set_parent_span_id(std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  s->set_trace_state("k=v");
  s->set_name("GET /cart");
  s->set_kind(trace::Span::SPAN_KIND_SERVER);
  s->set_start_time_unix_nano(kNowNs);
  s->set_end_time_unix_nano(kNowNs + 1'500'000);
  s->set_flags(0x301);
  s->set_dropped_attributes_count(1);
  s->set_dropped_events_count(2);
  s->set_dropped_links_count(3);
  s->mutable_status()->set_code(trace::Status::STATUS_CODE_ERROR);
  s->mutable_status()->set_message("boom");
  Attr(s->mutable_attributes(), "http.route", "/cart");
  auto* e = s->add_events();
  e->set_time_unix_nano(kNowNs + 10);
  e->set_name("exception");
  Attr(e->mutable_attributes(), "exception.type", "IOError");
  e->set_dropped_attributes_count(4);
  s->add_events()->set_name("second");
  auto* l = s->add_links();
  l->set_trace_id(kTraceId);
  l->set_span_id(kSpanId);
  l->set_trace_state("a=b");
  Attr(l->mutable_attributes(), "link.kind", "follows");
  l->set_dropped_attributes_count(5);
  l->set_flags(1);
  // A root span with defaults.
  ss->add_spans()->set_name("root");
  return req;
}

TEST(OtlpTraces, EveryFieldIsMapped) {
  auto out = Decode(FullTraces());
  ASSERT_EQ(out->rows(), 2u);
  EXPECT_EQ(out->at("_timestamp"), std::to_string(kNowUs));
  EXPECT_EQ(out->at("trace_id"), kTraceHex);
  EXPECT_EQ(out->at("span_id"), kSpanHex);
  EXPECT_EQ(out->at("parent_span_id"), "0102030405060708");
  EXPECT_EQ(out->at("trace_state"), "k=v");
  EXPECT_EQ(out->at("name"), "GET /cart");
  EXPECT_EQ(out->at("kind"), "server");
  EXPECT_EQ(out->at("start_time_unix_nano"), std::to_string(kNowNs));
  EXPECT_EQ(out->at("end_time_unix_nano"), std::to_string(kNowNs + 1'500'000));
  EXPECT_EQ(out->at("duration_ns"), "1500000");
  EXPECT_EQ(out->at("status_code"), "error");
  EXPECT_EQ(out->at("status_message"), "boom");
  EXPECT_EQ(out->at("flags"), "769");
  EXPECT_EQ(out->at("dropped_attributes_count"), "1");
  EXPECT_EQ(out->at("dropped_events_count"), "2");
  EXPECT_EQ(out->at("dropped_links_count"), "3");
  EXPECT_EQ(out->at("http_route"), "/cart");
  EXPECT_EQ(out->at("service_name"), "api");
  EXPECT_EQ(out->at("scope_name"), "tracer");
  EXPECT_EQ(out->at("events"),
            R"([{"time_unix_nano":1700000000000000010,"name":"exception",)"
            R"("attributes":{"exception.type":"IOError"},"dropped_attributes_count":4},)"
            R"({"name":"second"}])");
  EXPECT_EQ(out->at("links"), std::string(R"([{"trace_id":")") + std::string(kTraceHex) +
                                  R"(","span_id":")" + std::string(kSpanHex) +
                                  R"(","trace_state":"a=b","attributes":{"link.kind":"follows"},)"
                                  R"("dropped_attributes_count":5,"flags":1}])");
  // The root span: no parent, kind and status always there, no duration without times.
  EXPECT_EQ(out->at("parent_span_id", 1), "<null>");
  EXPECT_EQ(out->at("kind", 1), "unspecified");
  EXPECT_EQ(out->at("status_code", 1), "unset");
  EXPECT_EQ(out->at("duration_ns", 1), "<null>");
  EXPECT_EQ(out->at("_timestamp", 1), std::to_string(kNowUs));
  EXPECT_EQ(out->at("events", 1), "<null>");
}

TEST(OtlpTraces, UnknownEnumNumbersAsText) {
  TraceRequest req;
  auto* s = req.add_resource_spans()->add_scope_spans()->add_spans();
  s->set_kind(static_cast<trace::Span::SpanKind>(9));
  s->mutable_status()->set_code(static_cast<trace::Status::StatusCode>(-1));
  auto out = Decode(req);
  EXPECT_EQ(out->at("kind"), "9");
  EXPECT_EQ(out->at("status_code"), "-1");
}

// ---- metrics

MetricsRequest FullMetrics() {
  MetricsRequest req;
  auto* rm = req.add_resource_metrics();
  Attr(rm->mutable_resource()->mutable_attributes(), "service.name", "db");
  auto* sm = rm->add_scope_metrics();
  sm->mutable_scope()->set_name("meter");
  // Gauge: an int and a double point.
  auto* g = sm->add_metrics();
  g->set_name("queue.size");
  g->set_description("items waiting");
  g->set_unit("{item}");
  Attr(g->mutable_metadata(), "origin", "sdk");
  auto* gp = g->mutable_gauge()->add_data_points();
  gp->set_as_int(7);
  gp->set_time_unix_nano(kNowNs);
  gp->set_start_time_unix_nano(kNowNs - 1000);
  Attr(gp->mutable_attributes(), "queue", "q1");
  auto* ex = gp->add_exemplars();
  ex->set_as_double(2.5);
  ex->set_time_unix_nano(kNowNs - 7);
  ex->set_span_id(kSpanId);
  ex->set_trace_id(kTraceId);
  Attr(ex->mutable_filtered_attributes(), "user", "u1");
  auto* gp2 = g->mutable_gauge()->add_data_points();
  gp2->set_as_double(0.5);
  gp2->set_flags(1);
  // Sum.
  auto* s = sm->add_metrics();
  s->set_name("requests");
  s->mutable_sum()->set_aggregation_temporality(metrics::AGGREGATION_TEMPORALITY_DELTA);
  s->mutable_sum()->set_is_monotonic(true);
  auto* sp = s->mutable_sum()->add_data_points();
  sp->set_as_int(-3);
  sp->add_exemplars()->set_as_int(11);
  // Histogram.
  auto* h = sm->add_metrics();
  h->set_name("latency");
  h->mutable_histogram()->set_aggregation_temporality(metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* hp = h->mutable_histogram()->add_data_points();
  hp->set_count(4);
  hp->set_sum(10.5);
  hp->set_min(0.25);
  hp->set_max(7);
  hp->add_bucket_counts(0);
  hp->add_bucket_counts(3);
  hp->add_bucket_counts(1);
  hp->add_explicit_bounds(0.5);
  hp->add_explicit_bounds(2.5);
  h->mutable_histogram()->add_data_points()->set_count(0);  // no sum/min/max
  // Exponential histogram.
  auto* e = sm->add_metrics();
  e->set_name("sizes");
  e->mutable_exponential_histogram()->set_aggregation_temporality(
      metrics::AGGREGATION_TEMPORALITY_DELTA);
  auto* ep = e->mutable_exponential_histogram()->add_data_points();
  ep->set_count(6);
  ep->set_sum(12);
  ep->set_scale(-2);
  ep->set_zero_count(1);
  ep->set_zero_threshold(1e-9);
  ep->mutable_positive()->set_offset(-3);
  ep->mutable_positive()->add_bucket_counts(2);
  ep->mutable_positive()->add_bucket_counts(3);
  ep->mutable_negative()->set_offset(5);
  ep->mutable_negative()->add_bucket_counts(0);
  ep->set_max(100);
  // Summary.
  auto* su = sm->add_metrics();
  su->set_name("rpc");
  auto* up = su->mutable_summary()->add_data_points();
  up->set_count(10);
  up->set_sum(55);
  auto* q = up->add_quantile_values();
  q->set_quantile(0.5);
  q->set_value(4);
  q = up->add_quantile_values();
  q->set_quantile(0.99);
  q->set_value(9.75);
  // No data, and data without points: no rows.
  sm->add_metrics()->set_name("empty");
  sm->add_metrics()->mutable_gauge();
  return req;
}

TEST(OtlpMetrics, EveryKindOfPointIsMapped) {
  auto out = Decode(FullMetrics());
  ASSERT_EQ(out->rows(), 7u);
  // Gauge, int point.
  EXPECT_EQ(out->at("metric_name", 0), "queue.size");
  EXPECT_EQ(out->at("metric_description", 0), "items waiting");
  EXPECT_EQ(out->at("metric_unit", 0), "{item}");
  EXPECT_EQ(out->at("metric_type", 0), "gauge");
  EXPECT_EQ(out->at("metric_metadata_origin", 0), "sdk");
  EXPECT_EQ(out->at("value", 0), "7");
  EXPECT_EQ(out->type("value"), model::ColumnType::kFloat64);
  EXPECT_EQ(out->at("time_unix_nano", 0), std::to_string(kNowNs));
  EXPECT_EQ(out->at("start_time_unix_nano", 0), std::to_string(kNowNs - 1000));
  EXPECT_EQ(out->at("_timestamp", 0), std::to_string(kNowUs));
  EXPECT_EQ(out->at("queue", 0), "q1");
  EXPECT_EQ(out->at("service_name", 0), "db");
  EXPECT_EQ(out->at("scope_name", 0), "meter");
  EXPECT_EQ(out->at("aggregation_temporality", 0), "<null>");
  EXPECT_EQ(out->at("exemplars", 0),
            std::string(R"([{"time_unix_nano":1699999999999999993,"value":2.5,"span_id":")") +
                std::string(kSpanHex) + R"(","trace_id":")" + std::string(kTraceHex) +
                R"(","filtered_attributes":{"user":"u1"}}])");
  // Gauge, double point with the no-recorded-value flag.
  EXPECT_EQ(out->at("value", 1), "0.5");
  EXPECT_EQ(out->at("flags", 1), "1");
  EXPECT_EQ(out->at("metric_metadata_origin", 1), "sdk");
  // Sum.
  EXPECT_EQ(out->at("metric_type", 2), "sum");
  EXPECT_EQ(out->at("aggregation_temporality", 2), "delta");
  EXPECT_EQ(out->at("is_monotonic", 2), "true");
  EXPECT_EQ(out->at("value", 2), "-3");
  EXPECT_EQ(out->at("exemplars", 2), R"([{"value":11}])");
  EXPECT_EQ(out->at("is_monotonic", 0), "<null>");
  // Histogram.
  EXPECT_EQ(out->at("metric_type", 3), "histogram");
  EXPECT_EQ(out->at("aggregation_temporality", 3), "cumulative");
  EXPECT_EQ(out->at("count", 3), "4");
  EXPECT_EQ(out->at("sum", 3), "10.5");
  EXPECT_EQ(out->at("min", 3), "0.25");
  EXPECT_EQ(out->at("max", 3), "7");
  EXPECT_EQ(out->at("bucket_counts", 3), "[0,3,1]");
  EXPECT_EQ(out->at("explicit_bounds", 3), "[0.5,2.5]");
  EXPECT_EQ(out->at("count", 4), "0");
  EXPECT_EQ(out->at("sum", 4), "<null>");
  EXPECT_EQ(out->at("min", 4), "<null>");
  EXPECT_EQ(out->at("bucket_counts", 4), "<null>");
  // Exponential histogram.
  EXPECT_EQ(out->at("metric_type", 5), "exponential_histogram");
  EXPECT_EQ(out->at("aggregation_temporality", 5), "delta");
  EXPECT_EQ(out->at("count", 5), "6");
  EXPECT_EQ(out->at("sum", 5), "12");
  EXPECT_EQ(out->at("scale", 5), "-2");
  EXPECT_EQ(out->at("zero_count", 5), "1");
  EXPECT_EQ(out->at("zero_threshold", 5), "1e-09");
  EXPECT_EQ(out->at("positive_offset", 5), "-3");
  EXPECT_EQ(out->at("positive_bucket_counts", 5), "[2,3]");
  EXPECT_EQ(out->at("negative_offset", 5), "5");
  EXPECT_EQ(out->at("negative_bucket_counts", 5), "[0]");
  EXPECT_EQ(out->at("max", 5), "100");
  EXPECT_EQ(out->at("min", 5), "<null>");
  // Summary.
  EXPECT_EQ(out->at("metric_type", 6), "summary");
  EXPECT_EQ(out->at("count", 6), "10");
  EXPECT_EQ(out->at("sum", 6), "55");
  EXPECT_EQ(out->at("quantile_values", 6),
            R"([{"quantile":0.5,"value":4},{"quantile":0.99,"value":9.75}])");
  EXPECT_EQ(out->at("aggregation_temporality", 6), "<null>");
}

// ---- protobuf semantics and malformed input, always against libprotobuf

// Decodes raw bytes with our decoder and libprotobuf; they must agree on failure and rows.
std::unique_ptr<Out> Both(Signal signal, std::string_view bytes) {
  auto out = Proto(signal, bytes);
  auto ref = Ref(signal, bytes);
  EXPECT_EQ(out->status.ok(), ref->status.ok())
      << "ours: " << out->status.ToString() << " libprotobuf: " << ref->status.ToString();
  if (out->status.ok() && ref->status.ok()) {
    EXPECT_EQ(out->text(), ref->text());
  }
  return out;
}

void Varint(std::uint64_t n, std::string& s) {
  while (n >= 0x80) {
    s.push_back(static_cast<char>(n | 0x80));
    n >>= 7;
  }
  s.push_back(static_cast<char>(n));
}

// A length-delimited field.
std::string Len(int field, std::string_view payload) {
  std::string s;
  Varint(static_cast<std::uint64_t>(field) << 3 | 2, s);
  Varint(payload.size(), s);
  s.append(payload);
  return s;
}

// A logs request with one record whose bytes are `record`.
std::string OneRecord(std::string_view record) { return Len(1, Len(2, Len(2, record))); }

TEST(OtlpProtobuf, MalformedInputFailsTheRequestLikeLibprotobuf) {
  struct Case {
    std::string name;
    std::string bytes;
    std::string_view message;
  };
  const Case cases[] = {
      {"truncated varint", OneRecord(std::string("\x10\x80", 2)), "ends in the middle"},
      {"varint of 11 bytes", OneRecord(std::string("\x10") + std::string(10, '\x80') + "\x01"),
       "varint"},
      {"wire type 6", OneRecord("\x0e"), "invalid field tag"},
      {"wire type 7", OneRecord("\x0f"), "invalid field tag"},
      {"field number 0", OneRecord(std::string("\x00\x01", 2)), "invalid field tag"},
      {"length past end",
       OneRecord("\x1a\x05"
                 "ab"),
       "past the end"},
      {"length past the enclosing message",
       Len(1, Len(2,
                  "\x12\x09"
                  "abc")) +
           "abcdefgh",
       "past the end"},
      {"truncated fixed64", OneRecord("\x09\x01\x02"), "ends in the middle"},
      {"unmatched end group", OneRecord("\x7c"), "end-group"},
      {"unterminated group", OneRecord("\x7b\x08\x01"), "ends in the middle"},
      {"invalid UTF-8 in severity_text", OneRecord("\x1a\x02\xc3\x28"), "UTF-8"},
      {"invalid UTF-8 in a body string", OneRecord(Len(5, Len(1, "\xff"))), "UTF-8"},
      {"invalid UTF-8 in an attribute key", OneRecord(Len(6, Len(1, "\xed\xa0\x80"))), "UTF-8"},
      {"surrogate in a resource attribute",
       Len(1, Len(1, Len(1, Len(1, "k") + Len(2, Len(1, "\xed\xb0\x80"))))), "UTF-8"},
  };
  for (const Case& c : cases) {
    auto out = Both(Signal::kLogs, c.bytes);
    EXPECT_FALSE(out->status.ok()) << c.name;
    EXPECT_EQ(out->status.code(), StatusCode::kInvalidInput) << c.name;
    EXPECT_NE(out->status.message().find(c.message), std::string::npos)
        << c.name << ": " << out->status.message();
  }
  // The message names where: the record's index.
  auto out = Proto(Signal::kLogs, Len(1, Len(2, Len(2, "") + Len(2, "\x1a\x01\xff"))));
  EXPECT_EQ(out->status.message(),
            "resource_logs[0].scope_logs[0].log_records[1]: string field is not valid UTF-8");
  // Bytes fields need not be UTF-8: ids are bytes.
  auto ids = Both(Signal::kLogs, OneRecord(Len(9, "\xff\xfe" + std::string(14, '\0'))));
  ASSERT_TRUE(ids->status.ok()) << ids->status.message();
  EXPECT_EQ(ids->at("trace_id"), "fffe" + std::string(28, '0'));
}

TEST(OtlpLogs, AttributesThatCannotBeColumnsGoToExtra) {
  LogsRequest req;
  auto* rl = req.add_resource_logs();
  Attr(rl->mutable_resource()->mutable_attributes(), "", "resource-empty");
  auto* r = rl->add_scope_logs()->add_log_records();
  r->set_time_unix_nano(kNowNs);
  Attr(r->mutable_attributes(), "", "empty");
  Attr(r->mutable_attributes(), std::string(300, 'K'), "long");
  Attr(r->mutable_attributes(), "date", "d");
  Attr(r->mutable_attributes(), "hour", "h");
  auto* kv = r->add_attributes();
  kv->set_key("m");
  Set(kv->mutable_value()->mutable_kvlist_value()->add_values(), "", "below");
  auto out = Decode(req);
  ASSERT_EQ(out->rows(), 1u);
  for (std::size_t i = 0; i < out->batch().num_columns(); ++i) {
    const std::string& name = out->batch().column(i).name();
    EXPECT_FALSE(name.empty());
    EXPECT_LE(name.size(), model::kMaxColumnNameBytes);
    EXPECT_NE(name, "date");
    EXPECT_NE(name, "hour");
  }
  EXPECT_EQ(out->at("date_"), "d");
  EXPECT_EQ(out->at("hour_"), "h");
  EXPECT_EQ(out->at("m_"), "below");
  EXPECT_EQ(out->at("_extra"),
            R"({"":"empty",")" + std::string(300, 'k') + R"(":"long","":"resource-empty"})");
}

// As the OpenTelemetry Collector: a trace id has 16 bytes, a span id 8, or none; any other length
// fails the request ("invalid length for ID"), in every id field, protobuf and OTLP/JSON alike.
TEST(OtlpIds, WrongLengthsFailTheRequest) {
  const std::string trace18(18, '\x11'), trace15(15, '\x11'), span9(9, '\x22'), span7(7, '\x22');
  const std::string trace16(16, '\x11'), span8(8, '\x22');
  struct Case {
    std::string what;
    Signal signal;
    std::string bytes;
    std::string_view message;  // "" = valid
  };
  // Field numbers: LogRecord trace_id 9, span_id 10; Span trace_id 1, span_id 2,
  // parent_span_id 4, links 13 (Link trace_id 1, span_id 2); Exemplar span_id 4, trace_id 5.
  auto span = [](std::string_view fields) { return Len(1, Len(2, Len(2, fields))); };
  auto exemplar = [](std::string_view fields) {
    // resource_metrics / scope_metrics / metrics / gauge (5) / data_points (1), whose exemplars
    // (5) the cases give.
    return Len(1, Len(2, Len(2, Len(5, Len(1, fields)))));
  };
  const Case cases[] = {
      {"log ids of the right length", Signal::kLogs, OneRecord(Len(9, trace16) + Len(10, span8)),
       ""},
      {"empty log ids", Signal::kLogs, OneRecord(Len(9, "") + Len(10, "")), ""},
      {"log trace_id of 18 bytes (36 hex digits)", Signal::kLogs, OneRecord(Len(9, trace18)),
       "trace_id: invalid length for ID: 18 bytes, expected 16"},
      {"log trace_id of 15 bytes", Signal::kLogs, OneRecord(Len(9, trace15)),
       "trace_id: invalid length for ID"},
      {"log span_id of 9 bytes", Signal::kLogs, OneRecord(Len(10, span9)),
       "span_id: invalid length for ID: 9 bytes, expected 8"},
      {"span ids of the right length", Signal::kTraces,
       span(Len(1, trace16) + Len(2, span8) + Len(4, span8)), ""},
      {"span trace_id of 18 bytes", Signal::kTraces, span(Len(1, trace18)),
       "trace_id: invalid length"},
      {"span span_id of 7 bytes", Signal::kTraces, span(Len(2, span7)), "span_id: invalid length"},
      {"span parent_span_id of 9 bytes", Signal::kTraces, span(Len(4, span9)),
       "parent_span_id: invalid length"},
      {"link trace_id of 15 bytes", Signal::kTraces, span(Len(13, Len(1, trace15))),
       "links.trace_id: invalid length"},
      {"link span_id of 9 bytes", Signal::kTraces, span(Len(13, Len(2, span9))),
       "links.span_id: invalid length"},
      {"exemplar ids of the right length", Signal::kMetrics,
       exemplar(Len(5, Len(4, span8) + Len(5, trace16))), ""},
      {"exemplar trace_id of 18 bytes", Signal::kMetrics, exemplar(Len(5, Len(5, trace18))),
       "exemplars.trace_id: invalid length"},
      {"exemplar span_id of 7 bytes", Signal::kMetrics, exemplar(Len(5, Len(4, span7))),
       "exemplars.span_id: invalid length"},
      // Protobuf's last value wins: only the final id is judged (as libprotobuf sees it).
      {"a short trace_id replaced by a good one", Signal::kLogs,
       OneRecord(Len(9, trace15) + Len(9, trace16)), ""},
      {"a good trace_id replaced by a long one", Signal::kLogs,
       OneRecord(Len(9, trace16) + Len(9, trace18)), "trace_id: invalid length"},
  };
  for (const Case& c : cases) {
    auto out = Both(c.signal, c.bytes);  // libprotobuf's reference must agree
    if (c.message.empty()) {
      EXPECT_TRUE(out->status.ok()) << c.what << ": " << out->status.message();
      continue;
    }
    EXPECT_EQ(out->status.code(), StatusCode::kInvalidInput) << c.what;
    EXPECT_NE(out->status.message().find(c.message), std::string::npos)
        << c.what << ": " << out->status.message();
  }
}

TEST(OtlpIds, WrongHexLengthsFailOtlpJson) {
  struct Case {
    std::string body;
    Signal signal;
    std::string_view message;  // "" = valid
  };
  const std::string hex32(32, 'a'), hex36(36, 'a'), hex16(16, 'b'), hex18(18, 'b');
  auto log = [](std::string_view fields) {
    return R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{)" + std::string(fields) + "}]}]}]}";
  };
  auto span = [](std::string_view fields) {
    return R"({"resourceSpans":[{"scopeSpans":[{"spans":[{)" + std::string(fields) + "}]}]}]}";
  };
  const Case cases[] = {
      {log(R"("traceId":")" + hex32 + R"(","spanId":")" + hex16 + R"(")"), Signal::kLogs, ""},
      {log(R"("traceId":"","spanId":"")"), Signal::kLogs, ""},
      {log(R"("traceId":")" + hex36 + R"(")"), Signal::kLogs,
       "log_records[0]: trace_id: invalid length for ID: 18 bytes, expected 16 (32 hex digits)"},
      {log(R"("spanId":")" + hex18 + R"(")"), Signal::kLogs, "span_id: invalid length"},
      {span(R"("traceId":")" + hex36 + R"(")"), Signal::kTraces, "trace_id: invalid length"},
      {span(R"("parentSpanId":")" + hex18 + R"(")"), Signal::kTraces,
       "parent_span_id: invalid length"},
      {span(R"("links":[{"traceId":")" + hex32 + R"(","spanId":")" + hex18 + R"("}])"),
       Signal::kTraces, "links.span_id: invalid length"},
  };
  for (const Case& c : cases) {
    auto out = Json(c.signal, c.body);
    if (c.message.empty()) {
      EXPECT_TRUE(out->status.ok()) << c.body << ": " << out->status.message();
      continue;
    }
    EXPECT_EQ(out->status.code(), StatusCode::kInvalidInput) << c.body;
    EXPECT_NE(out->status.message().find(c.message), std::string::npos)
        << c.body << " -> " << out->status.message();
  }
}

TEST(OtlpProtobuf, MalformedMetricsAndTraces) {
  // Histogram point with packed bucket_counts whose size is not a multiple of 8.
  const std::string point = Len(6, "\x01\x02\x03");
  const std::string metric = Len(9, Len(1, point));
  auto h = Both(Signal::kMetrics, Len(1, Len(2, Len(2, metric))));
  EXPECT_FALSE(h->status.ok());
  // Exponential histogram buckets with a truncated packed varint.
  const std::string buckets = Len(2, "\x80");
  auto e = Both(Signal::kMetrics, Len(1, Len(2, Len(2, Len(10, Len(1, Len(8, buckets)))))));
  EXPECT_FALSE(e->status.ok());
  // A span whose status message is not UTF-8.
  auto s = Both(Signal::kTraces, Len(1, Len(2, Len(2, Len(15, Len(2, "\xc0\x80"))))));
  EXPECT_FALSE(s->status.ok());
}

TEST(OtlpProtobuf, NestingIsBoundedLikeLibprotobuf) {
  // A log body of arrays nested n deep; libprotobuf's limit is 100 messages.
  for (int n : {40, 45, 48, 49, 50, 60}) {
    std::string value = Len(1, "leaf");                         // AnyValue{string}
    for (int i = 0; i < n; ++i) value = Len(5, Len(1, value));  // AnyValue{array{values}}
    auto out = Both(Signal::kLogs, OneRecord(Len(5, value)));
    // The record is at depth 3, its body at 4, the innermost value at 4 + 2n.
    EXPECT_EQ(out->status.ok(), 4 + 2 * n <= 100) << n << ": " << out->status.ToString();
  }
  std::string group = "\x0b";  // start group 1
  for (int i = 0; i < 120; ++i) group += "\x0b";
  auto g = Both(Signal::kLogs, OneRecord(group));
  EXPECT_FALSE(g->status.ok());
}

TEST(OtlpProtobuf, UnknownFieldsSkippedRepeatsFollowProtobuf) {
  std::string record;
  record += "\x10\x05";                                  // severity_number 5
  record += "\xa8\x06\x07";                              // unknown field 101, varint
  record += Len(99, "junk");                             // unknown length-delimited
  record += std::string("\x7b\x08\x01\x12\x00\x7c", 6);  // unknown group 15 with content
  record += "\x1d\x01\x02\x03\x04";                      // severity_text (3) as fixed32: unknown
  record += "\x10\x09";                                  // severity_number again: last wins
  record += Len(5, Len(1, "first"));                     // body
  record += Len(5, "\x10\x01");                          // body again: merged, bool replaces string
  record += Len(6, Len(1, "a") + Len(2, "\x18\x01"));    // attribute a = 1
  record += Len(3, "INFO");
  record += Len(6, Len(1, "b") + Len(2, Len(1, "x")));  // attribute b after another field
  auto out = Both(Signal::kLogs, OneRecord(record));
  ASSERT_TRUE(out->status.ok()) << out->status.ToString();
  EXPECT_EQ(out->at("severity_number"), "9");
  EXPECT_EQ(out->at("severity_text"), "INFO");
  EXPECT_EQ(out->at("body"), "true");
  EXPECT_EQ(out->at("a"), "1");
  EXPECT_EQ(out->at("b"), "x");
}

// Attributes and values take a fast path when they are one short key and one short value, or
// one short scalar; around its limits the result must be libprotobuf's.
TEST(OtlpProtobuf, AttributesAroundTheFastPathLimits) {
  for (std::size_t key_size : {1u, 126u, 127u, 128u}) {
    for (std::size_t value_size : {0u, 125u, 126u, 127u, 128u}) {
      const std::string key(key_size, 'k');
      const std::string value = Len(1, std::string(value_size, 'v'));  // AnyValue{string}
      auto out = Both(Signal::kLogs, OneRecord(Len(6, Len(1, key) + Len(2, value))));
      ASSERT_TRUE(out->status.ok()) << key_size << " " << value_size;
      EXPECT_EQ(out->at(key), std::string(value_size, 'v')) << key_size << " " << value_size;
    }
  }
  const std::string int_value = std::string("\x18\x7f");
  struct Case {
    std::string kv;
    bool ok;
  };
  const Case cases[] = {
      {Len(1, "\xff") + Len(2, Len(1, "v")), false},         // bad key on the fast path
      {Len(1, "k") + Len(2, Len(1, "\xc3")), false},         // bad value on the fast path
      {Len(2, Len(1, "v")) + Len(1, "k"), true},             // value first
      {Len(1, "k") + Len(2, int_value) + "\x18\x01", true},  // a trailing unknown field
      {Len(1, "k") + Len(2, int_value + "\x18\x05"), true},  // int given twice: last wins
      {Len(1, "k") + Len(2, "\x18\x80"), false},             // truncated varint
      {Len(1, "k") + Len(2, std::string("\x21\x00\x00\x00\x00\x00\x00\xf8\x3f", 9)), true},
      {Len(1, "k") + Len(2, "\x10\x02"), true},  // bool 2 is true
  };
  for (const Case& c : cases) {
    auto out = Both(Signal::kLogs, OneRecord(Len(6, c.kv)));
    EXPECT_EQ(out->status.ok(), c.ok) << out->status.ToString();
  }
}

TEST(OtlpProtobuf, OneofReplacedMessagesAreStillChecked) {
  // body = kvlist with a bad key, then replaced by a string: libprotobuf parsed the kvlist first.
  const std::string kvlist = Len(6, Len(1, Len(1, "\xff")));
  auto out = Both(Signal::kLogs, OneRecord(Len(5, kvlist + Len(1, "ok"))));
  EXPECT_FALSE(out->status.ok());
  auto fine = Both(Signal::kLogs, OneRecord(Len(5, Len(6, Len(1, Len(1, "k"))) + Len(1, "ok"))));
  ASSERT_TRUE(fine->status.ok());
  EXPECT_EQ(fine->at("body"), "ok");
  // A metric's gauge with a bad point, replaced by a sum.
  const std::string gauge = Len(5, Len(1, "\x09\x01"));
  auto m = Both(Signal::kMetrics, Len(1, Len(2, Len(2, gauge + Len(7, "")))));
  EXPECT_FALSE(m->status.ok());
}

TEST(OtlpProtobuf, EmptyRequestHasNoRows) {
  for (Signal s : {Signal::kLogs, Signal::kMetrics, Signal::kTraces}) {
    auto out = Both(s, "");
    ASSERT_TRUE(out->status.ok());
    EXPECT_EQ(out->rows(), 0u);
  }
}

// ---- OTLP/JSON specifics

TEST(OtlpJson, DeviationsFromTheProtobufJsonMapping) {
  auto out = Json(Signal::kLogs, R"({"resourceLogs":[{
    "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
    "scope_logs":[{"scope":{"name":"sc"},"logRecords":[
      {"timeUnixNano":"1700000000000000000","severityNumber":"SEVERITY_NUMBER_ERROR",
       "traceId":"5B8EFBF02A114C0D9E000102030405FF","spanId":"0011223344556677",
       "body":{"intValue":"12"},"unknownField":{"x":[1,2]},"flags":1,
       "attributes":[{"key":"n","value":{"intValue":7}},
                     {"key":"d","value":{"doubleValue":"Infinity"}},
                     {"key":"b","value":{"bytesValue":"-_8"}},
                     {"key":"nul","value":null}]},
      {"time_unix_nano":1700000000000000000,"severity_number":9,"observedTimeUnixNano":null,
       "body":{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":false}}]}}}
    ]}]}]})");
  ASSERT_TRUE(out->status.ok()) << out->status.ToString();
  ASSERT_EQ(out->rows(), 2u);
  EXPECT_EQ(out->at("service_name"), "svc");
  EXPECT_EQ(out->at("scope_name"), "sc");
  EXPECT_EQ(out->at("severity_number", 0), "17");
  EXPECT_EQ(out->at("severity_number", 1), "9");
  EXPECT_EQ(out->at("trace_id"), kTraceHex);  // lower-cased
  EXPECT_EQ(out->at("span_id"), kSpanHex);
  EXPECT_EQ(out->at("body", 0), "12");
  EXPECT_EQ(out->at("body", 1), R"({"k":false})");
  EXPECT_EQ(out->at("n"), "7");
  EXPECT_EQ(out->at("d"), "Infinity");
  EXPECT_EQ(out->at("b"), "+/8=");  // URL-safe unpadded, written back canonical
  EXPECT_FALSE(out->has("nul"));
  EXPECT_EQ(out->at("_timestamp", 1), std::to_string(kNowUs));
}

TEST(OtlpJson, EnumsByNameOrNumberAndLastKeyWins) {
  auto out = Json(Signal::kTraces, R"({"resourceSpans":[{"scopeSpans":[{"spans":[
    {"name":"a","name":"b","kind":"SPAN_KIND_CLIENT","status":{"code":"STATUS_CODE_OK"}},
    {"kind":4,"status":{"code":2,"message":"m"}}]}]}]})");
  ASSERT_TRUE(out->status.ok()) << out->status.ToString();
  EXPECT_EQ(out->at("name", 0), "b");
  EXPECT_EQ(out->at("kind", 0), "client");
  EXPECT_EQ(out->at("status_code", 0), "ok");
  EXPECT_EQ(out->at("kind", 1), "producer");
  EXPECT_EQ(out->at("status_code", 1), "error");
  auto m = Json(Signal::kMetrics, R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[
    {"name":"c","sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_CUMULATIVE",
     "isMonotonic":true,"dataPoints":[{"asInt":"9007199254740993","timeUnixNano":"1700000000000000000"}]}},
    {"name":"h","histogram":{"aggregationTemporality":1,"dataPoints":[
      {"count":"3","sum":null,"bucketCounts":["1",2],"explicitBounds":[1,"2.5"]}]}}]}]}]})");
  ASSERT_TRUE(m->status.ok()) << m->status.ToString();
  EXPECT_EQ(m->at("aggregation_temporality", 0), "cumulative");
  EXPECT_EQ(m->at("is_monotonic", 0), "true");
  EXPECT_EQ(m->at("value", 0), "9007199254740992");  // as float64
  EXPECT_EQ(m->at("aggregation_temporality", 1), "delta");
  EXPECT_EQ(m->at("count", 1), "3");
  EXPECT_EQ(m->at("sum", 1), "<null>");
  EXPECT_EQ(m->at("bucket_counts", 1), "[1,2]");
  EXPECT_EQ(m->at("explicit_bounds", 1), "[1,2.5]");
}

TEST(OtlpJson, MalformedInputFailsNamingTheField) {
  struct Case {
    std::string_view body, message;
  };
  const Case cases[] = {
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"W47++CoRTA2eAAECAwQF/w=="}]}]}]})",
       "resource_logs[0].scope_logs[0].log_records[0]: traceId: expected a hex string"},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"spanId":"abc"}]}]}]})",
       "spanId: expected a hex string"},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":1.5}]}]}]})",
       "timeUnixNano: expected an unsigned 64-bit integer"},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":-1}]}]}]})",
       "timeUnixNano: expected an unsigned 64-bit integer"},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"flags":4294967296}]}]}]})",
       "flags: expected an unsigned 32-bit integer"},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"LOUD"}]}]}]})",
       "severityNumber: expected an enum number or name"},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":"text"}]}]}]})",
       "body: expected an object"},
      {R"({"resourceLogs":[{"scopeLogs":{"logRecords":[]}}]})", "scopeLogs: expected an array"},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"bytesValue":"***"}}]}]}]})",
       "bytesValue: expected base64 text"},
      {R"({"resourceLogs":[null]})", "null in a list of messages"},
      {R"([1,2])", "expected a JSON object"},
      {R"({"resourceLogs":[)", "malformed JSON"},
  };
  for (const Case& c : cases) {
    auto out = Json(Signal::kLogs, c.body);
    EXPECT_EQ(out->status.code(), StatusCode::kInvalidInput) << c.body;
    EXPECT_NE(out->status.message().find(c.message), std::string::npos)
        << c.body << " -> " << out->status.message();
  }
}

TEST(OtlpJson, JsonNestingIsBoundedByTheParserWithAClearMessage) {
  // Deeper than simdjson's DOM limit (1024), in a key the mapping ignores: the parser refuses it.
  std::string deep = R"({"resourceLogs":[],"ignored":)" + std::string(70'000, '[') +
                     std::string(70'000, ']') + "}";
  auto out = Json(Signal::kLogs, deep);
  EXPECT_EQ(out->status.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(out->status.message(), "request: objects and arrays nested more than 1024 levels deep");
  const std::string ok = R"({"resourceLogs":[],"ignored":)" + std::string(1022, '[') +
                         std::string(1022, ']') + "}";  // 1 + 1022 + ... = 1023 levels
  EXPECT_TRUE(Json(Signal::kLogs, ok)->status.ok());
}

TEST(OtlpJson, NestingIsBounded) {
  std::string value = R"({"stringValue":"x"})";
  for (int i = 0; i < 60; ++i) value = R"({"arrayValue":{"values":[)" + value + "]}}";
  auto out = Json(Signal::kLogs,
                  R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":)" + value + "}]}]}]}");
  EXPECT_EQ(out->status.code(), StatusCode::kInvalidInput);
  EXPECT_NE(out->status.message().find("nested too deep"), std::string::npos)
      << out->status.message();
}

// ---- the three decoders agree on everything above, and on larger generated requests

TEST(OtlpDifferential, GeneratedRequestsGiveTheSameRows) {
  // Many records with repeated and changing keys (the emitter's key prediction), several
  // resources and scopes.
  LogsRequest req;
  for (int r = 0; r < 3; ++r) {
    auto* rl = req.add_resource_logs();
    Attr(rl->mutable_resource()->mutable_attributes(), "service.name", "svc" + std::to_string(r));
    for (int s = 0; s < 2; ++s) {
      auto* sl = rl->add_scope_logs();
      sl->mutable_scope()->set_name("scope" + std::to_string(s));
      for (int i = 0; i < 50; ++i) {
        auto* rec = sl->add_log_records();
        rec->set_time_unix_nano(kNowNs + static_cast<std::uint64_t>(i) * 1'000'000);
        rec->set_severity_number(static_cast<logs::SeverityNumber>(1 + i % 24));
        rec->mutable_body()->set_string_value("message " + std::to_string(i));
        Attr(rec->mutable_attributes(), "k" + std::to_string(i % 7), "v");
        Attr(rec->mutable_attributes(), "common", std::to_string(i));
        if (i % 5 == 0) {
          auto* kv = rec->add_attributes();
          kv->set_key("meta");
          Set(kv->mutable_value()->mutable_kvlist_value()->add_values(), "host",
              "h" + std::to_string(i));
        }
      }
    }
  }
  auto out = Decode(req);
  EXPECT_EQ(out->rows(), 300u);
  Decode(FullTraces());
  Decode(FullMetrics());
}

}  // namespace
}  // namespace ingot::protocols::otlp
